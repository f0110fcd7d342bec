/**
 * The targets of the wavenet style method, measured once per render: the content clip's deep
 * activations (kept whole, [T, C]) and the style clip's shallow Grams (normalised by its length, so
 * a style clip of any length gives one target). See objective.ts for the losses they enter.
 */
import { tf } from '../../tf'
import type { LayersModel } from '../../models/model-files'
import type { Samples } from '../../../util/units'
import { activations, chunkRanges, gramSum, oneHotRows, sumOverChunks, type Objective } from './objective'

/** Below this mean square a target is treated as this (a silent layer would divide by zero). */
const MIN_SCALE = 1e-12

/** What buildObjective needs besides the two clips' mu-law levels. */
export interface ObjectiveParts {
  features: LayersModel
  reach: Samples
  quantization: number
  /** The global conditioning vector (a speaker one-hot), or undefined for an unconditioned model. */
  global?: number[]
  weights: { content: number; style: number }
}

/** Measures the content's and style's targets. The caller disposes the result with disposeObjective. */
export function buildObjective(parts: ObjectiveParts, content: Int32Array, style: Int32Array): Objective {
  const { features, reach, quantization: q } = parts
  const global = parts.global ? tf.tensor2d([parts.global]) : null
  const contentRows = oneHotRows(content, q)
  const chunks = chunkRanges(content.length).map(([from, to]) => {
    const [a, ...rest] = activations(features, reach, global, contentRows, from, to)
    tf.dispose(rest)
    return a!
  })
  const contentTarget = tf.concat(chunks, 0)
  tf.dispose(chunks)
  const styleRows = oneHotRows(style, q)
  const sums = sumOverChunks(style.length, (from, to) =>
    tf.tidy(() => {
      const [, ...f] = activations(features, reach, global, styleRows, from, to)
      return f.map(gramSum)
    })
  ) as tf.Tensor2D[]
  const styleGrams = sums.map((s) => tf.div(s, style.length) as tf.Tensor2D)
  tf.dispose(sums)
  const scalar = (t: tf.Scalar): number => {
    const v = t.dataSync()[0]!
    t.dispose()
    return v
  }
  const contentMeanSq = scalar(tf.tidy(() => tf.mean(tf.square(contentTarget)) as tf.Scalar))
  return {
    features,
    reach,
    global,
    length: content.length,
    contentTarget,
    contentScale: content.length * contentTarget.shape[1] * Math.max(MIN_SCALE, contentMeanSq),
    styleGrams,
    styleScales: styleGrams.map((g) => Math.max(MIN_SCALE, scalar(tf.tidy(() => tf.sum(tf.square(g)) as tf.Scalar)))),
    weights: parts.weights
  }
}

/** Releases an Objective's tensors (not its feature model, which shares the WaveNet's weights). */
export function disposeObjective(obj: Objective): void {
  tf.dispose([obj.contentTarget, ...obj.styleGrams, ...(obj.global ? [obj.global] : [])])
}
