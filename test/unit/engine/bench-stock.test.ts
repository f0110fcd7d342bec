/**
 * The bench's "stock" filter gradient (a stock Conv2D of the input against dy, since stock wasm
 * has no Conv2DBackpropFilter) must be the real filter gradient, or the bench's all-three ratio
 * would compare against the wrong work. Checked on the cpu backend against tfjs's own gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { stockFilterGrad, type ConvCase } from '../../../bench/engine'
import { normal, relativeError } from './helpers'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const cases: ConvCase[] = [
  { key: 'texture-like', x: [1, 30, 5], filter: [11, 5, 4], stride: 1, padding: 'same', reps: 1 },
  { key: 'frame-like', x: [3, 64, 1], filter: [8, 1, 4], stride: 8, padding: 'valid', reps: 1 },
  { key: 'block-like', x: [4, 23, 3], filter: [8, 3, 2], stride: 1, padding: 'same', reps: 1 }
]

describe('bench: stock-composed filter gradient', () => {
  for (const c of cases) {
    it(`equals the filter gradient (${c.key})`, () => {
      const x = tf.tensor3d(normal(c.x, 1), c.x)
      const w = tf.tensor3d(normal(c.filter, 2), c.filter)
      const conv = (ww: tf.Tensor): tf.Tensor => tf.conv1d(x, ww as tf.Tensor3D, c.stride, c.padding)
      const y = conv(w)
      const dy = tf.tensor3d(normal(y.shape, 3), y.shape as [number, number, number])
      const expected = tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(conv(ww), dy)))(w)
      const actual = stockFilterGrad(x, dy, c)
      expect(actual.shape).toEqual(c.filter)
      expect(relativeError(actual.dataSync() as Float32Array, expected.dataSync() as Float32Array)).toBeLessThan(1e-5)
      tf.dispose([x, w, y, dy, expected, actual])
    })
  }
})
