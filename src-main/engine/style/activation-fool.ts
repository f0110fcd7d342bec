/**
 * "Fooling" a trained tagger, the research report's second experiment: starting from a clip, the
 * waveform is changed by gradient to maximise one tag's song-level probability (the mean of the
 * tagger's outputs over its input windows). Minimised by L-BFGS: the mean over windows of -log p_tag,
 * computed as softplus(-logit) so it stays finite and keeps its gradient where the sigmoid has
 * underflowed. (-log of the mean itself stalls: once one window scores 1, the others' gradients
 * are scaled by their own p of 1e-18 and never move.) Raising every window raises their mean, the
 * song-level figure reported before and after. The samples stay inside [-1, 1] by construction:
 * the variable is u with x = tanh(u), so no clipping step fights the optimiser.
 */
import { tf } from '../tf'
import { predictSong } from '../train/tagger'
import { UserError } from '../../util/errors'
import { clipWindows, gatherWindows, logitModel, type TaggerNet } from './activation-net'
import { optimiseWaveform } from './activation-optimise'
import type { StyleHooks } from './progress'

/** What a fooling run changed. */
export interface FoolOutput {
  /** The fooled clip at the tagger's rate, samples inside (-1, 1). */
  audio: Float32Array
  /** The tag's song-level probability (predictSong: mean over evenly spaced windows) before and after. */
  before: number
  after: number
  /** The minimised mean -log p over the windows, per iteration. */
  losses: number[]
  iterations: number
}

/** Iterations when the caller names none (measured: the probability is near 1 well before; docs/performance.md). */
export const FOOL_ITERATIONS = 30

/** |x| at which atanh is taken: a full-scale sample maps to a finite start (atanh(1 - 1e-6) = 7.25). */
const EDGE = 1 - 1e-6

/** The index of `tag` in the tagger's vocabulary; a UserError naming a few valid tags otherwise. */
export function tagIndex(net: TaggerNet, tag: string): number {
  const i = net.tags.indexOf(tag)
  if (i < 0) {
    const few = net.tags.slice(0, 8).map((t) => `"${t}"`).join(', ')
    throw new UserError(`tag "${tag}": not one of this model's ${net.tags.length} tags (${few}${net.tags.length > 8 ? ', ...' : ''})`)
  }
  return i
}

/** Windows differentiated together (memory: the tagger's activations of this many windows at once). */
const WINDOW_BATCH = 8

/**
 * Maximises tag `tag` of the tagger on `audio` (mono at net.sampleRate) with `iterations` L-BFGS
 * steps over the whole clip, read through the song-level windows (the evenly spaced windows that
 * predictSong and `tag` average), in batches of WINDOW_BATCH.
 */
export function foolTagger(net: TaggerNet, audio: Float32Array, tag: number, iterations = FOOL_ITERATIONS, hooks: StyleHooks = {}): FoolOutput {
  if (audio.length === 0) throw new UserError('input: clip has no samples')
  const before = predictSong(net.model, audio, net.crop)[tag]!
  const logits = logitModel(net.model)
  const starts = clipWindows(audio, net.crop, Number.MAX_SAFE_INTEGER)
  const terms = []
  for (let b = 0; b < starts.length; b += WINDOW_BATCH) {
    const part = starts.slice(b, b + WINDOW_BATCH)
    terms.push((u: tf.Tensor1D) => {
      const z = tf.slice(logits(gatherWindows(tf.tanh(u), part, net.crop)), [0, tag], [-1, 1])
      return tf.div(tf.sum(tf.softplus(tf.neg(z))), starts.length) as tf.Scalar
    })
  }
  const u0 = Float32Array.from(audio, (v) => Math.atanh(Math.max(-EDGE, Math.min(EDGE, v))))
  const result = optimiseWaveform(u0, terms, {
    iterations,
    onIteration: (i, loss) => hooks.onProgress?.({ step: i, total: iterations, phase: 'fool', loss }),
    ...(hooks.signal && { signal: hooks.signal })
  })
  const out = result.x.map(Math.tanh)
  const after = predictSong(net.model, out, net.crop)[tag]!
  return { audio: out, before, after, losses: result.losses, iterations: result.losses.length }
}
