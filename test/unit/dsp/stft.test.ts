import { describe, expect, it } from 'vitest'
import {
  createStftPlan, fromPolar, istft, log1pMagnitude, magnitude, phase, stft
} from '../../../src-main/dsp/stft'
import { UserError } from '../../../src-main/util/errors'
import { REF_TOL, expectCloseToReference, loadFixture, relativeMaxError } from './reference'
import { noise } from './signals'

interface StftFixture {
  signal: number[]
  cases: { length: number; nFft: number; hop: number; center: boolean; frames: number; bins: number; re: number[]; im: number[] }[]
  istft: { nFft: number; hop: number; center: boolean; frames: number; bins: number; length: number; re: number[]; im: number[]; y: number[] }
}

describe('stft against numpy (reflect-padded, Hann periodic, rfft per frame)', () => {
  const fx = loadFixture<StftFixture>('stft.json')

  it.each(fx.cases)('length $length nFft $nFft hop $hop center $center', (c) => {
    const x = Float32Array.from(fx.signal.slice(0, c.length))
    const s = stft(x, { nFft: c.nFft, hop: c.hop, center: c.center })
    expect(s.frames).toBe(c.frames)
    expect(s.bins).toBe(c.bins)
    expectCloseToReference(s.re, c.re)
    expectCloseToReference(s.im, c.im)
  })

  it('istft of an inconsistent spectrogram equals the least-squares (librosa) inverse', () => {
    const c = fx.istft
    const s = { re: Float32Array.from(c.re), im: Float32Array.from(c.im), frames: c.frames, bins: c.bins }
    expectCloseToReference(istft(s, { nFft: c.nFft, hop: c.hop, center: c.center }, c.length), c.y)
  })
})

describe('stft / istft properties', () => {
  const pairs: [number, number, number][] = [
    [2048, 512, 22050], [1024, 256, 9999], [512, 128, 4097], [256, 64, 1001], [64, 16, 33], [64, 48, 7], [8, 3, 5], [16, 1, 40]
  ]
  it.each(pairs)('iSTFT(STFT(x)) = x for nFft %i hop %i, %i samples', (nFft, hop, n) => {
    const x = noise(n, nFft + hop + n)
    const p = { nFft, hop }
    const y = istft(stft(x, p), p, n)
    expect(y.length).toBe(n)
    expect(relativeMaxError(y, x)).toBeLessThan(REF_TOL)
  })

  it('round trips without centring over the fully covered span', () => {
    const x = noise(1000, 9)
    const p = { nFft: 128, hop: 32, center: false }
    const s = stft(x, p)
    const y = istft(s, p)
    expect(y.length).toBe(32 * (s.frames - 1) + 128)
    // The first and last hop samples are covered only by a window edge, where w^2 is tiny.
    expect(relativeMaxError(y.subarray(32, y.length - 32), x.subarray(32, y.length - 32))).toBeLessThan(REF_TOL)
  })

  it('default inverse length is the length whose STFT has the same frames', () => {
    const plan = createStftPlan({ nFft: 256, hop: 100 })
    const s = plan.forward(noise(1234, 3))
    const y = plan.inverse(s)
    expect(plan.frameCount(y.length)).toBe(s.frames)
    expect(y.length).toBe(100 * (s.frames - 1))
  })

  it('a plan reused with its own output buffers gives the same numbers as the free functions', () => {
    const p = { nFft: 128, hop: 32 }
    const plan = createStftPlan(p)
    const x = noise(700, 4)
    const s = plan.forward(x)
    const again = plan.forward(noise(700, 5), s)
    expect(again).toBe(s)
    plan.forward(x, s)
    expect(Array.from(s.re)).toEqual(Array.from(stft(x, p).re))
    const out = new Float32Array(700)
    expect(plan.inverse(s, 700, out)).toBe(out)
    expect(Array.from(out)).toEqual(Array.from(istft(s, p, 700)))
  })

  it('an impulse gives a flat magnitude spectrum in the frame centred on it', () => {
    const x = new Float32Array(512)
    x[256] = 1
    const s = stft(x, { nFft: 128, hop: 64 })
    const mag = magnitude(s)
    const t = 256 / 64 // centred frames: frame t is centred on sample t * hop
    for (let f = 0; f < s.bins; f++) expect(mag[t * s.bins + f]).toBeCloseTo(1, 6) // w[nFft/2] = 1
  })

  it('magnitude / phase / fromPolar recompose the spectrogram; log1pMagnitude = log(1 + |X|)', () => {
    const s = stft(noise(500, 6), { nFft: 64, hop: 16 })
    const mag = magnitude(s)
    const back = fromPolar(mag, phase(s), s.frames, s.bins)
    expect(relativeMaxError(back.re, s.re)).toBeLessThan(REF_TOL)
    expect(relativeMaxError(back.im, s.im)).toBeLessThan(REF_TOL)
    const lm = log1pMagnitude(s)
    for (let i = 0; i < mag.length; i += 37) expect(lm[i]).toBeCloseTo(Math.log1p(mag[i]!), 6)
  })
})

describe('stft input validation', () => {
  const x = noise(100, 1)
  it.each([
    [{ nFft: 100, hop: 10 }, /nFft 100 is not a power of two/],
    [{ nFft: 64, hop: 0 }, /hop 0 is not an integer in 1..64/],
    [{ nFft: 64, hop: 65 }, /hop 65/],
    [{ nFft: 64, hop: 1.5 }, /hop 1.5/]
  ])('refuses %o', (p, msg) => {
    expect(() => stft(x, p)).toThrow(UserError)
    expect(() => stft(x, p)).toThrow(msg)
  })

  it('refuses empty, non-finite and too-short (uncentred) signals', () => {
    expect(() => stft(new Float32Array(0), { nFft: 64, hop: 16 })).toThrow(/signal is empty/)
    const bad = noise(100, 2)
    bad[40] = NaN
    expect(() => stft(bad, { nFft: 64, hop: 16 })).toThrow(/non-finite sample \(NaN\) at index 40/)
    expect(() => stft(noise(50, 3), { nFft: 64, hop: 16, center: false })).toThrow(/shorter than nFft 64/)
  })

  it('refuses mismatched shapes', () => {
    const s = stft(x, { nFft: 64, hop: 16 })
    expect(() => istft(s, { nFft: 128, hop: 16 })).toThrow(/33 bins, nFft 128 needs 65/)
    expect(() => fromPolar(new Float32Array(3), new Float32Array(4), 2, 2)).toThrow(/magnitude has 3 values/)
  })
})
