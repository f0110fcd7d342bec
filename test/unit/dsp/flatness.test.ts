import { describe, expect, it } from 'vitest'
import { spectralFlatness, spectralFlatnessFrames } from '../../../src-main/dsp/flatness'
import { createRng } from '../../../src-main/util/random'
import { loadFixture } from './reference'

interface Recipe {
  kind: 'noise' | 'sine'
  length: number
  seed?: number
  amp: number
  sampleRate?: number
  freq?: number
  silence?: number
}
interface Case {
  recipe: Recipe
  nFft: number
  hop: number
  frames: number[]
  mean: number
  kept: number
}

/** The generator's signals: its integer LCG and sine, in float64, rounded to float32. */
function build(r: Recipe): Float32Array {
  const x = new Float32Array(r.length)
  let s = r.seed ?? 0
  for (let i = 0; i < r.length; i++) {
    if (r.kind === 'noise') {
      s = (Math.imul(1664525, s) + 1013904223) >>> 0
      x[i] = (s / 2 ** 31 - 1) * r.amp
    } else {
      x[i] = r.amp * Math.sin((2 * Math.PI * r.freq! * i) / r.sampleRate!)
    }
  }
  x.fill(0, 0, r.silence ?? 0)
  return x
}

/**
 * Our STFT runs in float32 (relative rounding ~1e-7 per bin); the flatness is a ratio of means of
 * ~1000 bins, so it agrees with the float64 reference to ~1e-6 where bins are well above the floor.
 * A sine's far bins sit near float32's own rounding floor, so frames are compared in absolute terms
 * there: 1e-4 is far below any flatness a listener could tell apart, far above that rounding.
 */
const FLATNESS_TOL = 1e-4

describe('spectral flatness', () => {
  const { cases } = loadFixture<{ cases: Case[] }>('flatness.json')

  it('matches the librosa formula (numpy reference) frame by frame and as a gated clip mean', () => {
    for (const c of cases) {
      const x = build(c.recipe)
      const { flatness } = spectralFlatnessFrames(x, { nFft: c.nFft, hop: c.hop })
      expect(flatness.length).toBe(c.frames.length)
      for (let t = 0; t < flatness.length; t++) expect(Math.abs(flatness[t]! - c.frames[t]!), `${c.recipe.kind} frame ${t}`).toBeLessThan(FLATNESS_TOL)
      expect(Math.abs(spectralFlatness(x, { nFft: c.nFft, hop: c.hop }) - c.mean)).toBeLessThan(FLATNESS_TOL)
    }
  })

  it('scores Hann-windowed Gaussian white noise e^-gamma = 0.561 (exponential bin powers), not 1', () => {
    const rng = createRng(5)
    const x = Float32Array.from({ length: 16000 * 8 }, () => 0.3 * rng.normal())
    // Finite-bin corrections (the chi-square(1) DC and Nyquist bins, the sample mean's spread) are
    // below 0.5 % at 1025 bins; 0.01 leaves room for the 250 frames' sampling noise.
    expect(Math.abs(spectralFlatness(x) - Math.exp(-0.5772156649))).toBeLessThan(0.01)
  })

  it('scores a pure tone near 0 and leaves silent frames out of the mean', () => {
    const sine = build({ kind: 'sine', length: 16000, sampleRate: 16000, freq: 440, amp: 0.5 })
    expect(spectralFlatness(sine)).toBeLessThan(1e-3)
    // Digital silence scores a perfect 1 per frame (all bins on the floor), so half a second of it
    // would drag a tone's figure up to ~0.5 if it were counted.
    const gappy = new Float32Array(24000)
    gappy.set(sine, 8000)
    expect(spectralFlatnessFrames(gappy).flatness[0]).toBeCloseTo(1, 6)
    expect(spectralFlatness(gappy)).toBeLessThan(0.01)
  })

  it('refuses silence and clips shorter than half a frame', () => {
    expect(() => spectralFlatness(new Float32Array(4096))).toThrow(/silent/)
    expect(() => spectralFlatness(new Float32Array(100).fill(0.1))).toThrow(/too short/)
  })
})
