import { describe, expect, it } from 'vitest'
import { countNonFinite, mixToMono, normalizePeak, normalizeRms, peak, rms } from '../../../src-main/audio/index'
import { UserError } from '../../../src-main/util/errors'
import { sine } from './helpers'

/** float32 keeps ~7 significant digits; 1e-6 is a few units in the last place of values near 1. */
const EPSILON = 1e-6

describe('levels', () => {
  it('peak and rms of known signals', () => {
    const s = sine(1000, 48000, 48000, 0.5) // whole cycles, so the RMS is exactly amp / sqrt(2)
    expect(peak(s)).toBeCloseTo(0.5, 6)
    expect(Math.abs(rms(s) - 0.5 / Math.SQRT2)).toBeLessThan(EPSILON)
    expect(peak(Float32Array.of(0.1, -0.7, 0.3))).toBeCloseTo(0.7, 6)
    expect(rms(Float32Array.of(3, -4))).toBeCloseTo(Math.sqrt(12.5), 6)
    expect(peak(new Float32Array(0))).toBe(0)
    expect(rms(new Float32Array(0))).toBe(0)
  })

  it('non-finite samples are counted and left out of the levels', () => {
    const x = Float32Array.of(0.5, Number.NaN, -Infinity, -0.25)
    expect(countNonFinite(x)).toBe(2)
    expect(peak(x)).toBe(0.5)
    expect(rms(x)).toBeCloseTo(Math.sqrt((0.25 + 0.0625) / 2), 6)
  })

  it('normalizePeak reaches the target, defaults to 0.99 and leaves its input alone', () => {
    const x = Float32Array.of(0.1, -0.4, 0.2)
    const before = x.slice()
    expect(Math.abs(peak(normalizePeak(x)) - 0.99)).toBeLessThan(EPSILON)
    const y = normalizePeak(x, 0.5)
    expect(Math.abs(peak(y) - 0.5)).toBeLessThan(EPSILON)
    expect(Math.abs(y[0]! / y[1]! - x[0]! / x[1]!)).toBeLessThan(EPSILON) // shape kept
    expect(x).toEqual(before)
  })

  it('normalizeRms reaches the target', () => {
    const y = normalizeRms(sine(440, 44100, 4410, 0.01), 0.2)
    expect(Math.abs(rms(y) - 0.2)).toBeLessThan(EPSILON)
  })

  it('silent input stays silent, a new array, never NaN', () => {
    const silent = new Float32Array(64)
    for (const y of [normalizePeak(silent), normalizeRms(silent, 0.1)]) {
      expect(y).not.toBe(silent)
      expect(countNonFinite(y)).toBe(0)
      expect(peak(y)).toBe(0)
    }
  })

  it('refuses a negative or non-finite target', () => {
    expect(() => normalizePeak(Float32Array.of(1), -1)).toThrow(UserError)
    expect(() => normalizeRms(Float32Array.of(1), Number.NaN)).toThrow(UserError)
  })
})

describe('mixToMono', () => {
  it('averages the channels', () => {
    const m = mixToMono([Float32Array.of(1, 0.5, -1), Float32Array.of(0, 0.5, 1), Float32Array.of(0.5, -1, 0)])
    const expected = [0.5, 0, 0] // (1 + 0 + 0.5) / 3, (0.5 + 0.5 - 1) / 3, (-1 + 1 + 0) / 3
    expect(m.length).toBe(3)
    expected.forEach((v, i) => expect(Math.abs(m[i]! - v)).toBeLessThan(EPSILON))
  })

  it('mono input comes back as a copy', () => {
    const x = Float32Array.of(0.25, -0.5)
    const m = mixToMono([x])
    expect(m).toEqual(x)
    expect(m).not.toBe(x)
  })

  it('refuses no channels or unequal lengths', () => {
    expect(() => mixToMono([])).toThrow(UserError)
    expect(() => mixToMono([new Float32Array(2), new Float32Array(3)])).toThrow(UserError)
  })
})
