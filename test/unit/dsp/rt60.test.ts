import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadMono } from '../../../src-main/audio'
import { realFft } from '../../../src-main/dsp/fft'
import { estimateRt60, freeDecays } from '../../../src-main/dsp/rt60'
import { createRng } from '../../../src-main/util/random'
import { noise, sine } from './signals'

const SR = 22050
/** The accuracy asked of the blind estimate at 0.8 and 1.5 s (blind estimators are judged at tens of percent). */
const REL_TOL = 0.35
const DRY = ['mf-hall-content.wav', 'fm-hall-content.wav'].map((f) => fileURLToPath(new URL(`../../fixtures/vocal-match/${f}`, import.meta.url)))

/** A synthetic room: uniform white noise under an exponential envelope falling 60 dB in `rt60` s, 1.2 x rt60 long. */
function noiseIr(rt60: number, seed: number): Float32Array {
  const rng = createRng(seed)
  const h = new Float32Array(Math.round(1.2 * rt60 * SR))
  for (let i = 0; i < h.length; i++) h[i] = (2 * rng.uniform() - 1) * 10 ** (-3 * i / (rt60 * SR))
  return h
}

/** Full linear convolution by FFT (zero-padded to a power of two). */
function convolve(x: Float32Array, h: Float32Array): Float32Array {
  const length = x.length + h.length - 1
  let n = 1
  while (n < length) n *= 2
  const fft = realFft(n)
  const bins = n / 2 + 1
  const xa = new Float64Array(n)
  xa.set(x)
  const ha = new Float64Array(n)
  ha.set(h)
  const [xr, xi, hr, hi] = [0, 1, 2, 3].map(() => new Float64Array(bins)) as [Float64Array, Float64Array, Float64Array, Float64Array]
  fft.forward(xa, xr, xi)
  fft.forward(ha, hr, hi)
  for (let k = 0; k < bins; k++) {
    const re = xr[k]! * hr[k]! - xi[k]! * hi[k]!
    xi[k] = xr[k]! * hi[k]! + xi[k]! * hr[k]!
    xr[k] = re
  }
  const out = new Float64Array(n)
  fft.inverse(xr, xi, out)
  return Float32Array.from(out.subarray(0, length))
}

describe('estimateRt60 on espeak speech in synthetic rooms', () => {
  let dry: Float32Array[] = []
  beforeAll(async () => {
    dry = await Promise.all(DRY.map((p) => loadMono(p, SR)))
  })

  it('reads dry speech as short (< 0.3 s) or null', () => {
    for (const x of dry) {
      const rt = estimateRt60(x, SR)
      if (rt !== null) expect(rt).toBeLessThan(0.3)
    }
  })

  it('rises with the true RT60 (0.3, 0.8, 1.5 s) and is within 35 % at 0.8 and 1.5 s', () => {
    for (const x of dry) {
      for (const seed of [3, 4]) {
        const est = [0.3, 0.8, 1.5].map((t) => estimateRt60(convolve(x, noiseIr(t, seed)), SR))
        for (const e of est) expect(e).not.toBeNull()
        expect(est[1]!).toBeGreaterThan(est[0]!)
        expect(est[2]!).toBeGreaterThan(est[1]!)
        expect(Math.abs(est[1]! / 0.8 - 1)).toBeLessThan(REL_TOL)
        expect(Math.abs(est[2]! / 1.5 - 1)).toBeLessThan(REL_TOL)
      }
    }
  })

  it('finds no free decays in a steady tone, stationary noise or silence', () => {
    expect(estimateRt60(sine(3 * SR, 440, SR), SR)).toBeNull()
    expect(estimateRt60(noise(3 * SR, 5), SR)).toBeNull()
    expect(estimateRt60(new Float32Array(3 * SR), SR)).toBeNull()
    expect(freeDecays(new Float32Array(10), SR)).toEqual([])
  })

  it('reads the tail of a single noise burst through a 1 s room as about 1 s', () => {
    const burst = new Float32Array(3 * SR)
    burst.set(noise(SR / 4, 9), SR / 10)
    const decays = freeDecays(convolve(burst, noiseIr(1, 1)), SR)
    const longest = decays.reduce((a, b) => (b.length > a.length ? b : a))
    expect(Math.abs(-60 / longest.slope - 1)).toBeLessThan(0.1)
  })

  it('refuses non-finite samples and a bad rate', () => {
    expect(() => estimateRt60(Float32Array.of(0, Number.POSITIVE_INFINITY), SR)).toThrow(/non-finite/)
    expect(() => estimateRt60(new Float32Array(100), -1)).toThrow(/sample rate/)
  })
})
