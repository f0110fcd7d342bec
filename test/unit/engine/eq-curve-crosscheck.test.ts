import { describe, expect, it } from 'vitest'
import { eqResponseDb, logFrequencies } from '../../../src-renderer/src/lib/eq-curve'
import { eqMagnitudeDb } from '../../../src-main/engine/effects/eq'

/** The app's EQ curve (pure cookbook maths in the renderer) against the engine's response: two implementations, one filter. */
describe('the chain panel\'s EQ curve', () => {
  it('agrees with the engine\'s own response (an independent implementation) for a busy EQ at two rates', () => {
    const eq = {
      amount: 0.7,
      highpass: 90,
      lowpass: 12_000,
      lowShelf: { freq: 180, gain: -4 },
      highShelf: { freq: 7000, gain: 5 },
      bands: [
        { freq: 250, gain: -3, q: 1.2 },
        { freq: 1200, gain: 2.5, q: 0.8 },
        { freq: 3200, gain: 6, q: 3 },
        { freq: 9000, gain: -8, q: 5 },
        { freq: 30_000, gain: 3, q: 1 }
      ]
    }
    for (const sr of [22_050, 48_000]) {
      const f = logFrequencies(20, 20_000, 200)
      const ours = eqResponseDb(eq, f, sr)
      const engine = eqMagnitudeDb(eq, f, sr)
      // The engine designs through Zolzer's forms and evaluates in sin^2(w/2); 1e-6 dB covers both roundings.
      for (let i = 0; i < f.length; i++) expect(Math.abs(ours[i]! - engine[i]!), `${f[i]} Hz at ${sr}`).toBeLessThan(1e-6)
    }
  })
})
