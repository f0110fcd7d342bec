/**
 * The optimisation the tagger methods share: a waveform segment is the variable, a loss built on
 * the tagger is minimised by L-BFGS with the weak Wolfe line search (engine/optim/lbfgs), and
 * gradients come from tfjs autodiff through the layers model.
 */
import { tf } from '../tf'
import { minimizeLbfgs } from '../optim/lbfgs'
import { throwIfCancelled } from './progress'
import type { Samples } from '../../util/units'

/** How long a segment may be: tiles of the tagger's input processed as one batch (memory bound). */
export const SEGMENT_TILES = 8

/** Overlap of consecutive segments, crossfaded: 1 s as in the other methods, at most a quarter segment (small test taggers). */
export const segmentOverlap = (sampleRate: number, segment: Samples): Samples => Math.min(Math.round(sampleRate), Math.floor(segment / 4))

/** What one optimisation gives back: the final variable as plain samples and the loss per iteration. */
export interface OptimisedWaveform {
  x: Float32Array
  losses: number[]
}

/**
 * Minimises a loss over a waveform starting at `x0`. The loss is the sum of `terms`, each
 * differentiated on its own and the gradients summed, so a loss over many input windows runs in
 * bounded memory, one batch of windows per term. `onIteration` sees each iteration's loss, and an
 * aborted `signal` stops the run and throws the standard cancellation error.
 */
export function optimiseWaveform(
  x0: Float32Array,
  terms: ((x: tf.Tensor1D) => tf.Scalar) | ((x: tf.Tensor1D) => tf.Scalar)[],
  opts: { iterations: number; onIteration?: (i: number, loss: number) => void; signal?: AbortSignal }
): OptimisedWaveform {
  const grads = (Array.isArray(terms) ? terms : [terms]).map((t) => tf.valueAndGrad(t))
  const f = (x: tf.Tensor1D) => {
    let loss = tf.scalar(0)
    let grad = tf.zerosLike(x)
    for (const g of grads) {
      const next = tf.tidy(() => {
        const { value, grad: d } = g(x)
        return { loss: tf.add(loss, value) as tf.Scalar, grad: tf.add(grad, d) as tf.Tensor1D }
      })
      tf.dispose([loss, grad])
      ;({ loss, grad } = next)
    }
    return { loss, grad }
  }
  const start = tf.tensor1d(x0)
  let result: ReturnType<typeof minimizeLbfgs<tf.Tensor1D>>
  try {
    result = minimizeLbfgs(f, start, {
      iterations: opts.iterations,
      lineSearch: 'wolfe',
      onIteration: (i, loss) => {
        opts.onIteration?.(i, loss)
        return !opts.signal?.aborted
      }
    })
  } finally {
    start.dispose()
  }
  const x = Float32Array.from(result.x.dataSync() as Float32Array)
  result.x.dispose()
  throwIfCancelled(opts.signal)
  return { x, losses: result.losses }
}
