import { describe, expect, it } from 'vitest'
import { neutralChain, type EqStage } from '../../../../src-main/engine/effects/chain'
import { eqMagnitudeDb } from '../../../../src-main/engine/effects/eq'
import { fitEq } from '../../../../src-main/engine/style/match/eq-fit'
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
