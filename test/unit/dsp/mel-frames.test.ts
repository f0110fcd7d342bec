/**
 * Log-mel conditioning frames: one frame per started hop, frame i centred on the hop it conditions
 * (a burst in hop k is loudest in frame k), features mapped so silence is -1 and unit band power +1,
 * defaults scaled with the rate; and the vocoder check's measure (frame energy, Pearson).
 */
import { describe, expect, it } from 'vitest'
import { defaultMelSettings, melFrames, MEL_FLOOR } from '../../../src-main/dsp/mel-frames'
import { logMel } from '../../../src-main/dsp/mel'
import { frameEnergyDb, pearson } from '../../../src-main/dsp/frame-energy'

/** Float32 logs of float64 powers: far below any difference that matters to a feature of range ~2. */
const TOL = 1e-5

const S = defaultMelSettings(8000, { bands: 20 })

describe('melFrames', () => {
  it('defaults: 80 bands, hop 256 and nFft 1024 at 16 kHz; hop 128 and nFft 512 at 8 kHz', () => {
    expect(defaultMelSettings(16000)).toEqual({ sampleRate: 16000, nFft: 1024, hop: 256, bands: 80, fMin: 0, fMax: 8000, floor: MEL_FLOOR })
    expect(defaultMelSettings(8000)).toMatchObject({ nFft: 512, hop: 128, bands: 80, fMax: 4000 })
    expect(() => defaultMelSettings(8000, { bands: 0 })).toThrow(/^mel bands: 0 is not a whole number in 1\.\.256$/)
    expect(() => defaultMelSettings(8000, { hop: 2.5 })).toThrow(/^mel hop: 2\.5/)
  })

  it('ceil(L / hop) frames of `bands` values; a burst in hop k is loudest in frame k', () => {
    for (const k of [0, 3, 6]) {
      const x = new Float32Array(7 * 128 + 5) // 8 frames: the last hop holds 5 samples
      for (let i = k * 128; i < (k + 1) * 128; i++) x[i] = Math.sin(i * 0.7)
      const { data, frames } = melFrames(x, S)
      expect(frames).toBe(8)
      expect(data).toHaveLength(8 * 20)
      const energy = Array.from({ length: frames }, (_, t) => data.subarray(t * 20, (t + 1) * 20).reduce((a, b) => a + b, 0))
      expect(energy.indexOf(Math.max(...energy))).toBe(k)
    }
  })

  it('is logMel of the signal shifted by half a hop, on the floored log mapped to [-1, 1] at silence..unit power', () => {
    const x = Float32Array.from({ length: 1280 }, (_, i) => 0.3 * Math.sin(i * 0.2) + 0.1 * Math.sin(i * 1.3))
    const { data } = melFrames(x, S)
    const ref = logMel(x.subarray(64), { sampleRate: 8000, nFft: 512, hop: 128, nMels: 20 })
    const ln = Math.log(MEL_FLOOR)
    for (const i of [0, 55, 20 * 5 + 7, 20 * 9 - 1]) {
      const power = Math.exp(ref.data[i]!) - 1e-10
      expect(data[i]).toBeCloseTo((Math.log(MEL_FLOOR + power) - ln / 2) / (-ln / 2), 4)
    }
    const silent = melFrames(new Float32Array(256), S).data
    for (const v of silent) expect(Math.abs(v + 1)).toBeLessThan(TOL)
  })

  it('refuses an empty signal in one line', () => {
    expect(() => melFrames(new Float32Array(0), S)).toThrow(/^mel frames: the signal is empty$/)
  })
})

describe('frame energy and Pearson', () => {
  it('energy in dB of whole frames, floored; Pearson of known series', () => {
    const x = new Float32Array(300)
    x.fill(0.5, 100, 200)
    const e = frameEnergyDb(x, 100)
    expect(Array.from(e)).toEqual([-80, expect.closeTo(10 * Math.log10(0.25), 5), -80])
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12)
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12)
    // By hand: deviations (-1.5, -0.5, 0.5, 1.5) and (-1, 1, 0, 0): sum of products 1, squares 5 and 2.
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 2])).toBeCloseTo(1 / Math.sqrt(10), 12)
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN()
    expect(() => pearson([1, 2], [1])).toThrow(/^pearson: series of 2 and 1 values/)
  })
})
