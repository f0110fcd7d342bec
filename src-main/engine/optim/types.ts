import type { tf } from '../tf'

/** Loss and gradient at a point; the caller owns (and disposes) both tensors. */
export type LossAndGrad<T extends tf.Tensor> = (x: T) => { loss: tf.Scalar; grad: T }

/** Per-iteration callback; return false to stop early (cancel). */
export type IterationCallback = (iteration: number, loss: number) => boolean | void

/** Result of a minimisation: the final point (caller disposes) and its loss history. */
export interface MinimizeResult<T extends tf.Tensor> {
  x: T
  losses: number[]
  iterations: number
  stoppedEarly: boolean
}
