/**
 * One replica's share of a data-parallel training step: the loss of a shard of the batch and the
 * gradient of every trainable weight, as tfjs-layers' own trainOnBatch computes them (the model
 * applied in training mode, the compiled loss averaged over the shard). Used by the caller thread
 * and by every helper thread alike, so they cannot drift apart.
 */
import { tf, tfl } from '../tf'
import type { LayersModel } from '../models/model-files'

/** The losses a data-parallel run supports, by their Keras names (what model.compile takes). */
export type LossName = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError'

const LOSSES: Record<LossName, (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor> = {
  binaryCrossentropy: (t, p) => tfl.metrics.binaryCrossentropy(t, p),
  categoricalCrossentropy: (t, p) => tfl.metrics.categoricalCrossentropy(t, p),
  meanSquaredError: (t, p) => tfl.metrics.meanSquaredError(t, p)
}

/** The trainable variables of `model`, in a fixed order (the order gradients are packed in). */
export function trainableVariables(model: LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable)
}

/** Floats in all trainable variables together. */
export function gradientSize(model: LayersModel): number {
  return trainableVariables(model).reduce((n, v) => n + v.size, 0)
}

/**
 * Loss of the shard (x [n, ...input], y [n, outputs]) and its gradients packed into `out` in
 * trainableVariables order. Everything inside runs under tidy; nothing is left allocated.
 */
export function shardLossAndGradients(model: LayersModel, loss: LossName, x: tf.Tensor, y: tf.Tensor, out: Float32Array): number {
  const vars = trainableVariables(model)
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(LOSSES[loss](y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars)
    let at = 0
    for (const v of vars) {
      const g = grads[v.name]!.dataSync() as Float32Array
      out.set(g, at)
      at += g.length
    }
    return value.dataSync()[0]!
  })
}

/** Elements of a weight's (fully known) shape. */
const sizeOf = (shape: readonly (number | null)[]): number => shape.reduce((a: number, b) => a * (b ?? 1), 1)

/** Floats in all of the model's weights (trainable or not: batch-norm statistics too). */
export function weightSize(model: LayersModel): number {
  return model.weights.reduce((n, w) => n + sizeOf(w.shape), 0)
}

/** Copies every weight of `model` into `out` (the broadcast after each update). */
export function packWeights(model: LayersModel, out: Float32Array): void {
  let at = 0
  for (const w of model.weights) {
    const v = w.read().dataSync() as Float32Array
    out.set(v, at)
    at += v.length
  }
}

/** Sets every weight of `model` from `src` (as packWeights wrote them). */
export function unpackWeights(model: LayersModel, src: Float32Array): void {
  let at = 0
  for (const w of model.weights) {
    const n = sizeOf(w.shape)
    const t = tf.tensor(src.subarray(at, at + n), w.shape as number[])
    w.write(t)
    t.dispose()
    at += n
  }
}
