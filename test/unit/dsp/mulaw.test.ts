import { describe, expect, it } from 'vitest'
import { muLawCompress, muLawDecode, muLawEncode, muLawExpand } from '../../../src-main/dsp/mulaw'
import { UserError } from '../../../src-main/util/errors'

const grid = Float32Array.from({ length: 20001 }, (_, i) => -1 + i / 10000)

describe('mu-law', () => {
  it('codes span 0..255, silence sits mid-scale, extremes at the ends', () => {
    const q = muLawEncode(Float32Array.from([-1, 0, 1, -5, 5]))
    expect(Array.from(q)).toEqual([0, 128, 255, 0, 255])
  })

  it('encode(decode(q)) == q for every code', () => {
    for (const levels of [256, 16, 2]) {
      const q = Int32Array.from({ length: levels }, (_, i) => i)
      expect(Array.from(muLawEncode(muLawDecode(q, levels), levels))).toEqual(Array.from(q))
    }
  })

  it('round-trip error stays under the quantisation bound (mu|x| + 1)((1+mu)^(1/mu) - 1)/mu', () => {
    const mu = 255
    // Half a grid step in the companded domain is 1/mu; expanding it scales by (1+mu)^(1/mu).
    const growth = Math.pow(1 + mu, 1 / mu) - 1
    const y = muLawDecode(muLawEncode(grid))
    for (let i = 0; i < grid.length; i++) {
      const bound = ((mu * Math.abs(grid[i]!) + 1) * growth) / mu
      expect(Math.abs(y[i]! - grid[i]!)).toBeLessThanOrEqual(bound * (1 + 1e-6))
    }
  })

  it('continuous companding inverts itself', () => {
    const back = muLawExpand(muLawCompress(grid))
    for (let i = 0; i < grid.length; i += 7) expect(back[i]).toBeCloseTo(grid[i]!, 6)
  })

  it('refuses bad codes, levels and samples', () => {
    expect(() => muLawDecode(Int32Array.from([0, 256]))).toThrow(/code 256 at index 1 is outside 0..255/)
    expect(() => muLawEncode(grid, 1)).toThrow(UserError)
    expect(() => muLawEncode(Float32Array.from([0, NaN]))).toThrow(/non-finite/)
  })
})
