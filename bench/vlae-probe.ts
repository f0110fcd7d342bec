/**
 * Does the audio VLAE's z carry the voice? (issue 16's targets: a linear probe on z tells the
 * genders apart at 90 % or better and the speakers at 70 % or better, on held-out clips.)
 *
 * For a trained VLAE checkpoint (train-vae --preset vlae): every clip of its run's dataset, split as
 * the run split it (the test clips were never trained on), is cut into up to --crops consecutive
 * crops; each crop is encoded to its posterior mean μ(x) and a clip's feature is the mean of its
 * crops'. A linear softmax classifier (multinomial logistic regression, Adam, light L2) is fitted on
 * the training clips' features, standardised by their own mean and deviation, and scored on the
 * test clips: gender and speaker. Chance levels are printed beside.
 *
 *   npx tsx bench/vlae-probe.ts --data-dir D --checkpoint ID [--crops N]   (one JSON object on stdout)
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Library } from '../src-main/library/library'
import { AudioCache, DEFAULT_CACHE_BYTES } from '../src-main/datasets/audio-cache'
import { initBackend } from '../src-main/engine/backend'
import { tf } from '../src-main/engine/tf'
import { muLawEncode } from '../src-main/dsp/mulaw'
import { vlae } from '../src-main/engine/models/vae/vlae'
import { resolveVlaeCheckpoint, splitVlaeClips, type VlaeClip } from '../src-main/jobs/train-vlae-job'

/** Fits W, b of softmax(xW + b) on x [n, d] with labels y in 0..c-1 and returns test accuracy. */
function probe(train: number[][], trainY: number[], test: number[][], testY: number[], classes: number): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(train)
    const mean = x.mean(0)
    const std = tf.sqrt(tf.add(tf.moments(x, 0).variance, 1e-6))
    const xs = x.sub(mean).div(std)
    const ys = tf.oneHot(tf.tensor1d(trainY, 'int32'), classes).toFloat()
    const w = tf.variable(tf.zeros([train[0]!.length, classes]))
    const b = tf.variable(tf.zeros([classes]))
    const opt = tf.train.adam(0.05)
    // Light L2 (1e-3): few clips per class; the probe must stay linear and not memorise.
    for (let i = 0; i < 400; i++) opt.minimize(() => tf.add(tf.losses.softmaxCrossEntropy(ys, xs.matMul(w).add(b)), tf.mul(1e-3, tf.sum(tf.square(w)))) as tf.Scalar, false, [w, b])
    const pred = tf.tensor2d(test).sub(mean).div(std).matMul(w).add(b).argMax(-1).dataSync()
    opt.dispose()
    return testY.filter((y, i) => pred[i] === y).length / testY.length
  })
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, checkpoint: { type: 'string' }, crops: { type: 'string', default: '8' } } })
  if (!values['data-dir'] || !values.checkpoint) throw new Error('usage: --data-dir D --checkpoint ID [--crops N]')
  await initBackend()
  const lib = Library.open(values['data-dir'])
  const loaded = await resolveVlaeCheckpoint(lib, values.checkpoint, `--checkpoint ${values.checkpoint}`)
  try {
    const o = loaded.spec.options
    const runId = lib.checkpoints.get(Number(values.checkpoint))!.runId
    const datasetId = lib.runs.get(runId)!.datasetId!
    const cache = new AudioCache(join(lib.dataDir, 'cache', 'audio'), DEFAULT_CACHE_BYTES)
    const split = await splitVlaeClips(lib, datasetId, loaded.spec, loaded.meta.state.seed, cache)
    const speakers = lib.speakers.list({ datasetId })
    const v = vlae(loaded.model, o)
    const maxCrops = Number(values.crops)
    const features = async (clips: VlaeClip[]): Promise<number[][]> => {
      const out: number[][] = []
      for (const c of clips) {
        const x = (await cache.get(c.path, loaded.spec.sampleRate)).samples.subarray(c.start, c.end)
        const n = Math.min(maxCrops, Math.floor(x.length / o.crop))
        const levels = muLawEncode(x.subarray(0, n * o.crop), o.quantization)
        out.push(
          tf.tidy(() => {
            const params = v.encode(tf.tensor2d(levels, [n, o.crop], 'int32'))
            return Array.from(params.slice([0, 0], [n, o.latents]).mean(0).dataSync())
          })
        )
      }
      return out
    }
    const speakerIndex = (c: VlaeClip): number => speakers.findIndex((s) => s.id === c.speakerId)
    const gender = (c: VlaeClip): number => (speakers[speakerIndex(c)]?.gender === 'F' ? 1 : 0)
    const [trainX, testX] = [await features(split.train), await features(split.test)]
    const result = {
      checkpoint: values.checkpoint,
      latents: o.latents,
      clips: { train: split.train.length, test: split.test.length },
      genderAccuracy: probe(trainX, split.train.map(gender), testX, split.test.map(gender), 2),
      speakerAccuracy: probe(trainX, split.train.map(speakerIndex), testX, split.test.map(speakerIndex), speakers.length),
      chance: { gender: 0.5, speaker: 1 / speakers.length },
      testGenders: { F: split.test.filter((c) => gender(c) === 1).length, M: split.test.filter((c) => gender(c) === 0).length }
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    loaded.model.dispose()
    lib.close()
  }
}

await main()
