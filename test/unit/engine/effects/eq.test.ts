import { describe, expect, it } from 'vitest'
import { neutralChain, type EqStage } from '../../../../src-main/engine/effects/chain'
import { Equalizer, eqMagnitudeDb, eqSections } from '../../../../src-main/engine/effects/eq'
import type { Section } from '../../../../src-main/engine/effects/biquad'
import { sine } from '../../dsp/signals'
import { db, toneAmplitude } from './measure'

/** Two float64 routes to the same coefficients (tan/atan vs sin/cos) agree to a few ulps of their size. */
const COEFF_TOL = 1e-12
/** A closed-form response evaluated in float64: exact but for rounding. */
const EXACT_DB = 1e-9
/** Steady-state sine through the float64 cascade vs the formula: the fit's leakage from the decayed transient. */
const MEASURED_DB = 0.005

function eqWith(over: Partial<EqStage>): EqStage {
  return { ...neutralChain().eq, bands: [{ freq: 1000, gain: 0, q: 1 }], ...over }
}

/** RBJ "Audio EQ Cookbook" (W3C Audio EQ Cookbook note), written out independently of eq.ts: peaking EQ and shelves with S = 1. */
function cookbook(kind: 'peak' | 'low' | 'high', f0: number, sr: number, gain: number, q = Math.SQRT1_2): Section {
  const A = 10 ** (gain / 40), w0 = (2 * Math.PI * f0) / sr, cos = Math.cos(w0), alpha = Math.sin(w0) / (2 * q)
  let b: number[], a: number[]
  if (kind === 'peak') {
    b = [1 + alpha * A, -2 * cos, 1 - alpha * A]
    a = [1 + alpha / A, -2 * cos, 1 - alpha / A]
  } else {
    const sa = 2 * Math.sqrt(A) * alpha, sgn = kind === 'low' ? 1 : -1
    b = [A * (A + 1 - sgn * (A - 1) * cos + sa), 2 * sgn * A * (A - 1 - sgn * (A + 1) * cos), A * (A + 1 - sgn * (A - 1) * cos - sa)]
    a = [A + 1 + sgn * (A - 1) * cos + sa, -2 * sgn * (A - 1 + sgn * (A + 1) * cos), A + 1 + sgn * (A - 1) * cos - sa]
  }
  return { b0: b[0]! / a[0]!, b1: b[1]! / a[0]!, b2: b[2]! / a[0]!, a1: a[1]! / a[0]!, a2: a[2]! / a[0]! }
}

function expectSection(got: Section, want: Section): void {
  for (const k of ['b0', 'b1', 'b2', 'a1', 'a2'] as const) expect(Math.abs(got[k] - want[k])).toBeLessThan(COEFF_TOL * Math.max(1, Math.abs(want[k])))
}

describe('eqSections: @thi.ng/dsp coefficients with the cookbook meaning', () => {
  it('matches the RBJ cookbook peaking band, boost and cut, narrow and wide', () => {
    for (const [freq, gain, q] of [[1000, 9, 2], [250, -12, 0.5], [6000, 24, 8]] as const) {
      const [s] = eqSections(eqWith({ bands: [{ freq, gain, q }] }), 44100)
      expectSection(s!, cookbook('peak', freq, 44100, gain, q))
    }
  })
  it('matches the RBJ cookbook low and high shelves (S = 1), boost and cut', () => {
    for (const gain of [6, -9, 18]) {
      expectSection(eqSections(eqWith({ lowShelf: { freq: 200, gain } }), 48000)[0]!, cookbook('low', 200, 48000, gain))
      expectSection(eqSections(eqWith({ highShelf: { freq: 5000, gain } }), 48000)[0]!, cookbook('high', 5000, 48000, gain))
    }
  })
  it('leaves neutral sections out: the neutral chain and amount 0 have none', () => {
    expect(eqSections(neutralChain().eq, 44100)).toHaveLength(0)
    const busy = eqWith({ amount: 0, highpass: 300, lowpass: 3000, lowShelf: { freq: 100, gain: 6 }, bands: [{ freq: 800, gain: -5, q: 2 }] })
    expect(eqSections(busy, 44100)).toHaveLength(0)
  })
})

describe('eqMagnitudeDb', () => {
  it("reads a peaking band's gain at its centre and a shelf's half gain at its frequency", () => {
    const sr = 44100
    const eq = eqWith({ bands: [{ freq: 1200, gain: 7.5, q: 3 }] })
    expect(Math.abs(eqMagnitudeDb(eq, [1200], sr)[0]! - 7.5)).toBeLessThan(EXACT_DB)
    const shelves = eqWith({ lowShelf: { freq: 120, gain: -10 } })
    expect(Math.abs(eqMagnitudeDb(shelves, [120], sr)[0]! - -5)).toBeLessThan(EXACT_DB)
    const high = eqWith({ highShelf: { freq: 8000, gain: 12 } })
    expect(Math.abs(eqMagnitudeDb(high, [8000], sr)[0]! - 6)).toBeLessThan(EXACT_DB)
  })

  it('gives 4th-order Butterworth corners: -3.01 dB at the corner, 24 dB/octave beyond', () => {
    const sr = 48000
    const hp = eqWith({ highpass: 120 })
    const [atCorner, eighth] = eqMagnitudeDb(hp, [120, 15], sr)
    // |H|^2 = 1 / (1 + (f/fc)^-8): -3.0103 dB at fc, -72.25 dB three octaves down (bilinear warping is
    // negligible this far below Nyquist: 0.01 dB).
    expect(atCorner).toBeCloseTo(-10 * Math.log10(2), 6)
    expect(Math.abs(eighth! - -10 * Math.log10(1 + 8 ** 8))).toBeLessThan(0.01)
    const lp = eqWith({ lowpass: 3000 })
    const [lpCorner, lpPass] = eqMagnitudeDb(lp, [3000, 100], sr)
    expect(lpCorner).toBeCloseTo(-10 * Math.log10(2), 6)
    expect(Math.abs(lpPass!)).toBeLessThan(1e-6)
  })

  it('scales gains by amount in dB and moves corners toward off on a log scale', () => {
    const sr = 44100
    const eq = eqWith({ amount: 0.5, highpass: 320, bands: [{ freq: 2000, gain: -8, q: 1 }] })
    // The band's gain at half amount is -4 dB; the HP corner moves from 320 Hz to 20 * (320/20)^0.5 = 80 Hz.
    // Each reads its own value where the other is 0.000 dB to within 0.001 dB (2000 Hz is 4.6 octaves above 80 Hz).
    const [band, corner] = eqMagnitudeDb(eq, [2000, 80], sr)
    expect(Math.abs(band! - -4)).toBeLessThan(1e-3)
    expect(Math.abs(corner! - -10 * Math.log10(2))).toBeLessThan(0.01)
  })

  it('turns the low-pass off at 0.45 x the rate and clamps a band above it to 0.45 x the rate', () => {
    const sr = 22050
    expect(eqSections(eqWith({ lowpass: 12000 }), sr)).toHaveLength(0)
    const high = eqWith({ bands: [{ freq: 15000, gain: 6, q: 2 }] })
    expect(Math.abs(eqMagnitudeDb(high, [0.45 * sr], sr)[0]! - 6)).toBeLessThan(EXACT_DB)
  })

  it('is what Equalizer does to a steady sine (within 0.005 dB)', () => {
    const sr = 16000
    const eq = eqWith({
      highpass: 90, lowpass: 5000, lowShelf: { freq: 200, gain: 4 }, highShelf: { freq: 3000, gain: -6 },
      bands: [{ freq: 500, gain: 9, q: 4 }, { freq: 1500, gain: -7, q: 1 }, { freq: 2500, gain: 3, q: 0.7 }, { freq: 4000, gain: 5, q: 6 }]
    })
    const freqs = [60, 150, 500, 1100, 2500, 4000, 6000]
    const want = eqMagnitudeDb(eq, freqs, sr)
    const n = 2 * sr
    freqs.forEach((f, i) => {
      const x = Float64Array.from(sine(n, f, sr, 0.5))
      const p = new Equalizer(sr).set(eq)
      p.processBlock(x, 0, 1000)
      p.processBlock(x, 1000, n)
      // The second half: the slowest pole (the 90 Hz high-pass) has decayed below -200 dB by then.
      const got = db(toneAmplitude(x, f, sr, n / 2, n) / 0.5)
      expect(Math.abs(got - want[i]!)).toBeLessThan(MEASURED_DB)
    })
  })

  it('amount 0 passes samples through exactly', () => {
    const x = Float64Array.from(sine(4096, 440, 44100))
    const y = x.slice()
    const p = new Equalizer(44100).set(eqWith({ amount: 0, highpass: 300, bands: [{ freq: 800, gain: -5, q: 2 }] }))
    expect(p.bypassed).toBe(true)
    p.processBlock(y, 0, y.length)
    expect(y).toEqual(x)
  })
})
