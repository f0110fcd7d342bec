import { describe, expect, it } from 'vitest'
import { hann } from '../../../src-main/dsp/window'
import { UserError } from '../../../src-main/util/errors'
import { expectCloseToReference, loadFixture } from './reference'

interface WindowFixture {
  cases: { n: number; periodic: boolean; values: number[] }[]
}

describe('hann', () => {
  const fx = loadFixture<WindowFixture>('window.json')

  it.each(fx.cases)('matches scipy for n=$n periodic=$periodic', ({ n, periodic, values }) => {
    expectCloseToReference(hann(n, periodic), values)
  })

  it('periodic window shifted by n/4 sums to a constant (why the STFT uses it)', () => {
    const n = 64
    const w = hann(n)
    for (let i = 0; i < n / 4; i++) {
      const sum = w[i]! + w[i + n / 4]! + w[i + n / 2]! + w[i + (3 * n) / 4]!
      expect(sum).toBeCloseTo(2, 6)
    }
  })

  it('refuses a length that is not a positive integer', () => {
    expect(() => hann(0)).toThrow(UserError)
    expect(() => hann(2.5)).toThrow(/window length 2.5/)
  })
})
