import { describe, expect, it } from 'vitest'
import { Saturator, logCosh } from '../../../../src-main/engine/effects/saturation'
import { realFft } from '../../../../src-main/dsp/fft'
import { sine } from '../../dsp/signals'
import { db, rms, toneAmplitude } from './measure'

/** Float64 ln cosh against a direct formula where that one is exact to rounding. */
const REL = 1e-14

function saturate(x: Float32Array, drive: number, mix = 1, amount = 1): Float64Array {
  const y = Float64Array.from(x)
  new Saturator({ amount, drive, mix }).processBlock(y, 0, y.length)
  return y
}

/** Power in the FFT bins of x[0..N) (rectangular window: the tone sits on a bin, so nothing leaks). */
function binPowers(x: ArrayLike<number>, n: number): Float64Array {
  const f = realFft(n)
  const re = new Float64Array(f.bins), im = new Float64Array(f.bins)
  f.forward(Float64Array.from({ length: n }, (_, i) => x[i]!), re, im)
  return re.map((r, k) => r * r + im[k]! * im[k]!)
}

describe('logCosh', () => {
  it('is ln cosh at every scale: tiny (u^2/2), moderate, and past where cosh overflows', () => {
    expect(Math.abs(logCosh(1e-8) / 5e-17 - 1)).toBeLessThan(1e-8)
    for (const u of [-3.7, 0.5, 0.99, 1, 2, 15]) expect(Math.abs(logCosh(u) / Math.log(Math.cosh(u)) - 1)).toBeLessThan(REL)
    expect(logCosh(800)).toBe(800 - Math.LN2)
  })
})

describe('Saturator (tanh, first-order ADAA)', () => {
  it('is the identity exactly at mix 0 or amount 0', () => {
    const x = sine(4096, 3000, 44100, 0.9)
    expect(saturate(x, 36, 0)).toEqual(Float64Array.from(x))
    expect(saturate(x, 36, 1, 0)).toEqual(Float64Array.from(x))
    expect(new Saturator({ amount: 0.5, drive: 10, mix: 0 }).bypassed).toBe(true)
  })

  it('keeps a small signal at its level whatever the drive', () => {
    // At -60 dBFS and 24 dB drive, tanh(g x)/g differs from x by (g x)^2/3 relative: 0.0007 dB.
    const x = sine(48000, 440, 48000, 0.001)
    expect(Math.abs(db(rms(saturate(x, 24)) / rms(x)))).toBeLessThan(0.001)
  })

  it('grows odd harmonics with drive and makes no even ones (tanh is odd)', () => {
    // 500 Hz at 48 kHz: 96-sample periods, and the fit spans whole ones (960..48000) so the strong
    // fundamental leaks nothing into the fit of its harmonics.
    const sr = 48000, f = 500, n = sr
    const x = sine(n, f, sr, 0.5)
    let last = -Infinity
    for (const drive of [0, 6, 12, 24]) {
      const y = saturate(x, drive)
      const third = db(toneAmplitude(y, 3 * f, sr, 960, n) / toneAmplitude(y, f, sr, 960, n))
      const second = db(toneAmplitude(y, 2 * f, sr, 960, n) / toneAmplitude(y, f, sr, 960, n))
      expect(third).toBeGreaterThan(last + 3)
      expect(second).toBeLessThan(-100)
      last = third
    }
  })

  it('aliases less than naive tanh on a high sine (at least 6 dB less power off the harmonics)', () => {
    // A tone on FFT bin 1001 of 8192 (5389 Hz at 44.1 kHz): harmonics 1 and 3 lie below Nyquist, every
    // other bin with power is a folded harmonic. The signal is periodic in N, so the last N samples are steady.
    const N = 8192, bin = 1001, drive = 18, g = 10 ** (drive / 20)
    const x = new Float32Array(2 * N).map((_, i) => 0.8 * Math.sin((2 * Math.PI * bin * i) / N))
    const aliasRatio = (y: ArrayLike<number>): number => {
      const p = binPowers(Array.from({ length: N }, (_, i) => y[N + i]!), N)
      let harmonic = 0, alias = 0
      p.forEach((v, k) => (k === bin || k === 3 * bin ? (harmonic += v) : (alias += v)))
      return alias / harmonic
    }
    const naive = x.map((v) => Math.tanh(g * v) / g)
    const adaa = saturate(x, drive)
    expect(10 * Math.log10(aliasRatio(naive) / aliasRatio(adaa))).toBeGreaterThan(6)
  })

  it('blends: mix x amount is the wet share, and blocks carry their state', () => {
    const x = sine(6000, 900, 44100, 0.7)
    const full = saturate(x, 20), quarter = saturate(x, 20, 0.5, 0.5)
    for (let i = 0; i < x.length; i++) expect(Math.abs(quarter[i]! - (0.75 * x[i]! + 0.25 * full[i]!))).toBeLessThan(1e-15)
    const split = Float64Array.from(x), s = new Saturator({ amount: 1, drive: 20, mix: 1 })
    s.processBlock(split, 0, 2500)
    s.processBlock(split, 2500, split.length)
    expect(split).toEqual(full)
  })

  it('stays finite for huge drive and inputs well past full scale', () => {
    const x = new Float32Array(1000).map((_, i) => 40 * Math.sin(i))
    expect(saturate(x, 48).every(Number.isFinite)).toBe(true)
  })
})
