import { describe, expect, it } from 'vitest'
import { neutralChain, type EqStage } from '../../../../src-main/engine/effects/chain'
import { eqMagnitudeDb } from '../../../../src-main/engine/effects/eq'
import { fitEq, offOutsideBand } from '../../../../src-main/engine/style/match/eq-fit'
import { bandCentres } from '../../../../src-main/engine/style/match/features'
import { minimiseInBox } from '../../../../src-main/engine/style/match/minimise'

const SR = 22050
const freqs = bandCentres(SR)

describe('minimiseInBox (Nelder-Mead in the unit box)', () => {
  it('finds the minimum of a shifted quadratic inside the box', () => {
    const m = minimiseInBox((u) => (u[0]! - 0.3) ** 2 + 4 * (u[1]! - 0.7) ** 2, [0.5, 0.5], { step: 0.2, maxEvaluations: 500, tolerance: 1e-12 })
    expect(m.x[0]).toBeCloseTo(0.3, 3)
    expect(m.x[1]).toBeCloseTo(0.7, 3)
  })
  it('stops on the box edge when the minimum lies outside, and keeps to its budget', () => {
    const m = minimiseInBox((u) => (u[0]! - 2) ** 2, [0.5], { step: 0.2, maxEvaluations: 40 })
    expect(m.x[0]).toBe(1)
    expect(m.evaluations).toBeLessThanOrEqual(40 + 2)
  })
  it('is deterministic', () => {
    const f = (u: number[]): number => Math.sin(7 * u[0]!) + (u[1]! - 0.2) ** 2
    expect(minimiseInBox(f, [0.6, 0.6], { step: 0.2, maxEvaluations: 200 })).toEqual(minimiseInBox(f, [0.6, 0.6], { step: 0.2, maxEvaluations: 200 }))
  })
})

/** Curve error we accept from the fit: under 1 dB RMS is below what a listener hears in a broad EQ. */
const CURVE_TOL_DB = 1

function rmsAfterOffset(a: Float64Array, b: Float64Array): number {
  const d = Array.from(a, (v, i) => v - b[i]!)
  const mean = d.reduce((s, v) => s + v, 0) / d.length
  return Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length)
}

describe('fitEq', () => {
  it('gives a flat EQ for a flat target', () => {
    const fit = fitEq(freqs, new Float64Array(freqs.length).fill(3), SR)
    expect(fit.eq.highpass).toBe(20)
    expect(fit.eq.lowpass).toBe(20_000)
    for (const g of [fit.eq.lowShelf.gain, fit.eq.highShelf.gain, ...fit.eq.bands.map((b) => b.gain)]) expect(Math.abs(g)).toBeLessThan(0.5)
  })
  it('recovers the curve of a telephone band (300-3400 Hz) with a presence peak', () => {
    const truth: EqStage = { ...neutralChain().eq, highpass: 300, lowpass: 3400, bands: [{ freq: 1800, gain: 6, q: 1.5 }, ...neutralChain().eq.bands.slice(1)] }
    const target = eqMagnitudeDb(truth, freqs, SR)
    const fit = fitEq(freqs, target, SR)
    expect(rmsAfterOffset(eqMagnitudeDb(fit.eq, freqs, SR), target)).toBeLessThan(CURVE_TOL_DB * 2)
    expect(fit.eq.highpass).toBeGreaterThan(150)
    expect(fit.eq.lowpass).toBeLessThan(6000)
  })
  it('recovers a warm tilt (bass shelf up, treble shelf down) within a decibel', () => {
    const truth: EqStage = { ...neutralChain().eq, lowShelf: { freq: 200, gain: 6 }, highShelf: { freq: 4000, gain: -6 } }
    const target = eqMagnitudeDb(truth, freqs, SR)
    const fit = fitEq(freqs, target, SR)
    expect(rmsAfterOffset(eqMagnitudeDb(fit.eq, freqs, SR), target)).toBeLessThan(CURVE_TOL_DB)
    expect(fit.rmsErrorDb).toBeLessThan(CURVE_TOL_DB)
  })
})

describe('offOutsideBand', () => {
  const eq = (): EqStage => ({
    amount: 1,
    highpass: 40,
    lowpass: 9223,
    lowShelf: { freq: 150, gain: 2 },
    highShelf: { freq: 9500, gain: 3 },
    bands: [
      { freq: 400, gain: -2, q: 1 },
      { freq: 4000, gain: 3, q: 1 },
      { freq: 9051, gain: 1.5, q: 1 },
      { freq: 7000, gain: 0, q: 1 }
    ]
  })

  it('switches off the low-pass, shelves and bands above the band limit, and says so in one note', () => {
    const r = offOutsideBand(eq(), { low: 0, high: 8000 })
    expect(r.eq).toEqual({ ...eq(), lowpass: 20_000, highShelf: { freq: 9500, gain: 0 }, bands: [eq().bands[0], eq().bands[1], { freq: 9051, gain: 0, q: 1 }, eq().bands[3]] })
    expect(r.note).toBe('eq: switched off band at 9051 Hz (+1.5 dB), high shelf at 9500 Hz (+3 dB), low-pass at 9223 Hz: the material it was fitted on has no signal above 8000 Hz, so nothing there to judge it by')
  })

  it('switches off a high-pass and low shelf below the material\'s lowest signal', () => {
    const r = offOutsideBand(eq(), { low: 160, high: Infinity })
    expect(r.eq).toMatchObject({ highpass: 20, lowShelf: { freq: 150, gain: 0 }, lowpass: 9223 })
    expect(r.note).toBe('eq: switched off high-pass at 40 Hz, low shelf at 150 Hz (+2 dB): the material it was fitted on has no signal below 160 Hz, so nothing there to judge it by')
  })

  it('leaves an EQ inside the band as it is, with no note (a low-pass below the limit is evidence, kept)', () => {
    const inside = { ...eq(), lowpass: 6000, highShelf: { freq: 5000, gain: 3 }, bands: eq().bands.slice(0, 2).concat([{ freq: 5000, gain: 1, q: 1 }, { freq: 7000, gain: 0, q: 1 }]) }
    expect(offOutsideBand(inside, { low: 0, high: 8000 })).toEqual({ eq: inside })
    expect(offOutsideBand(eq(), { low: 0, high: Infinity })).toEqual({ eq: eq() })
  })
})
