/**
 * The objective of the wavenet style method (Foote, Yang, Rohaninejad 2016, "Do Androids Dream of
 * Electric Beats?", after Gatys et al. 2015): WaveNet activations of an input sequence of relaxed
 * one-hot mu-law levels compared with
 * - content: the content clip's activations of one deep layer, sample for sample;
 * - style: the Gram matrix over time of each shallow layer's activations of the style clip.
 *
 * Both losses are relative, so their weights do not depend on a model's activation scale:
 *   content = sum_t |a_t - A_t|^2 / (T * C * mean(A^2))           (0 for the content itself)
 *   style   = mean over layers of |G - S|_F^2 / |S|_F^2,  G = (1/T) sum_t f_t f_t^T, S likewise
 *             over the style clip (any length)                      (1 for an all-zero Gram)
 *   total   = contentWeight * content + styleWeight * style
 *
 * Everything is computed from "stats": per style layer the Gram sum sum_t f_t f_t^T (unnormalised,
 * so a window's part can be taken out and put back), and the content's sum of squared errors.
 */
import { tf } from '../../tf'
import type { LayersModel } from '../../models/model-files'
import type { Samples } from '../../../util/units'

/** A source of model input: the [1, hi - lo, q] input rows lo..hi (one-hot or relaxed). */
export type InputRows = (lo: Samples, hi: Samples) => tf.Tensor3D

/** Unnormalised sufficient statistics of a stretch of output positions. */
export interface Stats {
  /** Per style layer: sum over the positions of f_t f_t^T, [C, C]. */
  grams: tf.Tensor2D[]
  /** Sum over the positions and channels of (a_t - A_t)^2 at the content layer. */
  contentSq: tf.Scalar
}

/** The three loss figures. */
export interface Losses {
  content: number
  style: number
  total: number
}

/** Output positions per forward pass when a whole clip is measured (bounds the activations held at once). */
const CHUNK: Samples = 4096

/** The fixed parts of a render's objective: the feature model, the targets and their scales. */
export interface Objective {
  /** Outputs [content layer, ...style layers], each [1, steps, channels]. */
  features: LayersModel
  /** Output t depends on inputs (t - reach, t] at every layer read. */
  reach: Samples
  /** Global conditioning [1, G], or null for an unconditioned model. */
  global: tf.Tensor2D | null
  /** Length of the content (and of the output), in samples. */
  length: Samples
  /** The content's activations at the content layer, [T, C]. */
  contentTarget: tf.Tensor2D
  /** T * C * mean(contentTarget^2): divides the content's squared error. */
  contentScale: number
  /** The style's Gram per style layer, normalised by the style's length, [C, C]. */
  styleGrams: tf.Tensor2D[]
  /** |S|_F^2 per style layer: divides its squared Gram error. */
  styleScales: number[]
  weights: { content: number; style: number }
}

/**
 * Activations at output positions [from, to) of `input`, from input rows [from - reach + 1, to)
 * (clipped at 0, where the model's own causal zero padding takes over, so the result is the same
 * as a pass over the whole clip). Returns [content, ...style] activations, each [to - from, C].
 */
export function activations(features: LayersModel, reach: Samples, global: tf.Tensor2D | null, input: InputRows, from: Samples, to: Samples): tf.Tensor2D[] {
  return tf.tidy(() => {
    const lo = Math.max(0, from - reach + 1)
    return windowActivations(features, global, input(lo, to), from - lo)
  })
}

/** The activations of `x` ([1, L, q]) from its row `skip` on, each [L - skip, C]. */
export function windowActivations(features: LayersModel, global: tf.Tensor2D | null, x: tf.Tensor3D, skip: number): tf.Tensor2D[] {
  return tf.tidy(() => {
    const out = features.apply(global ? [x, global] : x) as tf.Tensor3D | tf.Tensor3D[]
    return (Array.isArray(out) ? out : [out]).map((a) => {
      const [, steps, channels] = a.shape
      return a.slice([0, skip, 0], [1, steps - skip, channels]).reshape([steps - skip, channels]) as tf.Tensor2D
    })
  })
}

/** sum_t f_t f_t^T of activations [steps, C]: [C, C]. */
export const gramSum = (f: tf.Tensor2D): tf.Tensor2D => tf.matMul(f, f, true, false)

/** [from, to) ranges of at most CHUNK output positions covering [0, length). */
export function chunkRanges(length: Samples): [Samples, Samples][] {
  const out: [Samples, Samples][] = []
  for (let from = 0; from < length; from += CHUNK) out.push([from, Math.min(length, from + CHUNK)])
  return out
}

/**
 * Runs `each(from, to)` over [0, length) in chunks of CHUNK output positions and sums what it
 * returns, element by element (tensors of one shape per position in the list). Leaves only the sums.
 */
export function sumOverChunks(length: Samples, each: (from: Samples, to: Samples) => tf.Tensor[]): tf.Tensor[] {
  let sums: tf.Tensor[] | null = null
  for (const [from, to] of chunkRanges(length)) {
    const parts = each(from, to)
    if (sums === null) sums = parts
    else {
      const next: tf.Tensor[] = sums.map((s, i) => tf.add(s, parts[i]!))
      tf.dispose([...sums, ...parts])
      sums = next
    }
  }
  return sums ?? []
}

/** The stats of output positions [from, to) of `input` (see Stats). */
export function stretchStats(obj: Objective, input: InputRows, from: Samples, to: Samples): Stats {
  const [grams, contentSq] = tf.tidy(() => {
    const [a, ...f] = activations(obj.features, obj.reach, obj.global, input, from, to)
    const target = obj.contentTarget.slice([from, 0], [to - from, obj.contentTarget.shape[1]])
    return [f.map(gramSum), tf.sum(tf.squaredDifference(a!, target)) as tf.Scalar] as const
  })
  return { grams, contentSq }
}

/** The stats of the whole clip that `input` holds, measured in chunks. */
export function clipStats(obj: Objective, input: InputRows): Stats {
  const sums = sumOverChunks(obj.length, (from, to) => {
    const s = stretchStats(obj, input, from, to)
    return [...s.grams, s.contentSq]
  })
  return { grams: sums.slice(0, -1) as tf.Tensor2D[], contentSq: sums.at(-1) as tf.Scalar }
}

/** The losses as tensors, from a clip's stats (see the file comment). */
export function lossTensors(obj: Objective, grams: tf.Tensor2D[], contentSq: tf.Scalar): { content: tf.Scalar; style: tf.Scalar; total: tf.Scalar } {
  return tf.tidy(() => {
    const content = tf.div(contentSq, obj.contentScale) as tf.Scalar
    const perLayer = grams.map((g, i) => tf.div(tf.sum(tf.squaredDifference(tf.div(g, obj.length), obj.styleGrams[i]!)), obj.styleScales[i]!))
    const style = tf.div(tf.addN(perLayer), perLayer.length) as tf.Scalar
    const total = tf.add(tf.mul(content, obj.weights.content), tf.mul(style, obj.weights.style)) as tf.Scalar
    return { content, style, total }
  })
}

/** The losses of a clip's stats as numbers. */
export function lossValues(obj: Objective, s: Stats): Losses {
  const t = lossTensors(obj, s.grams, s.contentSq)
  const [content, style, total] = [t.content, t.style, t.total].map((x) => x.dataSync()[0]!) as [number, number, number]
  tf.dispose([t.content, t.style, t.total])
  return { content, style, total }
}

/** a + sign * b, element by element: a window's stats taken out of (-1) or put back into (+1) a clip's. */
export function combineStats(a: Stats, b: Stats, sign: 1 | -1): Stats {
  return tf.tidy(() => ({
    grams: a.grams.map((g, i) => (sign > 0 ? tf.add(g, b.grams[i]!) : tf.sub(g, b.grams[i]!)) as tf.Tensor2D),
    contentSq: (sign > 0 ? tf.add(a.contentSq, b.contentSq) : tf.sub(a.contentSq, b.contentSq)) as tf.Scalar
  }))
}

/** Disposes a Stats' tensors. */
export function disposeStats(s: Stats): void {
  tf.dispose([...s.grams, s.contentSq])
}

/** One-hot rows of mu-law `levels` (an InputRows for exact, projected input). */
export function oneHotRows(levels: Int32Array, q: number): InputRows {
  return (lo, hi) => tf.tidy(() => tf.oneHot(tf.tensor1d(levels.subarray(lo, hi), 'int32'), q).toFloat().expandDims(0) as tf.Tensor3D)
}
