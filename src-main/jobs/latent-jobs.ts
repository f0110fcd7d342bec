/**
 * Worker side of the latent explorer's jobs over a trained audio VLAE (engine/models/vae/vlae.ts):
 * - `latentCode`: a clip's code (every whole crop-length window of the silence-trimmed clip, at the
 *   model's rate, through the encoder; the posterior means averaged, sigma pooled), or, without a
 *   clip, a seeded draw from the standard-normal prior;
 * - `decodeLatent`: audio from a z with fast generation (Paine et al. 2016): the VLAE's nested
 *   `wavenet` model compiled by compileWavenet (kept for the next decode of the same checkpoint
 *   file), z as its global conditioning vector, one step per sample; the levels mu-law decoded and
 *   written as a 16-bit WAV atomically at the model's rate.
 * Every check (model, checkpoint, z's size) runs before any audio is made.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { loadMono } from '../audio/load'
import { writeWav } from '../audio/wav'
import { trimSilence } from '../datasets/wavenet-batches'
import { muLawDecode, muLawEncode } from '../dsp/mulaw'
import { tf } from '../engine/tf'
import type { LayersModel } from '../engine/models/model-files'
import { describeVlae, vlae } from '../engine/models/vae/vlae'
import { compileWavenet, generateFast, type FastWavenet } from '../engine/generate/wavenet-fast'
import { checkVector, poolPosteriors, windowStarts } from '../api/latent-code'
import { LATENT_Z_RANGE } from '../api/latent-bounds'
import { createRng } from '../util/random'
import { UserError } from '../util/errors'
import type { Hz, Samples, Seconds } from '../util/units'
import type { JobContext } from './job-context'
import { inJobLibrary } from './run-outcome'
import { loadVlaeModel, resolveVlae, type LoadedVlaeModel } from './vlae-model'
import type { Library } from '../library/library'
import type { VlaeSpec } from '../engine/train/vlae'

/** Params of a `latentCode` job: a clip to encode, or a prior draw (no `path`). */
export interface LatentCodeParams {
  dataDir: string
  modelId: number
  /** An audio file (absolute path) to encode; absent: draw from the prior. */
  path?: string
  /** Seed of a prior draw (0). */
  seed?: number
}

/** A code as the job gives it (the LatentCode of the contract, less the caller's `source` naming). */
export interface LatentCodeResult {
  modelId: number
  checkpointId: number
  model: string
  z: number[]
  sigma: number[] | null
  sampleRate: Hz
  /** Windows of `crop` samples encoded (0 for a prior draw). */
  windows: number
}

/** Params of a `decodeLatent` job: the checkpoint a code came from, its (adjusted) z, and the output. */
export interface DecodeLatentParams {
  dataDir: string
  modelId: number
  checkpointId: number
  z: number[]
  seconds: Seconds
  temperature: number
  seed: number
  /** Output WAV (absolute path), written atomically. */
  out: string
}

/** What a decode made, and how fast. */
export interface DecodeLatentResult {
  out: string
  sampleRate: Hz
  samples: Samples
  /** Generated samples per second of generation time (after load and compile). */
  samplesPerSecond: number
  /** Load, compile, generate and write, in the worker. */
  jobMs: number
}

/** Windows through the encoder per call: 16 one-hot crops of 2,048 x 256 floats are 32 MB. */
const ENCODE_BATCH = 16

/** Progress reports while decoding: often enough for a smooth bar, rarely enough to cost nothing per sample. */
const PROGRESS_EVERY: Samples = 256

/** Runs `fn` with VLAE `ref` loaded from the library of `dataDir`; the model is disposed after. */
function withVlae<T>(dataDir: string, ref: { modelId: number; checkpointId?: number }, ctx: JobContext, fn: (v: LoadedVlaeModel) => Promise<T> | T): Promise<T> {
  return inJobLibrary(dataDir, ctx, async (lib) => {
    const loaded = await loadVlaeModel(lib, ref)
    try {
      return await fn(loaded)
    } finally {
      loaded.dispose()
    }
  })
}

/**
 * Posterior parameters [W][2L] of the windows of `x` (levels) through the VLAE's encoder, in batches;
 * every tensor freed.
 */
function encodeWindows(model: LayersModel, loaded: LoadedVlaeModel, levels: Int32Array, starts: number[], ctx: JobContext): number[][] {
  const o = loaded.spec.options
  const v = vlae(model, o)
  const out: number[][] = []
  for (let i = 0; i < starts.length; i += ENCODE_BATCH) {
    ctx.throwIfCancelled()
    const part = starts.slice(i, i + ENCODE_BATCH)
    const flat = new Int32Array(part.length * o.crop)
    part.forEach((s, k) => flat.set(levels.subarray(s, s + o.crop), k * o.crop))
    const params = tf.tidy(() => v.encode(tf.tensor2d(flat, [part.length, o.crop], 'int32')).arraySync() as number[][])
    out.push(...params)
    ctx.progress({ step: Math.min(i + ENCODE_BATCH, starts.length), total: starts.length, phase: 'encode' })
  }
  return out
}

/** Encodes a clip or draws from the prior (see the file comment). Rejects with a UserError for bad input. */
export function latentCodeJob(p: LatentCodeParams, ctx: JobContext): Promise<LatentCodeResult> {
  return withVlae(p.dataDir, { modelId: p.modelId }, ctx, async (loaded) => {
    const o = loaded.spec.options
    const base = { modelId: loaded.modelId, checkpointId: loaded.checkpointId, model: describeVlae(o), sampleRate: loaded.spec.sampleRate }
    if (p.path === undefined) {
      const rng = createRng(p.seed ?? 0)
      return { ...base, z: Array.from({ length: o.latents }, () => rng.normal()), sigma: null, windows: 0 }
    }
    const x = trimSilence(await loadMono(p.path, loaded.spec.sampleRate))
    const starts = windowStarts(x.length, o.crop)
    if (starts.length === 0) {
      throw new UserError(`${p.path}: ${x.length} samples of sound after trimming silence, shorter than model ${loaded.modelId}'s crop of ${o.crop} (${((o.crop / loaded.spec.sampleRate) * 1000).toFixed(0)} ms)`)
    }
    const params = encodeWindows(loaded.model, loaded, muLawEncode(x, o.quantization), starts, ctx)
    const { z, sigma } = poolPosteriors(
      params.map((r) => r.slice(0, o.latents)),
      params.map((r) => r.slice(o.latents))
    )
    return { ...base, z, sigma, windows: starts.length }
  })
}

/**
 * The compiled decoder of the checkpoint this worker decoded last, by folder and model.json's
 * modification time: a slider moved in the explorer decodes the same checkpoint again and again, and
 * loading it (weights, optimizer state, the configuration check) costs more than a short decode. A
 * folder rewritten since is loaded and checked again. Plain arrays: nothing to dispose.
 */
let lastDecoder: { key: string; net: FastWavenet } | null = null

/** The fast-generation weights of the VLAE's nested WaveNet (z its global input), loaded and checked once per checkpoint file. */
async function decoderOf(lib: Library, ref: { modelId: number; checkpointId: number }): Promise<{ net: FastWavenet; spec: VlaeSpec }> {
  const { checkpoint, spec } = await resolveVlae(lib, ref)
  const file = await stat(join(checkpoint.path, 'model.json'))
  const key = `${checkpoint.path}\0${file.mtimeMs}\0${file.size}`
  if (lastDecoder?.key === key) return { net: lastDecoder.net, spec }
  const loaded = await loadVlaeModel(lib, ref)
  try {
    const net = compileWavenet(loaded.model.getLayer('wavenet') as unknown as LayersModel)
    lastDecoder = { key, net }
    return { net, spec: loaded.spec }
  } finally {
    loaded.dispose()
  }
}

/** Decodes a z with fast generation and writes the WAV (see the file comment). Rejects with a UserError for bad input, JobCancelled when cancelled. */
export function decodeLatentJob(p: DecodeLatentParams, ctx: JobContext): Promise<DecodeLatentResult> {
  const started = performance.now()
  return inJobLibrary(p.dataDir, ctx, async (lib) => {
    const { net, spec } = await decoderOf(lib, { modelId: p.modelId, checkpointId: p.checkpointId })
    const o = spec.options
    checkVector(p.z, o.latents, 'latent vector', LATENT_Z_RANGE)
    const samples = Math.round(p.seconds * spec.sampleRate)
    if (samples < 1) throw new UserError(`seconds: ${p.seconds} is less than one sample at ${spec.sampleRate} Hz`)
    ctx.progress({ step: 0, total: samples, phase: 'decode' })
    const gen = generateFast(net, {
      samples,
      temperature: p.temperature,
      seed: p.seed,
      global: [p.z],
      shouldStop: () => ctx.isCancelled(),
      onProgress: (done, total) => {
        if (done % PROGRESS_EVERY === 0 || done === total) ctx.progress({ step: done, total, phase: 'decode' })
      }
    })
    ctx.throwIfCancelled()
    await writeWav(p.out, [muLawDecode(gen.levels[0]!, o.quantization)], spec.sampleRate)
    return { out: p.out, sampleRate: spec.sampleRate, samples, samplesPerSecond: gen.samplesPerSecond, jobMs: performance.now() - started }
  })
}
