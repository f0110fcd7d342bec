import { describe, expect, it } from 'vitest'
import type { CompressorStage } from '../../../../src-main/engine/effects/chain'
import { Compressor, compressorCurve } from '../../../../src-main/engine/effects/compressor'
import { sine } from '../../dsp/signals'
import { db } from './measure'

/** Closed-form curve in float64. */
const EXACT = 1e-9
/**
 * A steady sine's output peak vs the static curve: the detector droops by the release between peaks
 * (1000 ms over a 1 ms period: 0.01 dB of a 15 dB reduction) and a 0.1 ms attack catches up near each
 * crest only partly; the sample peak sits within 0.002 dB of the crest.
 */
const STATIC_DB = 0.05

const stage = (over: Partial<CompressorStage>): CompressorStage => ({ amount: 1, threshold: -30, ratio: 4, attack: 1, release: 1000, knee: 6, makeup: 0, ...over })

function peakDb(x: Float64Array, from: number): number {
  let p = 0
  for (let i = from; i < x.length; i++) p = Math.max(p, Math.abs(x[i]!))
  return db(p)
}

describe('compressorCurve (Giannoulis, Massberg & Reiss 2012, eq. 4)', () => {
  it('is the identity below the knee, T + (x - T)/R above it, T - (1 - 1/R) W/8 at the threshold', () => {
    expect(compressorCurve(-50, -30, 4, 6)).toBe(-50)
    expect(Math.abs(compressorCurve(-10, -30, 4, 6) - -25)).toBeLessThan(EXACT)
    expect(Math.abs(compressorCurve(-30, -30, 4, 6) - (-30 - (0.75 * 6) / 8))).toBeLessThan(EXACT)
  })
  it('is continuous at both knee edges, and a hard knee (0 dB) gives no NaN at the threshold', () => {
    for (const edge of [-33, -27]) expect(Math.abs(compressorCurve(edge - 1e-9, -30, 4, 6) - compressorCurve(edge + 1e-9, -30, 4, 6))).toBeLessThan(1e-8)
    expect(compressorCurve(-30, -30, 4, 0)).toBe(-30)
  })
})

describe('Compressor', () => {
  it('brings a steady sine to the static curve: level T + (L - T)/R (+ makeup) above the knee', () => {
    const sr = 48000
    for (const [level, ratio, makeup] of [[-10, 4, 0], [-6, 2, 3], [-20, 10, -2]] as const) {
      const x = Float64Array.from(sine(sr, 1000, sr, 10 ** (level / 20)))
      new Compressor(sr, stage({ ratio, makeup, attack: 0.1 })).processBlock([x], 0, x.length)
      expect(Math.abs(peakDb(x, sr / 2) - (-30 + (level - -30) / ratio + makeup))).toBeLessThan(STATIC_DB)
    }
  })

  it('leaves a sine well below the knee unchanged but for makeup', () => {
    const x = Float64Array.from(sine(4800, 1000, 48000, 10 ** (-50 / 20)))
    const y = x.slice()
    new Compressor(48000, stage({ makeup: 6 })).processBlock([y], 0, y.length)
    const g = 10 ** (6 / 20)
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - g * x[i]!)).toBeLessThan(1e-15)
  })

  it('smooths the gain reduction with the attack time constant: 1 - 1/e of a step after `attack` ms', () => {
    // DC step at -10 dB with a hard knee: the computer asks for a constant 15 dB (T -30, R 4), and the
    // branching detector rises as 15 (1 - alpha^n), alpha = exp(-1 / (tau fs)).
    const sr = 48000, attack = 2
    const x = new Float64Array(2 * sr).fill(10 ** (-10 / 20))
    new Compressor(sr, stage({ knee: 0, attack })).processBlock([x], 0, x.length)
    const n = (attack / 1000) * sr
    const reduction = -10 - db(x[n - 1]!)
    expect(Math.abs(reduction - 15 * (1 - Math.exp(-1)))).toBeLessThan(1e-9)
    expect(Math.abs(-10 - db(x[x.length - 1]!) - 15)).toBeLessThan(1e-9)
  })

  it('links stereo: a quiet channel gets the gain the loud one sets', () => {
    const sr = 48000
    const l = Float64Array.from(sine(sr, 500, sr, 0.5)), r = Float64Array.from(sine(sr, 700, sr, 0.001))
    const l0 = l.slice(), r0 = r.slice()
    new Compressor(sr, stage({})).processBlock([l, r], 0, sr)
    for (let i = 100; i < sr; i += 997) expect(Math.abs(r[i]! / r0[i]! - l[i]! / l0[i]!)).toBeLessThan(1e-12)
    expect(db(Math.abs(r[sr - 1]! / r0[sr - 1]!))).toBeLessThan(-10)
  })

  it('blends in parallel: amount a gives (1 - a) dry + a compressed', () => {
    const sr = 48000
    const x = Float64Array.from(sine(sr / 4, 300, sr, 0.7))
    const full = x.slice(), half = x.slice()
    new Compressor(sr, stage({ amount: 1, makeup: 4 })).processBlock([full], 0, full.length)
    new Compressor(sr, stage({ amount: 0.5, makeup: 4 })).processBlock([half], 0, half.length)
    for (let i = 0; i < x.length; i++) expect(Math.abs(half[i]! - (0.5 * x[i]! + 0.5 * full[i]!))).toBeLessThan(1e-15)
    expect(new Compressor(sr, stage({ amount: 0 })).bypassed).toBe(true)
  })

  it('carries its detector across blocks: two blocks equal one', () => {
    const sr = 44100
    const x = Float64Array.from(sine(10000, 200, sr, 0.8))
    const a = x.slice(), b = x.slice()
    new Compressor(sr, stage({ attack: 5, release: 50 })).processBlock([a], 0, a.length)
    const c = new Compressor(sr, stage({ attack: 5, release: 50 }))
    c.processBlock([b], 0, 3333)
    c.processBlock([b], 3333, b.length)
    expect(b).toEqual(a)
  })
})
