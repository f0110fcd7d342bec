import { describe, expect, it } from 'vitest'
import { limit, Limiter } from '../../../../src-main/engine/effects/limiter'
import { noise, sine } from '../../dsp/signals'

/** Float32 output: one rounding of a float64 product. */
const F32 = 1e-7

describe('Limiter (lookahead, sliding maximum, smooth release)', () => {
  it('never lets a sample past the ceiling, on noise with spikes far above it', () => {
    const sr = 44100
    const x = noise(sr, 5, 0.8)
    for (let i = 300; i < sr; i += 4410) x[i] = i % 2 ? 4 : -3
    const c = 10 ** (-1 / 20)
    const [y] = limit([x], sr, -1)
    expect(Math.max(...y!.map(Math.abs))).toBeLessThanOrEqual(c)
  })

  it('brings an isolated spike exactly to the ceiling, ramps into it over the lookahead, and is aligned with its input', () => {
    const sr = 48000
    const x = sine(sr, 200, sr, 0.1)
    const at = 10000
    x[at] = 2
    const [y] = limit([x], sr, -1)
    expect(Math.abs(y![at]! - 10 ** (-1 / 20))).toBeLessThan(F32)
    const lookahead = new Limiter(sr, -1, 1).latency
    // Before the window the gain is 1; inside it falls monotonically toward the spike.
    expect(Math.abs(y![at - lookahead - 2]! - x[at - lookahead - 2]!)).toBeLessThan(F32)
    const gains = Array.from({ length: lookahead }, (_, k) => at - lookahead + k).filter((i) => Math.abs(x[i]!) > 0.01).map((i) => y![i]! / x[i]!)
    gains.forEach((g, k) => k > 0 && expect(g).toBeLessThanOrEqual(gains[k - 1]! + 1e-6))
    // 0.5 s later (10 release time constants) the gain is back to within 1e-4 of unity.
    expect(Math.abs(y![at + sr / 2]! - x[at + sr / 2]!)).toBeLessThan(1e-4 * 0.1 + F32)
  })

  it('leaves a signal under the ceiling untouched', () => {
    const x = sine(20000, 440, 44100, 0.5)
    const [y] = limit([x], 44100, -1)
    expect(y).toEqual(x)
  })

  it('links stereo: the same gain on both sides', () => {
    const sr = 44100
    const l = sine(sr, 300, sr, 1.5), r = sine(sr, 300, sr, 0.2)
    const [yl, yr] = limit([l, r], sr, -3)
    for (let i = 50; i < sr; i += 101) if (Math.abs(l[i]!) > 0.1) expect(Math.abs(yl![i]! / l[i]! - yr![i]! / r[i]!)).toBeLessThan(1e-5)
  })
})
