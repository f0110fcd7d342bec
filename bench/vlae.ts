/**
 * The audio VLAE and its latent explorer (issue 16's targets), on an espeak-ng VCTK-format set of six
 * voices (bench/espeak-vctk.py: 3 female, 3 male, 20 Harvard sentences each):
 * - no collapse: the test KL per clip (a crop) stays above 2 nats; the KL of each latent dimension;
 * - a linear probe on z (each clip's pooled posterior mean, the explorer's encodeLatent) tells the
 *   genders apart at 90 % or better and the speakers at 70 % or better, on the run's held-out clips;
 * - decoding a 2 s clip through the explorer's decodeLatent service path takes under 10 s (first call,
 *   with the worker's start and the model's load, and a second);
 * - the F0 shift: each held-out clip of speaker A is decoded from its own code, and from its code moved
 *   by B's mean z minus A's (the explorer's bias control: A's clip with B's voice), and B's clips from
 *   theirs; the median F0 (YIN, dsp/pitch.ts) of each group says whether A's moved toward B's.
 *
 * Training (through the CLI, as a user would) takes --vlae-minutes, so this is not a default section:
 *   npm run bench -- vlae [--vlae-minutes M] [--vlae-seconds S] [--vlae-stacks N --vlae-layers-per-stack N] [--vlae-keep]
 * Measuring a VLAE trained already (its library, the checkpoint id):
 *   npm run bench -- vlae --vlae-library DIR --vlae-checkpoint ID
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LatentCode } from '../src-preload/api'
import { decodeFile } from '../src-main/audio/decode'
import { closeJobPool } from '../src-main/api/jobs'
import { decodeLatent, encodeLatent } from '../src-main/api/latents'
import { checkWhole } from '../src-main/api/training'
import { VLAE_DEPTH_LIMITS } from '../src-main/api/vlae-training'
import { AudioCache, DEFAULT_CACHE_BYTES } from '../src-main/datasets/audio-cache'
import { medianF0 } from '../src-main/dsp/pitch'
import { tf } from '../src-main/engine/tf'
import { Library } from '../src-main/library/library'
import { splitVlaeClips, type VlaeClip } from '../src-main/jobs/train-vlae-job'
import { readCheckpointMeta } from '../src-main/engine/train/checkpoint'
import type { VlaeSpec } from '../src-main/engine/train/vlae'
import { cliJson as cli, median, numberFlag } from './cli-json'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Options of this section (also parsed by bench/index.ts). */
export const VLAE_OPTIONS = {
  'vlae-minutes': { type: 'string' },
  'vlae-seconds': { type: 'string' },
  'vlae-stacks': { type: 'string' },
  'vlae-layers-per-stack': { type: 'string' },
  'vlae-keep': { type: 'boolean', default: false },
  'vlae-library': { type: 'string' },
  'vlae-checkpoint': { type: 'string' }
} as const

export interface VlaeBenchOptions {
  /** Wall-clock minutes of training (20). */
  minutes: number
  /** Seconds of each decode of the F0 measure (2). */
  seconds: number
  /** Keep the temporary folder (set, library, decodes) and print where it is. */
  keep: boolean
  /** The decoder's depth when training (absent: the preset's 2 x 4): `train-vae --stacks/--layers-per-stack`. */
  stacks?: number
  layersPerStack?: number
  /** Measure this trained checkpoint instead of training: its library and its id. */
  trained?: { library: string; checkpoint: number }
}

/**
 * Reads the section's flags; throws, naming the flag, on a bad value: the decoder's depth is checked
 * as train-vae checks it (whole numbers in 1..VLAE_DEPTH_LIMITS) before any set is made or trained,
 * and refused with --vlae-library (a trained model keeps the depth it was trained with).
 */
export function vlaeBenchOptions(v: Record<string, unknown>): VlaeBenchOptions {
  const num = (name: string, fallback: number, min: number): number => numberFlag(v, name, fallback, min)
  if ((v['vlae-library'] === undefined) !== (v['vlae-checkpoint'] === undefined)) throw new Error('--vlae-library and --vlae-checkpoint go together')
  const trained = v['vlae-library'] !== undefined ? { library: String(v['vlae-library']), checkpoint: num('vlae-checkpoint', 0, 1) } : undefined
  const depthFlag = (name: string, max: number): number | undefined => {
    if (v[name] === undefined) return undefined
    if (trained) throw new Error(`--${name}: sets the depth of the model the section trains; a --vlae-library model keeps its own`)
    const n = num(name, 1, 1)
    checkWhole(`--${name}`, n, 1, max)
    return n
  }
  const stacks = depthFlag('vlae-stacks', VLAE_DEPTH_LIMITS.stacks)
  const layersPerStack = depthFlag('vlae-layers-per-stack', VLAE_DEPTH_LIMITS.layersPerStack)
  const depth = { ...(stacks !== undefined && { stacks }), ...(layersPerStack !== undefined && { layersPerStack }) }
  return { minutes: num('vlae-minutes', 20, 0.5), seconds: num('vlae-seconds', 2, 0.1), keep: v['vlae-keep'] === true, ...depth, ...(trained && { trained }) }
}



const meanOf = (zs: number[][]): number[] => zs[0]!.map((_, j) => zs.reduce((a, z) => a + z[j]!, 0) / zs.length)

/**
 * Test accuracy of a linear softmax classifier (multinomial logistic regression, Adam, light L2) fitted
 * on x [n, d] with labels y in 0..classes-1, features standardised by the training set's own statistics.
 */
export function linearProbe(train: number[][], trainY: number[], test: number[][], testY: number[], classes: number): number {
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
    w.dispose()
    b.dispose()
    return testY.filter((y, i) => pred[i] === y).length / testY.length
  })
}

/** The run's split clips with their speaker and gender, as the training job split them (the test clips were never trained on). */
async function splitOf(library: string, checkpoint: number): Promise<{ train: VlaeClip[]; test: VlaeClip[]; speakerOf: (c: VlaeClip) => number; genderOf: (c: VlaeClip) => 'F' | 'M' | null; codes: string[]; modelId: number }> {
  const lib = Library.open(library)
  try {
    const c = lib.checkpoints.get(checkpoint)
    if (!c) throw new Error(`checkpoint ${checkpoint}: not in ${library}`)
    const run = lib.runs.get(c.runId)!
    const meta = await readCheckpointMeta(c.path)
    const spec = meta.extra.spec as unknown as VlaeSpec
    const cache = new AudioCache(join(library, 'cache', 'audio'), DEFAULT_CACHE_BYTES)
    const split = await splitVlaeClips(lib, run.datasetId!, spec, meta.state.seed, cache)
    const speakers = lib.speakers.list({ datasetId: run.datasetId! })
    const speakerOf = (x: VlaeClip): number => speakers.findIndex((s) => s.id === x.speakerId)
    return { ...split, speakerOf, genderOf: (x) => speakers[speakerOf(x)]?.gender ?? null, codes: speakers.map((s) => s.code), modelId: run.modelId }
  } finally {
    lib.close()
  }
}

/** Median F0 (Hz) of a decoded file, NaN when no frame was voiced. */
async function f0Of(file: string): Promise<number> {
  const a = await decodeFile(file)
  return medianF0(a.channels[0]!, a.sampleRate).f0
}

/** Measures a trained VLAE (see the file comment). */
async function measure(library: string, checkpoint: number, o: VlaeBenchOptions, work: string): Promise<Record<string, number>> {
  const split = await splitOf(library, checkpoint)
  const figures: Record<string, number> = {}
  // Every clip's code through the explorer's own service (a latentCode job per clip).
  const codeOf = new Map<VlaeClip, LatentCode>()
  for (const c of [...split.train, ...split.test]) codeOf.set(c, await encodeLatent({ modelId: split.modelId, path: c.path, dataDir: library }))
  const z = (list: VlaeClip[]): number[][] => list.map((c) => codeOf.get(c)!.z)
  const gender = (c: VlaeClip): number => (split.genderOf(c) === 'F' ? 1 : 0)
  figures.vlaeProbeGenderAccuracy = linearProbe(z(split.train), split.train.map(gender), z(split.test), split.test.map(gender), 2)
  figures.vlaeProbeSpeakerAccuracy = linearProbe(z(split.train), split.train.map(split.speakerOf), z(split.test), split.test.map(split.speakerOf), split.codes.length)
  figures.vlaeProbeSpeakerChance = 1 / split.codes.length
  figures.vlaeProbeTestClips = split.test.length
  figures.vlaeProbeTrainClips = split.train.length

  // Decode time of a --vlae-seconds clip through the service path: the first call starts the worker and loads the model.
  const anyCode = codeOf.get(split.test[0]!)!
  for (const [i, label] of ['First', 'Second'].entries()) {
    const r = await decodeLatent({ code: anyCode, seconds: 2, seed: i, out: join(work, `timing-${i}.wav`), dataDir: library })
    figures[`vlaeDecode2s${label}Seconds`] = r.wallMs / 1000
    figures[`vlaeDecode2s${label}XRealtime`] = r.xRealtime
    figures.vlaeDecodeSamplesPerSecond = r.samplesPerSecond
  }

  // The F0 shift between the first female and the first male speaker, both ways, on the held-out clips.
  const all = [...split.train, ...split.test]
  const mean = new Map(split.codes.map((_, s) => [s, meanOf(z(all.filter((c) => split.speakerOf(c) === s)))]))
  const female = split.codes.findIndex((_, s) => all.some((c) => split.speakerOf(c) === s && split.genderOf(c) === 'F'))
  const male = split.codes.findIndex((_, s) => all.some((c) => split.speakerOf(c) === s && split.genderOf(c) === 'M'))
  const clipsOf = (s: number): VlaeClip[] => {
    const held = split.test.filter((c) => split.speakerOf(c) === s)
    // At least three clips a speaker: the held-out ones, topped up with training clips.
    return [...held, ...split.train.filter((c) => split.speakerOf(c) === s)].slice(0, Math.max(3, held.length))
  }
  const decodedF0 = async (clips: VlaeClip[], bias: number[] | undefined, tag: string): Promise<number> => {
    const f0s: number[] = []
    for (const [i, c] of clips.entries()) {
      const out = join(work, `${tag}-${i}.wav`)
      await decodeLatent({ code: codeOf.get(c)!, ...(bias && { bias }), seconds: o.seconds, seed: i, out, dataDir: library })
      f0s.push(await f0Of(out))
    }
    return median(f0s)
  }
  for (const [a, b, name] of [
    [male, female, 'MaleToFemale'],
    [female, male, 'FemaleToMale']
  ] as const) {
    const shift = mean.get(b)!.map((v, j) => v - mean.get(a)![j]!)
    const own = await decodedF0(clipsOf(a), undefined, `${name}-own`)
    const moved = await decodedF0(clipsOf(a), shift, `${name}-moved`)
    const target = await decodedF0(clipsOf(b), undefined, `${name}-target`)
    figures[`vlaeF0${name}OwnHz`] = own
    figures[`vlaeF0${name}WithOtherZHz`] = moved
    figures[`vlaeF0${name}OtherOwnHz`] = target
    // 1 when A's decodes with B's z sit nearer B's own decodes than A's own do.
    figures[`vlaeF0${name}MovesToward`] = Math.abs(moved - target) < Math.abs(own - target) ? 1 : 0
  }
  return figures
}

/**
 * The section's own training run as train-vae arguments: dataset `datasetId` in library `lib` for
 * o.minutes, with the decoder's depth (--stacks, --layers-per-stack) when the options set it.
 */
export function vlaeTrainArgs(datasetId: number, lib: string, o: VlaeBenchOptions): string[] {
  // 8 kHz, crops of 1,024 samples (128 ms): a 100 Hz voice's period (80 samples) is beyond the decoder's 32, so the voice must go into z.
  const depth = [...(o.stacks !== undefined ? ['--stacks', String(o.stacks)] : []), ...(o.layersPerStack !== undefined ? ['--layers-per-stack', String(o.layersPerStack)] : [])]
  return ['train-vae', '--dataset', String(datasetId), '--preset', 'vlae', '--crop', '1024', '--sample-rate', '8000', '--latents', '16', '--batch', '8', '--lr', '0.002', '--epochs', '1000', '--max-minutes', String(o.minutes), ...depth, '--data-dir', lib]
}

/** The section (see the file's note). Nats per clip (a crop of the model's), accuracies in 0..1, F0 in Hz, times in seconds. */
export async function benchVlae(o: VlaeBenchOptions): Promise<Record<string, number>> {
  const work = mkdtempSync(join(tmpdir(), 'eb-bench-vlae-'))
  try {
    if (o.trained) return { ...recordedKl(o.trained.library, o.trained.checkpoint), ...(await measure(o.trained.library, o.trained.checkpoint, o, work)) }
    const set = join(work, 'set')
    const lib = join(work, 'library')
    execFileSync('/usr/bin/python3', [join(ROOT, 'bench/espeak-vctk.py'), set, '--rate', '8000', '--female', '3', '--male', '3', '--sentences', '20'], { stdio: ['ignore', 'ignore', 'ignore'] })
    const imported = cli(['import-vctk', set, '--data-dir', lib])
    const trained = cli(vlaeTrainArgs(Number(imported.datasetId), lib, o))
    const klDims = trained.klDims as number[]
    const figures: Record<string, number> = {
      vlaeTrainSeconds: Number(trained.trainingSeconds),
      vlaeEpochs: Number(trained.epochs),
      vlaeSteps: Number(trained.steps),
      vlaeTestElboPerClip: Number(trained.testElbo),
      vlaeTestElboPerSample: Number(trained.testElboPerSample),
      vlaeKlPerClip: Number(trained.kl),
      ...Object.fromEntries(klDims.map((v, j) => [`vlaeKl_${j}`, v]))
    }
    Object.assign(figures, await measure(lib, Number(trained.checkpointId), o, work))
    if (o.keep) process.stderr.write(`vlae: kept ${work}\n`)
    return figures
  } finally {
    await closeJobPool()
    if (!o.keep) rmSync(work, { recursive: true, force: true })
  }
}

/** The KL figures of a run trained already (the checkpoint's test metrics in run_metrics). */
export function recordedKl(library: string, checkpoint: number): Record<string, number> {
  const lib = Library.open(library)
  try {
    const c = lib.checkpoints.get(checkpoint)!
    const last = (name: string): number => lib.runs.metrics(c.runId, name).filter((m) => m.step <= c.step).at(-1)?.value ?? Number.NaN
    const figures: Record<string, number> = { vlaeKlPerClip: last('testKl'), vlaeTestElboPerClip: last('testElbo'), vlaeTestElboPerSample: last('testElboPerSample'), vlaeSteps: c.step }
    for (let j = 0; ; j++) {
      const v = last(`kl_${j}`)
      if (Number.isNaN(v)) break
      figures[`vlaeKl_${j}`] = v
    }
    return figures
  } finally {
    lib.close()
  }
}
