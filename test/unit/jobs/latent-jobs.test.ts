/**
 * The latent explorer's worker jobs in this process over a small VLAE checkpoint recorded as training
 * records one: a clip's code is the pooled posterior of its windows (checked against the encoder run
 * directly), prior draws are seeded, a decode writes seconds x rate samples, repeated encodes and
 * decodes leave tf.memory().numTensors flat, and bad input is refused in one line: a z of the wrong
 * size, a model that is not a VLAE, a checkpoint folder whose stored configuration was changed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeWav } from '../../../src-main/audio/wav'
import { muLawEncode } from '../../../src-main/dsp/mulaw'
import { trimSilence } from '../../../src-main/datasets/wavenet-batches'
import { initBackend } from '../../../src-main/engine/backend'
import { tf } from '../../../src-main/engine/tf'
import { buildVlaeForTraining, vlae, vlaeOptions, type VlaeOptions } from '../../../src-main/engine/models/vae/vlae'
import { saveCheckpoint, loadCheckpoint } from '../../../src-main/engine/train/checkpoint'
import { initialTrainState } from '../../../src-main/engine/train/loop'
import { decodeLatentJob, latentCodeJob } from '../../../src-main/jobs/latent-jobs'
import type { JobContext } from '../../../src-main/jobs/job-context'
import { poolPosteriors } from '../../../src-main/api/latent-code'
import { decodeWav } from '../../../src-main/audio/wav-decode'
import { Library } from '../../../src-main/library/library'
import { UserError } from '../../../src-main/util/errors'

const RATE = 8000
const ctx: JobContext = { progress: () => {}, signal: new AbortController().signal, isCancelled: () => false, throwIfCancelled: () => {}, backend: 'wasm' }

let root: string
let dataDir: string
let clip: string
let o: VlaeOptions
let checkpointPath: string
let modelId: number
let checkpointId: number

/** A tone of `n` samples at a steady level: nothing for the silence trim to cut. */
const tone = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => 0.4 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 0.2 * Math.sin((2 * Math.PI * 590 * i) / RATE))

beforeAll(async () => {
  await initBackend('wasm')
  root = mkdtempSync(join(tmpdir(), 'eb-latent-jobs-'))
  dataDir = join(root, 'data')
  o = vlaeOptions({ crop: 256, latents: 3, encoderChannels: 8, channels: 8, skipChannels: 8, seed: 5 })
  checkpointPath = join(dataDir, 'checkpoints', 'run-1', 'epoch-001')
  const model = buildVlaeForTraining(o, 1e-3)
  await saveCheckpoint(model, checkpointPath, { arch: 'vae/vlae', modelOptions: { ...o }, extra: { spec: { options: o, sampleRate: RATE } }, state: initialTrainState(1) })
  model.dispose()
  const lib = Library.open(dataDir)
  try {
    modelId = lib.models.create({ name: 'tiny VLAE', kind: 'vae/vlae', config: { options: { ...o }, sampleRate: RATE } })
    const runId = lib.runs.create({ modelId })
    checkpointId = lib.checkpoints.add({ runId, path: checkpointPath, step: 10 })
    lib.models.create({ name: 'not a VLAE', kind: 'wavenet/mulaw', config: {} })
  } finally {
    lib.close()
  }
  clip = join(root, 'clip.wav')
  // Two whole windows and a bit: the bit is left out.
  await writeWav(clip, [tone(2 * 256 + 100)], RATE, { float: true })
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Expects `p` to reject with a one-line UserError matching `line`. */
async function refused(p: Promise<unknown>, line: RegExp): Promise<void> {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(UserError)
  expect((err as Error).message).not.toContain('\n')
  expect((err as Error).message).toMatch(line)
}

describe('latentCode job', () => {
  it("encodes a clip's whole windows and pools their posteriors (the encoder run directly agrees)", async () => {
    const r = await latentCodeJob({ dataDir, modelId, path: clip }, ctx)
    expect(r).toMatchObject({ modelId, checkpointId, sampleRate: RATE, windows: 2 })
    expect(r.model).toMatch(/^VLAE 3 latents, crop 256/)
    const { model } = await loadCheckpoint(checkpointPath)
    try {
      // The job's windows: the silence-trimmed clip (the tone's first samples are near 0), cut from its start.
      const levels = muLawEncode(trimSilence(tone(2 * 256 + 100)), o.quantization).subarray(0, 512)
      const params = tf.tidy(() => vlae(model, o).encode(tf.tensor2d(levels, [2, 256], 'int32')).arraySync() as number[][])
      const want = poolPosteriors(params.map((p) => p.slice(0, 3)), params.map((p) => p.slice(3)))
      r.z.forEach((v, i) => expect(v).toBeCloseTo(want.z[i]!, 5))
      r.sigma!.forEach((v, i) => expect(v).toBeCloseTo(want.sigma[i]!, 5))
    } finally {
      model.optimizer?.dispose()
      model.dispose()
    }
  })

  it('draws from the prior by seed: the same seed the same z, another seed another', async () => {
    const a = await latentCodeJob({ dataDir, modelId, seed: 7 }, ctx)
    const b = await latentCodeJob({ dataDir, modelId, seed: 7 }, ctx)
    const c = await latentCodeJob({ dataDir, modelId, seed: 8 }, ctx)
    expect(a).toMatchObject({ sigma: null, windows: 0 })
    expect(a.z).toHaveLength(3)
    expect(b.z).toEqual(a.z)
    expect(c.z).not.toEqual(a.z)
  })

  it('refuses a clip shorter than one crop after trimming, and a model that is not a VLAE', async () => {
    const short = join(root, 'short.wav')
    await writeWav(short, [tone(200)], RATE, { float: true })
    await refused(latentCodeJob({ dataDir, modelId, path: short }, ctx), /short\.wav: \d+ samples of sound after trimming silence, shorter than model 1's crop of 256 \(32 ms\)$/)
    await refused(latentCodeJob({ dataDir, modelId: 2, seed: 0 }, ctx), /^model 2: a wavenet\/mulaw model, not a VLAE$/)
  })
})

describe('decodeLatent job', () => {
  it('writes seconds x rate samples at the model rate', async () => {
    const out = join(root, 'decoded.wav')
    const r = await decodeLatentJob({ dataDir, modelId, checkpointId, z: [0.5, -1, 2], seconds: 0.1, temperature: 1, seed: 3, out }, ctx)
    expect(r).toMatchObject({ out, sampleRate: RATE, samples: 800 })
    const wav = decodeWav(readFileSync(out), out)
    expect(wav.sampleRate).toBe(RATE)
    expect(wav.channels[0]).toHaveLength(800)
    // Again from the worker's compiled decoder: the same seed, the same audio; another seed, other audio.
    const again = join(root, 'again.wav')
    await decodeLatentJob({ dataDir, modelId, checkpointId, z: [0.5, -1, 2], seconds: 0.1, temperature: 1, seed: 3, out: again }, ctx)
    expect(readFileSync(again)).toEqual(readFileSync(out))
    await decodeLatentJob({ dataDir, modelId, checkpointId, z: [0.5, -1, 2], seconds: 0.1, temperature: 1, seed: 4, out: again }, ctx)
    expect(readFileSync(again)).not.toEqual(readFileSync(out))
  })

  it('refuses a latent vector of the wrong size or with non-finite values', async () => {
    const out = join(root, 'never.wav')
    await refused(decodeLatentJob({ dataDir, modelId, checkpointId, z: [1, 2], seconds: 0.1, temperature: 1, seed: 0, out }, ctx), /^latent vector: 2 values, but the model has 3 latents$/)
    await refused(decodeLatentJob({ dataDir, modelId, checkpointId, z: [1, Number.NaN, 0], seconds: 0.1, temperature: 1, seed: 0, out }, ctx), /^latent vector: value 1 \(NaN\) is not a finite number$/)
    // Finite but far outside the standard-normal prior (api/latent-bounds.ts): refused before any audio.
    await refused(decodeLatentJob({ dataDir, modelId, checkpointId, z: [0, 0, 1e30], seconds: 0.1, temperature: 1, seed: 0, out }, ctx), /^latent vector: dimension 2 is 1e\+30, outside the allowed -50\.\.50$/)
  })

  it('leaves tf.memory().numTensors flat over repeated encodes and decodes', async () => {
    const once = async (): Promise<void> => {
      const code = await latentCodeJob({ dataDir, modelId, path: clip }, ctx)
      await decodeLatentJob({ dataDir, modelId, checkpointId, z: code.z, seconds: 0.02, temperature: 1, seed: 0, out: join(root, 'leak.wav') }, ctx)
    }
    await once()
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) {
      await latentCodeJob({ dataDir, modelId, path: clip }, ctx)
      await decodeLatentJob({ dataDir, modelId, checkpointId, z: [0, 0, 0], seconds: 0.02, temperature: 1, seed: 0, out: join(root, 'leak.wav') }, ctx)
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('a checkpoint folder whose stored configuration was changed', () => {
  it('is refused in one line naming the checkpoint and the configuration it claims', async () => {
    // The same weights, their spec rewritten to a 2 x 3 decoder: the layers no longer match it.
    const changed = join(dataDir, 'checkpoints', 'run-1', 'changed')
    cpSync(checkpointPath, changed, { recursive: true })
    const file = join(changed, 'model.json')
    const json = JSON.parse(readFileSync(file, 'utf8')) as { userDefinedMetadata: { electricBeats: { extra: { spec: { options: VlaeOptions } } } } }
    json.userDefinedMetadata.electricBeats.extra.spec.options.layersPerStack = 3
    writeFileSync(file, JSON.stringify(json))
    const lib = Library.open(dataDir)
    let changedId: number
    try {
      changedId = lib.checkpoints.add({ runId: 1, path: changed, step: 20 })
    } finally {
      lib.close()
    }
    const err = /^checkpoint \d+ of model 1: its layers are not those of VLAE 3 latents, crop 256, encoder 3 x 8, decoder WaveNet 2x3 x 8/
    // The model's newest checkpoint (encode, sample) and that checkpoint named by a code (decode).
    await refused(latentCodeJob({ dataDir, modelId, path: clip }, ctx), err)
    await refused(latentCodeJob({ dataDir, modelId, seed: 1 }, ctx), err)
    await refused(decodeLatentJob({ dataDir, modelId, checkpointId: changedId, z: [0, 0, 0], seconds: 0.1, temperature: 1, seed: 0, out: join(root, 'never.wav') }, ctx), err)
  })
})
