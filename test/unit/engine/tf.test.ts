/** engine/tf: the one import brings gradients and chained ops, which tfjs-core's Node bundle lacks. */
import { describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'

describe('engine/tf', () => {
  it('has tfjs-core gradients registered (the Node bundle ships none)', async () => {
    await tf.setBackend('cpu')
    expect(tf.getGradient('MaxPool')).toBeDefined()
    const x = tf.tensor4d([1, 3, 2, 0], [1, 1, 4, 1])
    const dx = tf.grad((p: tf.Tensor) => tf.sum(tf.maxPool(p as tf.Tensor4D, [1, 2], [1, 2], 'valid')))(x)
    expect(Array.from(dx.dataSync())).toEqual([0, 1, 1, 0])
  })

  it('has our Conv2D gradient, which accepts dilation', async () => {
    await tf.setBackend('cpu')
    const x = tf.ones([1, 1, 7, 1]) as tf.Tensor4D
    const f = tf.ones([1, 2, 1, 1]) as tf.Tensor4D
    const df = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid', 'NHWC', [1, 3])))(f)
    expect(Array.from(df.dataSync())).toEqual([4, 4]) // 7 - 3 = 4 output positions, each tap sees a 1
  })

  it('has chained ops on tensors', () => {
    const t = tf.ones([2, 3]) as tf.Tensor & { reshape(shape: number[]): tf.Tensor }
    expect(t.reshape([3, 2]).shape).toEqual([3, 2])
  })
})
