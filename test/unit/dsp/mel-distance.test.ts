import { describe, expect, it } from 'vitest'
import { multiResolutionMelDistance } from '../../../src-main/dsp/mel-distance'
import { noise } from './signals'

const SR = 22050
/** float64 summation over ~10^4 frame-bands: differences below this are rounding. */
const EPS = 1e-9

/** A voice-like test signal: pulse train at 120 Hz (harmonics up to Nyquist) plus a little noise, 1.5 s. */
function buzz(): Float32Array {
  const x = noise(Math.round(1.5 * SR), 7, 0.02)
  for (let i = 0; i < x.length; i += Math.round(SR / 120)) x[i]! += 0.8
  return x
}

/** First-order tilt: y = x + k (x[n] - x[n-1]), k > 0 raises the treble by up to 20 log10(1 + 2k) dB. */
function tilt(x: Float32Array, k: number): Float32Array {
  const y = new Float32Array(x.length)
  for (let i = 0; i < x.length; i++) y[i] = x[i]! + k * (x[i]! - (i > 0 ? x[i - 1]! : 0))
  return y
}

describe('multiResolutionMelDistance', () => {
  it('is 0 for identical signals', () => {
    const x = buzz()
    expect(multiResolutionMelDistance(x, x, SR)).toBeLessThan(EPS)
  })
  it('ignores gain (each signal is scaled to the same RMS)', () => {
    const x = buzz()
    const quiet = x.map((v) => v * 0.01)
    expect(multiResolutionMelDistance(x, quiet, SR)).toBeLessThan(1e-3)
  })
  it('grows with the amount of EQ tilt', () => {
    const x = buzz()
    const d = [0.5, 1, 2, 4].map((k) => multiResolutionMelDistance(x, tilt(x, k), SR))
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeGreaterThan(d[i - 1]!)
    expect(d[0]!).toBeGreaterThan(0.5)
  })
  it('is symmetric', () => {
    const x = buzz()
    const y = tilt(noise(x.length, 3, 0.3), 1)
    expect(Math.abs(multiResolutionMelDistance(x, y, SR) - multiResolutionMelDistance(y, x, SR))).toBeLessThan(EPS)
  })
  it('compares over the shorter signal', () => {
    const x = buzz()
    expect(multiResolutionMelDistance(x, x.subarray(0, x.length - 4096), SR)).toBeLessThan(1)
  })
  it('refuses silent, short and non-finite input in one line', () => {
    const x = buzz()
    expect(() => multiResolutionMelDistance(x, new Float32Array(x.length), SR)).toThrow(/second signal is silent/)
    expect(() => multiResolutionMelDistance(x.subarray(0, 1000), x, SR)).toThrow(/first signal is too short: 1000 samples/)
    const bad = x.slice()
    bad[5] = Number.NaN
    expect(() => multiResolutionMelDistance(x, bad, SR)).toThrow(/non-finite/)
    expect(() => multiResolutionMelDistance(x, x, 0)).toThrow(/sample rate/)
  })
})
