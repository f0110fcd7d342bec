import { tf } from '../tf'
import type { IterationCallback, LossAndGrad, MinimizeResult } from './types'

/** Options of Adam (Kingma & Ba); defaults are the paper's betas and epsilon. */
export interface AdamOptions {
  iterations: number
  learningRate: number
  beta1?: number
  beta2?: number
  epsilon?: number
  onIteration?: IterationCallback
}

/**
 * Adam on one tensor with an explicit gradient function (the style methods compute their
 * gradients by hand, so tf.train's variable-based optimisers would only add bookkeeping).
 */
export function minimizeAdam<T extends tf.Tensor>(f: LossAndGrad<T>, x0: T, opts: AdamOptions): MinimizeResult<T> {
  const b1 = opts.beta1 ?? 0.9
  const b2 = opts.beta2 ?? 0.999
  const eps = opts.epsilon ?? 1e-8
  let x = tf.clone(x0) as T
  let m = tf.zerosLike(x0) as T
  let v = tf.zerosLike(x0) as T
  const losses: number[] = []
  let stoppedEarly = false
  try {
    for (let i = 1; i <= opts.iterations; i++) {
      const { loss, grad } = f(x)
      const lossValue = loss.dataSync()[0]!
      loss.dispose()
      if (!Number.isFinite(lossValue)) {
        grad.dispose()
        stoppedEarly = true
        break
      }
      const [nx, nm, nv] = tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, b1), tf.mul(grad, 1 - b1))
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(grad), 1 - b2))
        const mHat = tf.div(m1, 1 - Math.pow(b1, i))
        const vHat = tf.div(v1, 1 - Math.pow(b2, i))
        const x1 = tf.sub(x, tf.mul(opts.learningRate, tf.div(mHat, tf.add(tf.sqrt(vHat), eps))))
        return [x1, m1, v1] as T[]
      }) as [T, T, T]
      grad.dispose()
      x.dispose()
      m.dispose()
      v.dispose()
      x = nx
      m = nm
      v = nv
      losses.push(lossValue)
      if (opts.onIteration?.(i, lossValue) === false) {
        stoppedEarly = true
        break
      }
    }
  } finally {
    m.dispose()
    v.dispose()
  }
  return { x, losses, iterations: losses.length, stoppedEarly }
}
