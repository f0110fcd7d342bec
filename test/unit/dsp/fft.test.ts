import { describe, expect, it } from 'vitest'
import { RealFft, realFft } from '../../../src-main/dsp/fft'
import { UserError } from '../../../src-main/util/errors'
import { expectCloseToReference } from './reference'
import { noise } from './signals'

/** Textbook O(n^2) DFT in float64: an independent implementation to cross-check fft.js against. */
function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length
  const re = new Float64Array(n / 2 + 1)
  const im = new Float64Array(n / 2 + 1)
  for (let k = 0; k <= n / 2; k++) {
    for (let i = 0; i < n; i++) {
      const a = (-2 * Math.PI * k * i) / n
      re[k] += x[i]! * Math.cos(a)
      im[k] += x[i]! * Math.sin(a)
    }
  }
  return { re, im }
}

describe('RealFft', () => {
  it('refuses a size that is not a power of two', () => {
    expect(() => new RealFft(12)).toThrow(UserError)
    expect(() => new RealFft(1)).toThrow(/not a power of two/)
    expect(() => realFft(1000)).toThrow(/FFT size 1000/)
  })

  it.each([2, 4, 8, 64, 512])('agrees with a naive DFT at size %i', (n) => {
    const x = Float64Array.from(noise(n, n))
    const ref = naiveDft(x)
    const re = new Float64Array(n / 2 + 1)
    const im = new Float64Array(n / 2 + 1)
    realFft(n).forward(x, re, im)
    // Both are float64, so they agree far inside REF_TOL (relative to the largest |X|); a wrong bin or scale would not.
    expectCloseToReference([...re, ...im], [...ref.re, ...ref.im])
  })

  it('paired forward equals two single forwards, and the inverse gives the input back', () => {
    const n = 256
    const f = new RealFft(n)
    const a = Float64Array.from(noise(n, 1))
    const b = Float64Array.from(noise(n, 2))
    const re = new Float64Array(2 * f.bins)
    const im = new Float64Array(2 * f.bins)
    f.forwardPair(a, re, im, 0, b, re, im, f.bins)
    const ra = new Float64Array(f.bins)
    const ia = new Float64Array(f.bins)
    f.forward(b, ra, ia)
    for (let k = 0; k < f.bins; k++) {
      expect(re[f.bins + k]).toBeCloseTo(ra[k]!, 10)
      expect(im[f.bins + k]).toBeCloseTo(ia[k]!, 10)
    }
    const ya = new Float64Array(n)
    const yb = new Float64Array(n)
    f.inversePair(re, im, 0, ya, re, im, f.bins, yb)
    for (let i = 0; i < n; i++) {
      expect(ya[i]).toBeCloseTo(a[i]!, 12)
      expect(yb[i]).toBeCloseTo(b[i]!, 12)
    }
  })

  it('an impulse gives a flat magnitude spectrum', () => {
    const n = 128
    const x = new Float64Array(n)
    x[5] = 1
    const re = new Float64Array(n / 2 + 1)
    const im = new Float64Array(n / 2 + 1)
    realFft(n).forward(x, re, im)
    for (let k = 0; k <= n / 2; k++) expect(Math.hypot(re[k]!, im[k]!)).toBeCloseTo(1, 12)
  })
})
