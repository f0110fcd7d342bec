/**
 * Worker side of the `generateWavenet` job: finds a trained WaveNet's checkpoint in the library of
 * `dataDir` (a model's best by validation NLL, or the checkpoint given), conditions it globally on
 * one of the speakers it was trained with (a one-hot vector) or on a dense vector (tags' multi-hot,
 * mean GloVe vector of words, a raw vector: jobs/wavenet-global.ts) and, for a model trained on log-mel frames,
 * on the frames of a recording (computed with the model's own mel settings: the vocoder check) or of
 * a log-mel file written by `mel` (refused when written with other settings), generates mu-law levels (fast per-layer
 * queues by default, the naive full-window pass on request), decodes them and writes each stream as
 * a 16-bit WAV at the model's rate. Every check runs before generation; nothing is written until all
 * streams are done, and each file is written atomically.
 */
import { rm } from 'node:fs/promises'
import { Library } from '../library/library'
import { writeWav } from '../audio/wav'
import { muLawDecode } from '../dsp/mulaw'
import { initBackend } from '../engine/backend'
import { loadModel, type LayersModel } from '../engine/models/model-files'
import { wavenetSignature } from '../engine/models/wavenet'
import { checkSpecMatches, type WavenetSpec } from '../engine/train/wavenet'
import { loadConditioning, type MelConditioning } from '../datasets/mel-file'
import { generateFast } from '../engine/generate/wavenet-fast'
import { generateNaive } from '../engine/generate/wavenet-naive'
import { UserError } from '../util/errors'
import type { Hz, Samples, Seconds } from '../util/units'
import type { JobContext } from './job-context'
import { resolveWavenet } from './load-wavenet'
import { globalInput, type GlobalInput } from './wavenet-global'

/** Params of a `generateWavenet` job. */
export interface GenerateWavenetParams {
  dataDir: string
  /** A WaveNet model id (its checkpoint with the lowest validation NLL)... */
  modelId?: number
  /** ...or one checkpoint id. */
  checkpointId?: number
  /** Output files, one per stream (absolute paths). */
  outs: string[]
  /** Seconds per stream (0..600). */
  seconds: Seconds
  /** Local conditioning of a mel-conditioned model: a recording (resynthesised) or a log-mel file from `mel` (.json). */
  mel?: string
  /** With `mel`: generate as long as the frames' audio (the recording's length), `seconds` ignored. */
  untilMelEnds?: boolean
  /** A speaker code the model was trained with (its first when absent; none for an unconditioned model). */
  speaker?: string
  /** A tags model's tags (or, for a GloVe model, tags whose words are averaged). */
  tags?: string[]
  /** A GloVe model's words: the mean of their vectors. */
  text?: string
  /** A raw global vector of the model's width (any vector-conditioned model). */
  vector?: number[]
  /** > 0 from the CLI; the engine's 0 (argmax) is accepted here for tests and the app. */
  temperature: number
  seed: number
  /** The naive full-receptive-field pass instead of the per-layer queues. */
  naive: boolean
}

/** What came out: the figures `generate --json` prints. */
export interface GenerateWavenetResult {
  modelId: number
  checkpointId: number
  files: string[]
  method: 'fast' | 'naive'
  sampleRate: Hz
  /** Samples per stream. */
  samples: Samples
  receptiveField: Samples
  /** The speaker code used, null for a model without speaker conditioning. */
  speaker: string | null
  /** Where a vector model's global input came from: tags, text or a raw vector; null for other models. */
  vectorFrom: GlobalInput['vectorFrom']
  /** Where the local conditioning came from: 'audio' (frames computed from a recording), 'mel-file', or null without it. */
  conditioning: MelConditioning['source'] | null
  temperature: number
  seed: number
  batch: number
  /** Generated samples per second of wall time, all streams counted. */
  samplesPerSecond: number
  /** Seconds of audio generated per second of wall time, all streams counted. */
  realtimeFactor: number
}

/** Progress reports per stream: often enough for a smooth bar, rarely enough to cost nothing per sample. */
const PROGRESS_EVERY: Samples = 256

/**
 * The local conditioning `p.mel` gives a model with `spec` (null for a model without it), and the
 * samples per stream: --seconds' worth, at most what the frames cover, or with untilMelEnds as long
 * as the frames' audio. A missing or unwanted --mel, and frames too short for --seconds, are refused.
 */
async function localConditioning(p: GenerateWavenetParams, spec: WavenetSpec, modelId: number): Promise<{ cond: MelConditioning | null; samples: Samples }> {
  const seconds = (s: Seconds): Samples => Math.round(s * spec.sampleRate)
  if (!spec.mel) {
    if (p.mel !== undefined) throw new UserError(`--mel ${p.mel}: model ${modelId} takes no local conditioning (train one with --condition mel); leave out --mel`)
    return { cond: null, samples: seconds(p.seconds) }
  }
  if (p.mel === undefined) throw new UserError(`model ${modelId}: conditioned on log-mel frames; give --mel FILE (a recording to resynthesise, or a log-mel file from \`mel\`)`)
  const cond = await loadConditioning(p.mel, spec.mel)
  const covered = cond.frames * spec.mel.hop
  if (p.untilMelEnds) {
    if (cond.samples > seconds(600)) throw new UserError(`--mel ${p.mel}: ${(cond.samples / spec.sampleRate).toFixed(1)} s is longer than 600 s; give --seconds`)
    return { cond, samples: cond.samples }
  }
  if (seconds(p.seconds) > covered) throw new UserError(`--seconds ${p.seconds}: the frames of ${p.mel} cover ${(covered / spec.sampleRate).toFixed(3)} s`)
  return { cond, samples: seconds(p.seconds) }
}

/**
 * Writes one WAV per stream, or none: a cancel between files, or a file that cannot be written
 * (a read-only folder, a full disk), removes the files already written before it rethrows.
 */
export async function writeAllOrNone(outs: string[], streams: Float32Array[], rate: Hz, ctx: JobContext): Promise<void> {
  const written: string[] = []
  try {
    for (const [i, x] of streams.entries()) {
      ctx.throwIfCancelled()
      await writeWav(outs[i]!, [x], rate)
      written.push(outs[i]!)
    }
  } catch (err) {
    await Promise.all(written.map((f) => rm(f, { force: true })))
    throw err
  }
}

/** Generates and writes the files (see the file comment). Rejects with a UserError for bad input, JobCancelled when cancelled. */
export async function generateWavenetJob(p: GenerateWavenetParams, ctx: JobContext): Promise<GenerateWavenetResult> {
  await initBackend(ctx.backend === 'none' ? undefined : ctx.backend)
  const batch = p.outs.length
  if (batch < 1) throw new UserError('generate: no output file given')
  if (!p.untilMelEnds && !(p.seconds > 0 && p.seconds <= 600)) throw new UserError(`seconds: ${p.seconds} is not in 0..600 (above 0)`)
  const lib = Library.open(p.dataDir)
  let found: Awaited<ReturnType<typeof resolveWavenet>>
  let asked: GlobalInput
  try {
    found = await resolveWavenet(lib, p)
    asked = await globalInput(lib, found.spec, p, found.modelId)
  } finally {
    lib.close()
  }
  const { checkpoint, spec, modelId } = found
  const { speaker: code, global, vectorFrom } = asked
  const { cond, samples } = await localConditioning(p, spec, modelId)
  if (samples < 1) throw new UserError(`seconds: ${p.seconds} is less than one sample at ${spec.sampleRate} Hz`)
  let model: LayersModel | null = null
  try {
    model = await loadModel(checkpoint.path, { optimizer: false })
    const sig = wavenetSignature(model)
    checkSpecMatches(sig, spec, `checkpoint ${checkpoint.id}`)
    ctx.progress({ step: 0, total: samples, phase: p.naive ? 'naive' : 'fast' })
    const gen = (p.naive ? generateNaive : generateFast)(model, {
      samples,
      batch,
      temperature: p.temperature,
      seed: p.seed,
      ...(global && { global: Array.from({ length: batch }, () => global) }),
      ...(cond && { local: Array.from({ length: batch }, () => cond.data) }),
      shouldStop: () => ctx.isCancelled(),
      onProgress: (done, total) => {
        if (done % PROGRESS_EVERY === 0 || done === total) ctx.progress({ step: done, total, phase: p.naive ? 'naive' : 'fast' })
      }
    })
    ctx.throwIfCancelled()
    await writeAllOrNone(p.outs, gen.levels.map((levels) => muLawDecode(levels, sig.quantization)), spec.sampleRate, ctx)
    return {
      modelId,
      checkpointId: checkpoint.id,
      files: p.outs,
      method: p.naive ? 'naive' : 'fast',
      sampleRate: spec.sampleRate,
      samples,
      receptiveField: sig.receptiveField,
      speaker: code,
      vectorFrom,
      conditioning: cond?.source ?? null,
      temperature: p.temperature,
      seed: p.seed,
      batch,
      samplesPerSecond: gen.samplesPerSecond,
      realtimeFactor: gen.samplesPerSecond / spec.sampleRate
    }
  } finally {
    model?.dispose()
  }
}
