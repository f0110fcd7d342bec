import { describe, expect, it } from 'vitest'
import { biquadDb, eqResponseDb, logFrequencies, pass, peaking, shelf } from '../../../src-renderer/src/lib/eq-curve'
import { neutralChain } from '../../../src-main/engine/effects/chain'

/** Closed-form cookbook values hold to float64 rounding through a few trig calls and a log10. */
const TOL_DB = 1e-6
const SR = 48_000

describe('EQ curve maths (RBJ cookbook)', () => {
  it('gives the known values of each section', () => {
    // Peaking: exactly the gain at the centre, 0 dB at DC and Nyquist.
    expect(biquadDb(peaking(1000, SR, 2, 6), 1000, SR)).toBeCloseTo(6, 9)
    expect(biquadDb(peaking(1000, SR, 2, -9), 1000, SR)).toBeCloseTo(-9, 9)
    expect(Math.abs(biquadDb(peaking(1000, SR, 2, 6), 0, SR))).toBeLessThan(TOL_DB)
    expect(Math.abs(biquadDb(peaking(1000, SR, 2, 6), SR / 2, SR))).toBeLessThan(TOL_DB)
    // Shelves with S = 1: half the gain (in dB) at the corner, the whole gain far beyond it.
    expect(biquadDb(shelf('low', 200, SR, 8), 200, SR)).toBeCloseTo(4, 9)
    expect(biquadDb(shelf('low', 200, SR, 8), 1, SR)).toBeCloseTo(8, 4)
    expect(biquadDb(shelf('high', 6000, SR, -6), 6000, SR)).toBeCloseTo(-3, 9)
    expect(biquadDb(shelf('high', 6000, SR, -6), SR / 2, SR)).toBeCloseTo(-6, 6)
    // Butterworth (Q = 1/sqrt 2): -3.01 dB at the corner, unity in the pass band.
    expect(biquadDb(pass('high', 100, SR, Math.SQRT1_2), 100, SR)).toBeCloseTo(-3.0103, 4)
    expect(biquadDb(pass('low', 5000, SR, Math.SQRT1_2), 5000, SR)).toBeCloseTo(-3.0103, 4)
    expect(Math.abs(biquadDb(pass('low', 5000, SR, Math.SQRT1_2), 20, SR))).toBeLessThan(1e-4)
  })

  it('a neutral EQ is flat and amount 0 switches every section off', () => {
    const f = logFrequencies(20, 20_000, 64)
    expect(Math.max(...eqResponseDb(neutralChain().eq, f, SR).map(Math.abs))).toBe(0)
    const eq = { ...neutralChain().eq, highpass: 200, lowShelf: { freq: 150, gain: 6 }, amount: 0 }
    expect(Math.max(...eqResponseDb(eq, f, SR).map(Math.abs))).toBe(0)
  })

  it('the 24 dB/octave high-pass is -3 dB at its corner and about -24 dB an octave below', () => {
    const eq = { ...neutralChain().eq, highpass: 400 }
    const [corner, octave] = eqResponseDb(eq, [400, 200], SR)
    expect(corner).toBeCloseTo(-3.01, 1)
    expect(octave).toBeGreaterThan(-25)
    expect(octave).toBeLessThan(-23)
  })
})
