/**
 * Naive WaveNet generation: for each new sample the whole model runs on the last receptiveField
 * samples (O(receptiveField x layers) per sample; the reference that fast generation, Paine et al.
 * 2016, must match). Output t of the model is the distribution of sample t + 1, so running on a
 * window ending at the newest sample and reading its last step gives the next sample's levels;
 * a window shorter than the receptive field (at the start) equals the model's own zero padding.
 *
 * Sampling: levels drawn from p^(1/temperature) (the softmax of logits / temperature) by inverse
 * CDF on a seeded stream (util/random.ts), one draw per sample per stream, so the same seed, model,
 * conditioning and backend give the same levels. Temperature 0 takes the most likely level
 * (argmax), the mode fast generation is checked against sample for sample.
 *
 * Local conditioning: frame i conditions sequence positions [i * hop, (i + 1) * hop) (positions
 * count from the first primer sample), as in the model. The model's local input must be a whole
 * number of frames long, so each window starts on a frame boundary and is zero-padded after its end
 * up to the next one; by causality the padding changes nothing at the position read.
 */
import { tf } from '../tf'
import type { LayersModel } from '../models/model-files'
import { wavenetSignature, type WavenetSignature } from '../models/wavenet'
import { createRng } from '../../util/random'
import { UserError } from '../../util/errors'
import type { Samples } from '../../util/units'

/** What to generate. */
export interface NaiveGenerateOptions {
  /** Samples to generate per stream (after the primer). */
  samples: Samples
  /** Independent streams generated together as one batch (1). */
  batch?: number
  /** >= 0; 1 samples the model's distribution, lower is more conservative, 0 is argmax (1). */
  temperature?: number
  /** Seed of the sampling stream (0). */
  seed?: number
  /** Mu-law levels the sequence starts from, shared by all streams (one level of silence, q / 2). */
  primer?: ArrayLike<number>
  /** Global conditioning: one vector of globalChannels per stream (required when the model has it). */
  global?: ArrayLike<number>[]
  /** Local conditioning: per stream, frames x localChannels values, row-major (required when the model has it). */
  local?: Float32Array[]
  /** Called after each generated sample. */
  onProgress?: (done: Samples, total: Samples) => void
  /** Checked before each sample: true stops, returning what was generated so far. */
  shouldStop?: () => boolean
}

/** What came out. */
export interface NaiveGeneration {
  /** Per stream: the generated mu-law levels (without the primer). */
  levels: Int32Array[]
  /** Generated samples per second of wall time, all streams counted. */
  samplesPerSecond: number
}

/**
 * Draws one level from probabilities `p` at `temperature` using uniform `u` in [0, 1): inverse CDF of
 * p^(1/temperature) normalised (computed in float64 from log p, so a low temperature cannot
 * underflow); temperature 0 returns the first most likely level.
 */
export function sampleLevel(p: ArrayLike<number>, temperature: number, u: number): number {
  let best = 0
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i
  if (temperature === 0) return best
  // At temperature 1 the weights are p itself (no log or exp per level: a quarter of fast generation's time otherwise).
  const logMax = Math.log(p[best]!)
  const weight = (v: number): number => (temperature === 1 ? v : v > 0 ? Math.exp((Math.log(v) - logMax) / temperature) : 0)
  const w = weights.length >= p.length ? weights : (weights = new Float64Array(p.length))
  let total = 0
  for (let i = 0; i < p.length; i++) {
    w[i] = weight(p[i]!)
    total += w[i]!
  }
  let acc = 0
  const target = u * total
  for (let i = 0; i < p.length; i++) {
    acc += w[i]!
    if (target < acc) return i
  }
  return best // u * total rounded up to the sum: the last nonzero level's share is negligible
}

/** sampleLevel's scratch weights, reused across draws (generation draws one level per sample per stream). */
let weights = new Float64Array(256)

/** Generation options checked against a model's signature, defaults filled in. */
export interface CheckedGeneration {
  batch: number
  temperature: number
  primer: number[]
  /** Sequence length: primer plus generated samples. */
  total: Samples
}

/**
 * Checks the options and the conditioning against the model's signature (a UserError naming the
 * field otherwise); shared by naive and fast generation.
 */
export function checkGeneration(sig: WavenetSignature, opts: NaiveGenerateOptions): CheckedGeneration {
  const q = sig.quantization
  if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new UserError(`generate samples: ${opts.samples} is not a whole number >= 1`)
  const temperature = opts.temperature ?? 1
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new UserError(`generate temperature: ${temperature} is not a finite number >= 0`)
  const primer = Array.from(opts.primer ?? [Math.floor((q - 1) / 2 + 0.5)])
  if (primer.length === 0 || primer.some((v) => !Number.isInteger(v) || v < 0 || v >= q)) throw new UserError(`generate primer: needs at least one level, each a whole number in 0..${q - 1}`)
  const total = primer.length + opts.samples
  const batch = opts.batch ?? 1
  if (!Number.isInteger(batch) || batch < 1) throw new UserError(`generate batch: ${batch} is not a whole number >= 1`)
  if (sig.globalChannels > 0) {
    if (opts.global?.length !== batch) throw new UserError(`generate: the model takes global conditioning; give one vector per stream (${batch})`)
    opts.global.forEach((g, i) => {
      if (g.length !== sig.globalChannels) throw new UserError(`generate global conditioning ${i}: ${g.length} values, the model takes ${sig.globalChannels}`)
    })
  } else if (opts.global) throw new UserError('generate: the model takes no global conditioning')
  if (sig.localChannels > 0) {
    if (opts.local?.length !== batch) throw new UserError(`generate: the model takes local conditioning; give frames for each stream (${batch})`)
    const needed = Math.ceil((total - 1) / sig.localHop)
    opts.local.forEach((l, i) => {
      if (l.length % sig.localChannels !== 0) throw new UserError(`generate local conditioning ${i}: ${l.length} values are not whole frames of ${sig.localChannels} channels`)
      if (l.length / sig.localChannels < needed) throw new UserError(`generate local conditioning ${i}: ${l.length / sig.localChannels} frames, ${needed} needed for ${total} samples at hop ${sig.localHop}`)
    })
  } else if (opts.local) throw new UserError('generate: the model takes no local conditioning')
  return { batch, temperature, primer, total }
}

/**
 * Generates `samples` mu-law levels per stream with `model` (a WaveNet from buildWavenet, built with
 * any length, or loaded from its files). Throws a UserError for bad options or conditioning that
 * does not fit the model. Every tensor of a step is freed within the step.
 */
export function generateNaive(model: LayersModel, opts: NaiveGenerateOptions): NaiveGeneration {
  const sig = wavenetSignature(model)
  const q = sig.quantization
  const { batch, temperature, primer, total } = checkGeneration(sig, opts)
  const rng = createRng(opts.seed ?? 0)
  const seqs = Array.from({ length: batch }, () => {
    const s = new Int32Array(total)
    s.set(primer)
    return s
  })
  const globalT = sig.globalChannels > 0 ? tf.tensor2d(opts.global!.map((g) => Array.from(g)), [batch, sig.globalChannels]) : undefined
  const hop = sig.localHop
  const started = performance.now()
  let done = 0
  try {
    for (let t = primer.length - 1; t < total - 1; t++) {
      if (opts.shouldStop?.()) break
      // The window of positions [start, end) read at position t.
      let start = Math.max(0, t - sig.receptiveField + 1)
      let end = t + 1
      if (hop > 0) {
        start = Math.floor(start / hop) * hop
        end = Math.ceil(end / hop) * hop
      }
      const width = end - start
      const probs = tf.tidy(() => {
        const idx = new Int32Array(batch * width)
        seqs.forEach((s, b) => idx.set(s.subarray(start, Math.min(end, t + 1)), b * width))
        // Positions after t (frame padding) hold level 0; causality keeps them out of position t.
        const levels = tf.tensor2d(idx, [batch, width], 'int32')
        const inputs: tf.Tensor[] = [sig.input === 'onehot' ? tf.oneHot(levels, q).toFloat() : levels.toFloat()]
        if (globalT) inputs.push(globalT)
        if (hop > 0) {
          const frames = width / hop
          const first = start / hop
          const data = new Float32Array(batch * frames * sig.localChannels)
          opts.local!.forEach((l, b) => data.set(l.subarray(first * sig.localChannels, (first + frames) * sig.localChannels), b * frames * sig.localChannels))
          inputs.push(tf.tensor3d(data, [batch, frames, sig.localChannels]))
        }
        const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor3D
        return out.slice([0, t - start, 0], [batch, 1, q]).reshape([batch, q])
      })
      const p = probs.dataSync() as Float32Array
      probs.dispose()
      for (let b = 0; b < batch; b++) seqs[b]![t + 1] = sampleLevel(p.subarray(b * q, (b + 1) * q), temperature, rng.uniform())
      done++
      opts.onProgress?.(done, opts.samples)
    }
  } finally {
    globalT?.dispose()
  }
  const seconds = (performance.now() - started) / 1000
  return {
    levels: seqs.map((s) => s.slice(primer.length, primer.length + done)),
    samplesPerSecond: seconds > 0 ? (done * batch) / seconds : 0
  }
}
