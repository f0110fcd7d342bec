import { describe, expect, it } from 'vitest'
import { resample } from '../../../src-main/audio/index'
import { UserError } from '../../../src-main/util/errors'
import { sine } from './helpers'

/**
 * Required quality in dB, for both SNR against the ideal sine and stop-band attenuation: 60 dB is
 * the brief's bar. The sinc converter measures ~122 dB SNR and ~137 dB attenuation here; linear
 * interpolation measured 17 dB and 1 dB, so this separates the two with a wide margin either way.
 */
const MIN_DB = 60
/** Samples ignored at each end: the sinc filter's support (~ a few hundred) has no input beyond the edges. */
const EDGE = 1000

function snrDb(y: Float32Array, ideal: Float32Array): number {
  let signal = 0
  let noise = 0
  for (let i = EDGE; i < ideal.length - EDGE; i++) {
    signal += ideal[i]! ** 2
    noise += (y[i]! - ideal[i]!) ** 2
  }
  return 10 * Math.log10(signal / noise)
}

function meanSquare(y: Float32Array): number {
  let s = 0
  for (let i = EDGE; i < y.length - EDGE; i++) s += y[i]! ** 2
  return s / (y.length - 2 * EDGE)
}

describe('resample', () => {
  it('44.1 kHz -> 16 kHz keeps a 1 kHz sine (SNR >= 60 dB against the ideal 16 kHz sine)', async () => {
    const y = await resample(sine(1000, 44100, 44100), 44100, 16000)
    expect(y.length).toBe(16000)
    expect(snrDb(y, sine(1000, 16000, 16000))).toBeGreaterThanOrEqual(MIN_DB)
  })

  it('removes a 9 kHz tone, above the new 8 kHz Nyquist, by >= 60 dB', async () => {
    const x = sine(9000, 44100, 44100)
    const y = await resample(x, 44100, 16000)
    const attenuation = 10 * Math.log10(meanSquare(x) / meanSquare(y))
    expect(attenuation).toBeGreaterThanOrEqual(MIN_DB)
  })

  it('16 kHz -> 44.1 kHz upsampling keeps a 1 kHz sine', async () => {
    const y = await resample(sine(1000, 16000, 16000), 16000, 44100)
    expect(y.length).toBe(44100)
    expect(snrDb(y, sine(1000, 44100, 44100))).toBeGreaterThanOrEqual(MIN_DB)
  })

  it('a long input goes through in blocks with no seams and reports progress', async () => {
    const seconds = 20 // several 2^18-sample blocks
    const fractions: number[] = []
    const y = await resample(sine(440, 44100, 44100 * seconds), 44100, 22050, { onProgress: (f) => fractions.push(f) })
    expect(y.length).toBe(22050 * seconds)
    expect(snrDb(y, sine(440, 22050, 22050 * seconds))).toBeGreaterThanOrEqual(MIN_DB)
    expect(fractions.length).toBeGreaterThan(2) // several blocks
    expect(fractions.at(-1)).toBe(1)
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions)
  })

  it('a reused converter starts fresh: repeated and interleaved calls give identical output, and short calls are quick', async () => {
    const x = sine(440, 16000, 16000 * 3)
    const first = await resample(x, 16000, 44100)
    const [a, b] = await Promise.all([resample(x, 16000, 44100), resample(x.subarray(0, 5000), 16000, 44100)])
    expect(a).toEqual(first)
    expect(await resample(x, 16000, 44100)).toEqual(first)
    expect(b).toEqual(await resample(x.subarray(0, 5000), 16000, 44100))
    // Three seconds in tens of ms (measured 60-90 ms on a loaded 2-core box); the old per-call wasm
    // instance and whole-block flush took 3-4x as long. A generous bound: this catches a regression
    // to per-call setup, not a slow machine.
    const started = performance.now()
    await resample(x, 16000, 44100)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('same rate returns an equal copy; empty input stays empty', async () => {
    const x = sine(100, 8000, 100)
    const y = await resample(x, 8000, 8000)
    expect(y).toEqual(x)
    expect(y).not.toBe(x)
    expect((await resample(new Float32Array(0), 44100, 16000)).length).toBe(0)
  })

  it.each([
    [0, 16000],
    [-44100, 16000],
    [Number.NaN, 16000],
    [44100, Number.POSITIVE_INFINITY],
    [44100, 1_000_000],
    [1, 44100] // ratio beyond 256
  ])('rejects %s Hz -> %s Hz with a UserError', async (from, to) => {
    await expect(resample(sine(1, 8000, 10), from, to)).rejects.toBeInstanceOf(UserError)
    await expect(resample(sine(1, 8000, 10), from, to)).rejects.toThrow(/^resample: /)
  })
})
