/**
 * The frequency-domain convolution (ops/fourier-conv1d.ts) against the direct one on the cpu
 * backend: forward, input gradient and filter gradient, over taps, paddings, widths that do and do
 * not fill the last block, and both backends; plus the plan's choice and tensor hygiene.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import {
  FilterSpectrum,
  fourierConv,
  fourierConvFilterGrad,
  fourierConvFilterGradOf,
  fourierConvInputGrad,
  fourierConvOf,
  fourierPlan,
  InputSpectrum,
  type RowPadding
} from '../../../src-main/engine/ops/fourier-conv1d'
import { conv1d, type Conv1dPadding } from '../../../src-main/engine/ops/conv1d'
import { expectClose, normal, relativeError, runOn } from './helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

interface Case {
  width: number
  inC: number
  outC: number
  taps: number
  padding: RowPadding
}

/** Equal shapes and values (to float rounding); disposes both. */
function expectSame(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape)
  expect(relativeError(a.dataSync() as Float32Array, b.dataSync() as Float32Array)).toBeLessThan(1e-6)
  tf.dispose([a, b])
}

const cases: Case[] = [
  { width: 40, inC: 5, outC: 3, taps: 11, padding: [0, 0] }, // 30 outputs: one full block (22) and a partial one
  { width: 43, inC: 7, outC: 4, taps: 11, padding: [5, 5] }, // 'same'
  { width: 9, inC: 3, outC: 2, taps: 4, padding: [3, 0] }, // causal, shorter than one block
  { width: 64, inC: 6, outC: 5, taps: 8, padding: [0, 0] },
  { width: 100, inC: 4, outC: 6, taps: 2, padding: [1, 0] },
  { width: 11, inC: 2, outC: 3, taps: 11, padding: [0, 0] } // exactly one output
]

/** The direct convolution, output and gradients of sum(y * r), on whatever backend is current. */
function direct(c: Case, seed: number): () => tf.Tensor[] {
  return () => {
    const x = tf.tensor2d(normal([c.width, c.inC], seed), [c.width, c.inC])
    const w = tf.tensor3d(normal([c.taps, c.inC, c.outC], seed + 1, 0.3), [c.taps, c.inC, c.outC])
    const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor2D =>
      tf.conv1d(tf.pad(a as tf.Tensor2D, [[c.padding[0], c.padding[1]], [0, 0]]), b as tf.Tensor3D, 1, 'valid') as tf.Tensor2D
    const y = conv(x, w)
    const r = tf.tensor(normal(y.shape, seed + 2), y.shape)
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w])
    return [y, dx!, dw!]
  }
}

/** The same three through the Fourier functions (dy = r). */
function fourier(c: Case, seed: number): () => tf.Tensor[] {
  return () => {
    const plan = fourierPlan(c.taps, c.inC, c.outC, true)!
    const x = tf.tensor2d(normal([c.width, c.inC], seed), [c.width, c.inC])
    const w = tf.tensor3d(normal([c.taps, c.inC, c.outC], seed + 1, 0.3), [c.taps, c.inC, c.outC])
    const spectrum = FilterSpectrum.of(w, c.inC, c.outC, plan)
    const y = fourierConv(x, spectrum, c.padding)
    const r = tf.tensor2d(normal(y.shape, seed + 2), y.shape)
    const dx = fourierConvInputGrad(r, spectrum, c.width, c.padding)
    const dw = fourierConvFilterGrad(x, r, plan, c.padding)
    spectrum.dispose()
    return [y, dx, dw]
  }
}

describe('fourier conv1d', () => {
  for (const [i, c] of cases.entries()) {
    it(`matches the direct convolution: width ${c.width}, ${c.taps} taps, ${c.inC}->${c.outC}, pad ${c.padding}`, async () => {
      const reference = await runOn('cpu', direct(c, 10 * i + 1))
      for (const backend of ['wasm', 'cpu']) {
        const ours = await runOn(backend, fourier(c, 10 * i + 1))
        const names = ['output', 'input gradient', 'filter gradient']
        ours.forEach((o, k) => expectClose(o, reference[k]!, `${backend} ${names[k]}`))
      }
      await tf.setBackend('wasm')
    })
  }

  it('plans only where it saves work: the texture shape yes, the tagger block and short filters no', () => {
    const texture = fourierPlan(11, 1025, 256)
    expect(texture).toEqual({ taps: 11, n: 32, step: 22, bins: 17 })
    expect(fourierPlan(8, 32, 32)).toBeUndefined() // 4 * 9 / 9 = 4 > 8 / 2 ... and too narrow
    expect(fourierPlan(3, 1025, 1025)).toBeUndefined()
    expect(fourierPlan(1, 8, 8, true)).toBeUndefined()
  })

  it('rejects an input shorter than the filter and a gradient of the wrong length', () => {
    const plan = fourierPlan(11, 2, 2, true)!
    const w = FilterSpectrum.of(tf.zeros([11, 2, 2]), 2, 2, plan)
    expect(() => fourierConv(tf.zeros([5, 2]) as tf.Tensor2D, w)).toThrow(/shorter than the filter's 11 taps/)
    expect(() => fourierConvInputGrad(tf.zeros([3, 2]) as tf.Tensor2D, w, 20)).toThrow(/3 frames, expected 10/)
    expect(() => FilterSpectrum.of(tf.zeros([3, 2, 2]), 2, 2, plan)).toThrow(/expected 11 x 2 x 2/)
    w.dispose()
  })

  it('one input spectrum serves the forward pass and the filter gradient, and must fit the filters', () => {
    const plan = fourierPlan(11, 3, 2, true)!
    const x = tf.randomNormal([40, 3], 0, 1, 'float32', 8) as tf.Tensor2D
    const dy = tf.randomNormal([40, 2], 0, 1, 'float32', 9) as tf.Tensor2D
    const w = FilterSpectrum.of(tf.randomNormal([11, 3, 2], 0, 1, 'float32', 10), 3, 2, plan)
    const xs = InputSpectrum.of(x, plan, [5, 5])
    expect(xs.blocks.shape).toEqual([17, 4, 6]) // 40 outputs in 2 blocks of 22; [Re, Im] x 3 channels
    // Reused twice, it gives what each function gives from x, and stays owned by the caller.
    for (let i = 0; i < 2; i++) {
      expectSame(fourierConvOf(xs, w), fourierConv(x, w, [5, 5]))
      expectSame(fourierConvFilterGradOf(xs, dy), fourierConvFilterGrad(x, dy, plan, [5, 5]))
    }
    expect(() => InputSpectrum.fromBlocks(plan, 60, xs.blocks)).toThrow(/expected blocks \[17, 6, \*\], got \[17, 4, 6\]/)
    const other = FilterSpectrum.of(tf.zeros([9, 3, 2]), 3, 2, fourierPlan(9, 3, 2, true)!)
    expect(() => fourierConvOf(xs, other)).toThrow(/11 taps, N 32, 3 channels\) does not fit the filters \(9 taps, N 32/)
    expect(() => fourierConvFilterGradOf(xs, tf.zeros([39, 2]) as tf.Tensor2D)).toThrow(/39 frames, expected 40/)
    tf.dispose([x, dy])
    xs.dispose()
    w.dispose()
    other.dispose()
  })

  it('leaks no tensors over repeated forward and backward passes', () => {
    const plan = fourierPlan(11, 4, 3, true)!
    const x = tf.randomNormal([50, 4]) as tf.Tensor2D
    const w = FilterSpectrum.of(tf.randomNormal([11, 4, 3]), 4, 3, plan)
    const before = tf.memory().numTensors
    for (let i = 0; i < 20; i++) {
      const y = fourierConv(x, w)
      const dx = fourierConvInputGrad(y, w, 50)
      const dw = fourierConvFilterGrad(x, y, plan)
      tf.dispose([y, dx, dw])
    }
    expect(tf.memory().numTensors).toBe(before)
    w.dispose()
    x.dispose()
  })

  for (const padding of ['same', 'valid', 'causal'] as Conv1dPadding[]) {
    it(`conv1d's Fourier route gives the direct route's output and gradients (batch 2, ${padding})`, async () => {
      const run = (route: 'direct' | 'fourier') => () => {
        const x = tf.tensor3d(normal([2, 37, 6], 5), [2, 37, 6])
        const w = tf.tensor3d(normal([11, 6, 4], 6, 0.3), [11, 6, 4])
        const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => conv1d(a as tf.Tensor3D, b as tf.Tensor3D, { padding, route })
        const y = f(x, w)
        const r = tf.tensor(normal(y.shape, 7), y.shape)
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w])
        // The input gradient alone (filters fixed, as in style transfer on a trained net).
        const dxOnly = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a, w), r)))(x)
        return [y, dx!, dw!, dxOnly]
      }
      const reference = await runOn('cpu', run('direct'))
      const ours = await runOn('wasm', run('fourier'))
      ours.forEach((o, k) => expectClose(o, reference[k]!, `${padding} [${k}]`))
    })
  }

  it('conv1d takes the Fourier route on its own at the texture shape, and its gradients leak nothing', () => {
    const x = tf.randomNormal([1, 40, 128]) as tf.Tensor3D
    const w = tf.randomNormal([11, 128, 64], 0, 0.05) as tf.Tensor3D
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv1d(a as tf.Tensor3D, b as tf.Tensor3D, { padding: 'same' })))
    const auto = conv1d(x, w, { padding: 'same' })
    const direct = conv1d(x, w, { padding: 'same', route: 'direct' })
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(auto, direct))).dataSync()[0]!)).toBeLessThan(1e-4 * tf.tidy(() => tf.max(tf.abs(direct)).dataSync()[0]!))
    tf.dispose([auto, direct])
    const before = tf.memory().numTensors
    for (let i = 0; i < 5; i++) tf.dispose(grads([x, w]))
    // Forward alone (no tape): nothing is saved, nothing is left.
    for (let i = 0; i < 5; i++) tf.dispose(conv1d(x, w, { padding: 'same' }))
    expect(tf.memory().numTensors).toBe(before)
    expect(() => conv1d(tf.zeros([1, 5, 128]) as tf.Tensor3D, w, { route: 'fourier' })).toThrow('input width 5 is shorter than the filter span 11')
    tf.dispose([x, w])
  })
})
