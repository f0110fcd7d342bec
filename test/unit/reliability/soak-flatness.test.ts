/**
 * The soak's verdicts (bench/reliability/soak.ts): the fitted slope is exact on a line, a tensor
 * curve is flat only when its second half holds one value, and an RSS curve is flat while its
 * second-half growth over the run stays under max(32 MB, 5% of its median).
 */
import { describe, expect, it } from 'vitest'
import { fitSlope, rssFlatness, tensorFlatness } from '../../../bench/reliability/soak'

describe('soak flatness', () => {
  it('fits the slope of a line exactly, and of a constant as 0', () => {
    expect(fitSlope([3, 5, 7, 9, 11])).toBeCloseTo(2, 12)
    expect(fitSlope([-1, -1.5, -2])).toBeCloseTo(-0.5, 12)
    expect(fitSlope([4, 4, 4, 4])).toBe(0)
    expect(fitSlope([7])).toBe(0)
  })

  it('tensors: warm-up in the first half is allowed, one more tensor per step in the second is a leak', () => {
    expect(tensorFlatness([10, 12, 14, 14, 14, 14]).flat).toBe(true)
    const leak = tensorFlatness([14, 14, 14, 15, 16, 17])
    expect(leak.flat).toBe(false)
    expect(leak.slope).toBeCloseTo(1, 12)
    expect(leak.projectedGrowth).toBeCloseTo(6, 12)
    // A single stray tensor that comes and goes is not flat either: counts are exact.
    expect(tensorFlatness([5, 5, 5, 5, 6, 5]).flat).toBe(false)
  })

  it('RSS: noise and warm-up are flat, 1 MB per render over 100 renders is not', () => {
    const warmThenNoise = Array.from({ length: 100 }, (_, i) => (i < 30 ? 300 + i : 330 + ((i * 7) % 11) - 5))
    expect(rssFlatness(warmThenNoise).flat).toBe(true)
    const leak = Array.from({ length: 100 }, (_, i) => 300 + i)
    const v = rssFlatness(leak)
    expect(v.flat).toBe(false)
    expect(v.slope).toBeCloseTo(1, 9)
    expect(v.projectedGrowth).toBeCloseTo(100, 6)
    expect(v.limit).toBe(32)
    // On a large process the limit is 5% of the median: 2 GB allows 100 MB of drift over the run.
    expect(rssFlatness(Array.from({ length: 100 }, (_, i) => 2000 + 0.9 * i)).flat).toBe(true)
  })
})
