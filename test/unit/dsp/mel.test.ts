import { describe, expect, it } from 'vitest'
import { hzToMel, logMel, melFilterbank, melToHz } from '../../../src-main/dsp/mel'
import { UserError } from '../../../src-main/util/errors'
import { expectCloseToReference, loadFixture } from './reference'
import { noise, sine } from './signals'

interface MelFixture {
  filterbanks: { sampleRate: number; nFft: number; nMels: number; fMin: number; fMax?: number; weights: number[] }[]
  logMel: { signal: number[]; sampleRate: number; nFft: number; hop: number; nMels: number; frames: number; data: number[] }
}

describe('melFilterbank', () => {
  const fx = loadFixture<MelFixture>('mel.json')

  it.each(fx.filterbanks)('matches librosa (Slaney) for sr $sampleRate nFft $nFft nMels $nMels', (c) => {
    expectCloseToReference(melFilterbank(c), c.weights)
  })

  it('has unit-area rows in Hz (Slaney normalisation)', () => {
    const sampleRate = 16000
    const nFft = 4096
    const nMels = 40
    const fb = melFilterbank({ sampleRate, nFft, nMels })
    const bins = nFft / 2 + 1
    const df = sampleRate / nFft
    const hi = hzToMel(sampleRate / 2)
    for (let m = 0; m < nMels; m++) {
      let sum = 0
      for (let k = 0; k < bins; k++) sum += fb[m * bins + k]!
      const width = melToHz(((m + 2) * hi) / (nMels + 1)) - melToHz((m * hi) / (nMels + 1))
      // Sampling the triangle on the bin grid misses at most about one bin of area at each corner.
      expect(Math.abs(sum * df - 1)).toBeLessThan((2 * df) / width)
    }
  })

  it('mel scale is linear below 1 kHz and round trips', () => {
    expect(hzToMel(200 / 3)).toBeCloseTo(1, 12)
    expect(hzToMel(1000)).toBeCloseTo(15, 12)
    for (const f of [0, 440, 999, 1000, 5000, 11025]) expect(melToHz(hzToMel(f))).toBeCloseTo(f, 8)
  })

  it('refuses a bad range or size', () => {
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 40, fMax: 9000 })).toThrow(/not within 0..8000 Hz/)
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 500, nMels: 40 })).toThrow(UserError)
    expect(() => melFilterbank({ sampleRate: 0, nFft: 512, nMels: 40 })).toThrow(/sample rate 0/)
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 0 })).toThrow(/nMels 0/)
  })
})

describe('logMel', () => {
  const fx = loadFixture<MelFixture>('mel.json').logMel

  it('matches ln(1e-10 + mel power) computed with numpy', () => {
    const lm = logMel(Float32Array.from(fx.signal), fx)
    expect(lm.frames).toBe(fx.frames)
    expect(lm.nMels).toBe(fx.nMels)
    expectCloseToReference(lm.data, fx.data)
  })

  it('puts a sine in the band around its frequency and silence on the floor', () => {
    const sr = 16000
    const lm = logMel(sine(8000, 2000, sr), { sampleRate: sr, nFft: 512, hop: 128, nMels: 40 })
    const hi = hzToMel(sr / 2)
    const t = 10
    let best = 0
    for (let m = 1; m < 40; m++) if (lm.data[t * 40 + m]! > lm.data[t * 40 + best]!) best = m
    expect(melToHz(((best + 1) * hi) / 41)).toBeCloseTo(2000, -2)
    const silent = logMel(new Float32Array(1000), { sampleRate: sr, nFft: 256, hop: 64, nMels: 16 })
    for (const v of silent.data) expect(v).toBe(Math.fround(Math.log(1e-10)))
    expect(() => logMel(noise(10, 1).fill(Infinity), { sampleRate: sr, nFft: 256, hop: 64, nMels: 16 })).toThrow(/non-finite/)
  })
})
