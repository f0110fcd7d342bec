/**
 * Convolutions on wasm (our im2col + GEMM kernels) against the cpu backend: forward results and
 * gradients with respect to input and filter, over strides, dilations, paddings, batches,
 * channels and odd sizes.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import { conv1d, type Conv1dOptions } from '../../../src-main/engine/ops/conv1d'
import { zeroStuffFilter } from '../../../src-main/engine/ops/conv2d-grad'
import { conv2dBackpropFilterConfig } from '../../../src-main/engine/kernels/conv2d'
import { convLimits } from '../../../src-main/engine/kernels/conv2d-forward'
import { expectClose, expectSameOnWasmAndCpu, normal, runOn } from './helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

/** Output, d(sum(y * r))/dx and d(...)/dfilter for one convolution; r makes every dy distinct. */
function convAndGrads(xShape: number[], fShape: number[], conv: (x: tf.Tensor, f: tf.Tensor) => tf.Tensor, seed: number): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor(normal(xShape, seed), xShape)
    const f = tf.tensor(normal(fShape, seed + 1, 0.3), fShape)
    const y = conv(x, f)
    const r = tf.tensor(normal(y.shape, seed + 2), y.shape)
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, f])
    return [y, dx!, df!]
  }
}

const conv1dCases: { x: [number, number, number]; taps: number; outC: number; opts: Conv1dOptions }[] = [
  { x: [1, 17, 3], taps: 3, outC: 4, opts: { padding: 'same' } },
  { x: [2, 17, 3], taps: 4, outC: 5, opts: { padding: 'valid', stride: 2 } },
  { x: [3, 19, 2], taps: 3, outC: 3, opts: { padding: 'causal', dilation: 2 } },
  { x: [2, 23, 5], taps: 5, outC: 2, opts: { padding: 'same', dilation: 3 } },
  { x: [2, 31, 4], taps: 4, outC: 3, opts: { padding: 'same', stride: 3, dilation: 2 } },
  { x: [2, 64, 1], taps: 8, outC: 6, opts: { padding: 'valid', stride: 8 } },
  { x: [2, 29, 7], taps: 2, outC: 5, opts: { padding: 'causal', dilation: 4 } },
  { x: [1, 13, 6], taps: 1, outC: 3, opts: { padding: 'valid' } },
  { x: [3, 11, 33], taps: 11, outC: 9, opts: { padding: 'same' } },
  { x: [2, 25, 3], taps: 6, outC: 4, opts: { padding: 'same', stride: 4 } },
  { x: [2, 9, 600], taps: 3, outC: 4, opts: { padding: 'same' } }, // inner > maxInner: one tap per GEMM
  { x: [1, 12, 500], taps: 5, outC: 3, opts: { padding: 'causal', dilation: 2 } } // two taps per GEMM
]

describe('conv1d on wasm matches cpu', () => {
  it('has our Conv2DBackpropFilter registered for wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(conv2dBackpropFilterConfig.kernelFunc)
  })
  conv1dCases.forEach(({ x, taps, outC, opts }, i) => {
    it(`x ${x} taps ${taps} outC ${outC} ${JSON.stringify(opts)}`, async () => {
      const compute = convAndGrads(x, [taps, x[2], outC], (a, b) => conv1d(a as tf.Tensor3D, b as tf.Tensor3D, opts), 10 * i + 1)
      await expectSameOnWasmAndCpu(compute, `conv1d case ${i}`)
    })
  })
})

const conv2dCases: { x: number[]; f: number[]; strides: [number, number]; pad: 'same' | 'valid' | number; dilations: [number, number] }[] = [
  { x: [2, 9, 7, 3], f: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dilations: [1, 1] },
  { x: [1, 10, 11, 2], f: [3, 2, 2, 5], strides: [2, 3], pad: 'valid', dilations: [1, 1] },
  { x: [2, 12, 9, 3], f: [3, 3, 3, 2], strides: [1, 1], pad: 'same', dilations: [2, 3] },
  { x: [1, 8, 8, 4], f: [2, 2, 4, 3], strides: [1, 1], pad: 1, dilations: [1, 1] },
  { x: [3, 5, 5, 8], f: [1, 1, 8, 6], strides: [1, 1], pad: 'valid', dilations: [1, 1] }
]

describe('conv2d on wasm matches cpu', () => {
  conv2dCases.forEach((c, i) => {
    it(`x ${c.x} f ${c.f} strides ${c.strides} pad ${c.pad} dilations ${c.dilations}`, async () => {
      const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations)
      await expectSameOnWasmAndCpu(convAndGrads(c.x, c.f, conv, 100 + 10 * i), `conv2d case ${i}`)
    })
  })

  it('conv2dTranspose (a decoder layer) and its gradients', async () => {
    const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 11, 9, 3], [2, 2], 'same')
    await expectSameOnWasmAndCpu(convAndGrads([2, 6, 5, 4], [3, 3, 3, 4], conv, 500), 'conv2dTranspose')
  })

  it('handles NCHW by transposing to NHWC', async () => {
    const compute = (): tf.Tensor[] => {
      const x = tf.tensor(normal([2, 3, 7, 6], 5), [2, 3, 7, 6]) as tf.Tensor4D
      const dy = tf.tensor(normal([2, 4, 7, 6], 6), [2, 4, 7, 6]) as tf.Tensor4D
      const f = tf.tensor(normal([3, 3, 3, 4], 7), [3, 3, 3, 4]) as tf.Tensor4D
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', dilations: [1, 1] } as unknown as tf.NamedAttrMap
      return [
        tf.engine().runKernel('Conv2D', { x, filter: f }, attrs) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: x.shape }) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: f.shape }) as tf.Tensor
      ]
    }
    await expectSameOnWasmAndCpu(compute, 'NCHW conv and backprop')
  })
})

describe('chunked paths (limits shrunk so small shapes take them)', () => {
  it('match cpu with row chunks and tap blocks everywhere', async () => {
    const saved = { ...convLimits }
    convLimits.chunkFloats = 64 // a handful of rows per chunk
    convLimits.maxInner = 8 // a tap or two per GEMM
    try {
      for (const [i, c] of [conv1dCases[1]!, conv1dCases[3]!, conv1dCases[4]!, conv1dCases[8]!].entries()) {
        const compute = convAndGrads(c.x, [c.taps, c.x[2], c.outC], (a, b) => conv1d(a as tf.Tensor3D, b as tf.Tensor3D, c.opts), 300 + i)
        await expectSameOnWasmAndCpu(compute, `chunked case ${i}`)
      }
      const pointwise = convAndGrads([2, 6, 5, 12], [1, 1, 12, 3], (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid'), 400)
      await expectSameOnWasmAndCpu(pointwise, 'chunked pointwise')
    } finally {
      Object.assign(convLimits, saved)
    }
  })
})

describe('dilated conv gradients', () => {
  it('equal stock autodiff through an explicitly zero-stuffed filter (independent route)', async () => {
    const xShape = [2, 1, 21, 3]
    const fShape = [1, 3, 3, 4]
    const ours = convAndGrads(xShape, fShape, (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 'NHWC', [1, 3]), 77)
    const viaStuffing = convAndGrads(xShape, fShape, (a, b) => tf.conv2d(a as tf.Tensor4D, zeroStuffFilter(b as tf.Tensor4D, 1, 3), 1, 'same'), 77)
    for (const backend of ['wasm', 'cpu']) {
      const a = await runOn(backend, ours)
      const b = await runOn('cpu', viaStuffing)
      a.forEach((r, i) => expectClose(r, b[i]!, `${backend} output ${i}`))
    }
    await tf.setBackend('wasm')
  })
})

describe('conv1d causal padding', () => {
  it('makes output t independent of inputs after t', async () => {
    await tf.setBackend('wasm')
    const f = tf.tensor(normal([3, 2, 2], 3), [3, 2, 2]) as tf.Tensor3D
    const a = normal([1, 12, 2], 4)
    const b = a.slice()
    for (let i = 8 * 2; i < b.length; i++) b[i] = 100 // change samples 8..11 only
    const ya = conv1d(tf.tensor(a, [1, 12, 2]) as tf.Tensor3D, f, { padding: 'causal', dilation: 2 })
    const yb = conv1d(tf.tensor(b, [1, 12, 2]) as tf.Tensor3D, f, { padding: 'causal', dilation: 2 })
    expect(ya.shape).toEqual([1, 12, 2])
    const da = ya.dataSync()
    const db = yb.dataSync()
    expect(Array.from(da.slice(0, 16))).toEqual(Array.from(db.slice(0, 16)))
    expect(Array.from(da.slice(16))).not.toEqual(Array.from(db.slice(16)))
  })

  it('rejects bad options with a one-line message', () => {
    const x = tf.zeros([1, 8, 2]) as tf.Tensor3D
    const f = tf.zeros([3, 2, 1]) as tf.Tensor3D
    expect(() => conv1d(x, f, { stride: 0 })).toThrow(/conv1d stride: 0 is not a positive integer/)
    expect(() => conv1d(x, f, { padding: 'full' as never })).toThrow(/conv1d padding/)
    expect(() => conv1d(x, tf.zeros([3, 5, 1]) as tf.Tensor3D)).toThrow(/input has 2 channels, filter expects 5/)
    expect(() => conv1d(tf.zeros([1, 2, 2]) as tf.Tensor3D, f)).toThrow(/shorter than the filter span/)
  })
})
