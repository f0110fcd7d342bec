/**
 * The texture loss near convergence is a small difference of large sums; on wasm (float32
 * reductions) summing the Gram route's N x N difference on the device reported it about 3 % low.
 * Every route must match a float64 reference computed on the host from the same activations.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { initBackend } from '../../../src-main/engine/backend'
import {
  activations,
  createTextureNet,
  disposeStyleTarget,
  featureStyleTarget,
  gramStyleTarget,
  sumOnHost,
  textureLossAndGrad,
  type StyleTarget
} from '../../../src-main/engine/style/texture-net'
import { createRng } from '../../../src-main/util/random'

beforeAll(async () => {
  await initBackend('wasm')
})

/** Non-negative frames (like log-magnitudes): rows x bins. */
function frames(rows: number, bins: number, seed: number): Float32Array {
  const rng = createRng(seed)
  const v = new Float32Array(rows * bins)
  for (let i = 0; i < v.length; i++) v[i] = Math.abs(rng.normal())
  return v
}

/** G = A^T A / rows in float64, from a row-major [rows, n] matrix. */
function gram64(a: Float32Array, rows: number, n: number): Float64Array {
  const g = new Float64Array(n * n)
  for (let t = 0; t < rows; t++) {
    const row = a.subarray(t * n, (t + 1) * n)
    for (let i = 0; i < n; i++) {
      const ai = row[i]!
      if (ai === 0) continue
      for (let j = 0; j < n; j++) g[i * n + j] += ai * row[j]!
    }
  }
  for (let k = 0; k < g.length; k++) g[k]! /= rows
  return g
}

describe('texture loss precision', () => {
  it('sumOnHost sums in float64 what a float32 reduction rounds away', () => {
    // 2^24 + 4 ones: float32 stops counting at 2^24.
    const ones = tf.ones([4097, 4096])
    expect(sumOnHost(ones)).toBe(4097 * 4096)
    expect(sumOnHost(tf.scalar(2.5))).toBe(2.5)
    tf.dispose(ones)
  })

  it('every style route gives the float64 loss of content close to the style', () => {
    const bins = 64
    const filters = 512
    const net = createTextureNet(bins, filters, 3, 21)
    const styleRows = 402
    const styleFrames = frames(styleRows, bins, 22)
    // Content: the style's first frames plus a little noise, so G is within a few % of Gs.
    const rng = createRng(23)
    for (const contentRows of [202, 102]) {
      const xv = styleFrames.slice(0, contentRows * bins).map((v) => v + 0.05 * Math.abs(rng.normal()))
      const x = tf.tensor2d(xv, [contentRows, bins])
      const s = activations(net, tf.tensor2d(styleFrames, [styleRows, bins]))
      const a = activations(net, x)
      const gs = gram64(s.dataSync() as Float32Array, s.shape[0], filters)
      const g = gram64(a.dataSync() as Float32Array, a.shape[0], filters)
      let reference = 0
      for (let k = 0; k < g.length; k++) reference += 2 * (g[k]! - gs[k]!) ** 2
      let gsNorm = 0
      for (let k = 0; k < gs.length; k++) gsNorm += gs[k]! ** 2
      expect(reference / gsNorm).toBeLessThan(0.05) // close enough for the sums to cancel
      const gsTensor = tf.tensor2d(Float32Array.from(gs), [filters, filters])
      // 202 rows: the Gram route forms G; 102 rows (2 T' < N): it does not.
      const routes: StyleTarget[] = [gramStyleTarget(gsTensor), featureStyleTarget(s)]
      for (const style of routes) {
        const { loss, grad } = textureLossAndGrad(net, { style, contentActs: null, alpha: 0 }, x)
        const value = loss.dataSync()[0]!
        expect(Math.abs(value - reference) / reference, `${style.kind}, ${contentRows} rows`).toBeLessThan(1e-3)
        tf.dispose([loss, grad])
      }
      for (const r of routes) disposeStyleTarget(r)
      tf.dispose([x, a])
    }
    net.dispose()
  })
})
