import { tf } from '../../../src-main/engine/tf'
import { beforeAll, describe, expect, it } from 'vitest'
import { minimizeAdam } from '../../../src-main/engine/optim/adam'
import { minimizeLbfgs } from '../../../src-main/engine/optim/lbfgs'

/** An ill-conditioned quadratic 0.5 * sum(c_i (x_i - 1)^2): minimum 0 at x = 1. */
const scales = tf.tensor1d([1, 10, 100, 1000])
const quadratic = (x: tf.Tensor1D) =>
  tf.tidy(() => {
    const d = tf.sub(x, 1)
    return { loss: tf.mul(0.5, tf.sum(tf.mul(scales, tf.square(d)))) as tf.Scalar, grad: tf.mul(scales, d) as tf.Tensor1D }
  })

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('optimisers', () => {
  it('L-BFGS solves an ill-conditioned quadratic and leaks nothing', () => {
    const x0 = tf.zeros([4]) as tf.Tensor1D
    const before = tf.memory().numTensors
    const { x, losses } = minimizeLbfgs(quadratic, x0, { iterations: 60 })
    expect(losses.at(-1)!).toBeLessThan(1e-6)
    expect(Array.from(x.dataSync()).every((v) => Math.abs(v - 1) < 1e-3)).toBe(true)
    x.dispose()
    expect(tf.memory().numTensors).toBe(before)
    x0.dispose()
  })

  it('L-BFGS with the Wolfe line search solves it too, and leaks nothing', () => {
    const x0 = tf.zeros([4]) as tf.Tensor1D
    const before = tf.memory().numTensors
    const { x, losses } = minimizeLbfgs(quadratic, x0, { iterations: 60, lineSearch: 'wolfe' })
    expect(losses.at(-1)!).toBeLessThan(1e-6)
    x.dispose()
    expect(tf.memory().numTensors).toBe(before)
    x0.dispose()
  })

  it('the Wolfe line search escapes a flat start that the fixed step crawls out of', () => {
    // eps (1 - |x|^2)^2 from |x| ~ 1e-3: a maximum at 0 with a tiny slope, as the texture loss is
    // near a small-noise start. The fixed step grows x by (1 + 4 eps) per iteration.
    const eps = 1e-4
    const hat = (x: tf.Tensor1D) =>
      tf.tidy(() => {
        const r = tf.sub(1, tf.sum(tf.square(x)))
        return { loss: tf.mul(eps, tf.square(r)) as tf.Scalar, grad: tf.mul(tf.mul(-4 * eps, r), x) as tf.Tensor1D }
      })
    const x0 = tf.fill([4], 1e-3) as tf.Tensor1D
    const fixed = minimizeLbfgs(hat, x0, { iterations: 40 })
    const searched = minimizeLbfgs(hat, x0, { iterations: 40, lineSearch: 'wolfe' })
    expect(fixed.losses.at(-1)!).toBeGreaterThan(0.9 * eps)
    expect(searched.losses.at(-1)!).toBeLessThan(1e-3 * eps)
    tf.dispose([x0, fixed.x, searched.x])
  })

  it('L-BFGS beats Adam at equal iterations on it', () => {
    const x0 = tf.zeros([4]) as tf.Tensor1D
    const l = minimizeLbfgs(quadratic, x0, { iterations: 30 })
    const a = minimizeAdam(quadratic, x0, { iterations: 30, learningRate: 0.1 })
    expect(l.losses.at(-1)!).toBeLessThan(a.losses.at(-1)!)
    tf.dispose([x0, l.x, a.x])
  })

  it('a callback returning false stops early', () => {
    const x0 = tf.zeros([4]) as tf.Tensor1D
    const r = minimizeAdam(quadratic, x0, { iterations: 50, learningRate: 0.1, onIteration: (i) => i < 5 })
    expect(r.iterations).toBe(5)
    expect(r.stoppedEarly).toBe(true)
    tf.dispose([x0, r.x])
  })
})
