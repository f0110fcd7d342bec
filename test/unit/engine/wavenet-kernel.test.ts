/**
 * The fast WaveNet kernel's pieces against plain definitions: the packed product (blocks of 8
 * outputs, streams in pairs) against a triple loop, at widths and batches that leave partial blocks
 * and an unpaired stream; the gated unit's rational tanh against Math.tanh and Math.exp.
 */
import { describe, expect, it } from 'vitest'
import { gated, pack, product } from '../../../src-main/engine/generate/wavenet-kernel'
import { normal } from './helpers'

/** Float32 weights summed in float64: only the summation order differs from the reference. */
const SUM_TOL = 1e-12
/** The rational tanh's documented bound (2.6e-7), times the two factors of the gate. */
const GATE_TOL = 6e-7

describe('wavenet kernel', () => {
  it('product equals the plain matrix product for any width and batch (partial blocks, an odd stream out)', () => {
    for (const [k, n, batch] of [[5, 3, 1], [7, 12, 3], [64, 64, 2], [32, 160, 5]] as const) {
      const w = normal([k, n], k * 100 + n)
      const x = Float64Array.from(normal([batch, k], 7))
      const bias = Float64Array.from(normal([batch, n], 8))
      const out = new Float64Array(batch * n).fill(NaN)
      product(pack(k, n, (i, o) => w[i * n + o]!), batch, x, k, out, n, bias, n)
      for (let s = 0; s < batch; s++)
        for (let o = 0; o < n; o++) {
          let want = bias[s * n + o]!
          for (let i = 0; i < k; i++) want += x[s * k + i]! * w[i * n + o]!
          expect(Math.abs(out[s * n + o]! - want)).toBeLessThan(SUM_TOL * (1 + Math.abs(want)) * k)
        }
    }
  })

  it('shares one bias among streams with biasStride 0, and leaves rows past n untouched', () => {
    const out = new Float64Array(2 * 6).fill(-1)
    product(pack(2, 3, (i, o) => i + o), 2, Float64Array.of(1, 1, 2, 0), 2, out, 6, Float64Array.of(10, 20, 30), 0)
    expect([...out]).toEqual([11, 23, 35, -1, -1, -1, 10, 22, 34, -1, -1, -1])
  })

  it('gated(f, g) is tanh(f) * sigmoid(g) within the rational fit, saturating cleanly', () => {
    let worst = 0
    for (let f = -12; f <= 12; f += 0.013)
      for (const g of [-30, -4.2, -0.5, 0, 0.7, 3.3, 30]) worst = Math.max(worst, Math.abs(gated(f, g) - Math.tanh(f) / (1 + Math.exp(-g))))
    expect(worst).toBeLessThan(GATE_TOL)
    expect(gated(0, 5)).toBe(0)
    expect(gated(1000, 1000)).toBeCloseTo(1, 6)
  })
})
