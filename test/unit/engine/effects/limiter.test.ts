import { describe, expect, it } from 'vitest'
import { limit, Limiter, peakEnvelope, truePeak } from '../../../../src-main/engine/effects/limiter'
import { loudnessMeter } from '../../../../src-main/dsp/loudness'
import { noise, sine } from '../../dsp/signals'

/** Float32 output: one rounding of a float64 product. */
const F32 = 1e-7

describe('Limiter (lookahead, sliding maximum, smooth release)', () => {
  it('never lets a sample past the ceiling, on noise with spikes far above it', () => {
    const sr = 44100
    const x = noise(sr, 5, 0.8)
    for (let i = 300; i < sr; i += 4410) x[i] = i % 2 ? 4 : -3
    const c = 10 ** (-1 / 20)
    const [y] = limit([x], sr, -1)
    expect(Math.max(...y!.map(Math.abs))).toBeLessThanOrEqual(c)
  })

  it('brings an isolated spike exactly to the ceiling, ramps into it over the lookahead, and is aligned with its input', () => {
    const sr = 48000
    const x = sine(sr, 200, sr, 0.1)
    const at = 10000
    x[at] = 2
    const [y] = limit([x], sr, -1)
    expect(Math.abs(y![at]! - 10 ** (-1 / 20))).toBeLessThan(F32)
    const lookahead = new Limiter(sr, -1, 1).latency
    // Before the window the gain is 1; inside it falls monotonically toward the spike.
    expect(Math.abs(y![at - lookahead - 2]! - x[at - lookahead - 2]!)).toBeLessThan(F32)
    const gains = Array.from({ length: lookahead }, (_, k) => at - lookahead + k).filter((i) => Math.abs(x[i]!) > 0.01).map((i) => y![i]! / x[i]!)
    gains.forEach((g, k) => k > 0 && expect(g).toBeLessThanOrEqual(gains[k - 1]! + 1e-6))
    // 0.5 s later (10 release time constants) the gain is back to within 1e-4 of unity.
    expect(Math.abs(y![at + sr / 2]! - x[at + sr / 2]!)).toBeLessThan(1e-4 * 0.1 + F32)
  })

  it('leaves a signal under the ceiling untouched', () => {
    const x = sine(20000, 440, 44100, 0.5)
    const [y] = limit([x], 44100, -1)
    expect(y).toEqual(x)
  })

  it('links stereo: the same gain on both sides', () => {
    const sr = 44100
    const l = sine(sr, 300, sr, 1.5), r = sine(sr, 300, sr, 0.2)
    const [yl, yr] = limit([l, r], sr, -3)
    for (let i = 50; i < sr; i += 101) if (Math.abs(l[i]!) > 0.1) expect(Math.abs(yl![i]! / l[i]! - yr![i]! / r[i]!)).toBeLessThan(1e-5)
  })
})

/** Our detector against the reference meter (dB): the same interpolator, in float64 here and float32 there. */
const TP = 1e-4

/** Signals whose true peak lies between samples: speech-like bursts, noise, sines near fs/4, clipped squares. */
function peakySignals(sr: number): [string, Float32Array[]][] {
  const n = sr
  const burst = noise(n, 3, 0.9).map((v, i) => (Math.sin((Math.PI * i) / (0.2 * sr)) > 0 ? v * Math.sin((Math.PI * i) / (0.2 * sr)) : 0))
  const square = Float32Array.from({ length: n }, (_, i) => Math.max(-0.7, Math.min(0.7, 5 * Math.sin((2 * Math.PI * 1001 * i) / sr))))
  return [
    ['speech-like bursts', [burst]],
    ['noise', [noise(n, 4, 0.95)]],
    ['sine at fs/4 - 5 Hz', [Float32Array.from({ length: n }, (_, i) => 0.8 * Math.sin((2 * Math.PI * (sr / 4 - 5) * i) / sr + 0.4))]],
    ['sine at fs/4 + 11 Hz, stereo', [sine(n, sr / 4 + 11, sr, 0.6), Float32Array.from({ length: n }, (_, i) => 0.9 * Math.cos((2 * Math.PI * (sr / 4 + 11) * i) / sr))]],
    ['clipped square', [square]],
    ['clipped square at the very start', [square.subarray(3)]]
  ]
}

describe('true-peak detector (4x polyphase, BS.1770-4 Annex 2 style)', () => {
  it('agrees with the reference meter on signals with inter-sample peaks, at 44.1 and 22.05 kHz', async () => {
    const meter = await loudnessMeter()
    for (const sr of [44100, 22050]) {
      for (const [name, x] of peakySignals(sr)) {
        const own = truePeak(x, sr), ref = meter.truePeak(x, sr)
        expect(Math.abs(own - ref), `${name} at ${sr}`).toBeLessThan(TP)
        expect(own, name).toBeGreaterThanOrEqual(20 * Math.log10(Math.max(...x.map((c) => Math.max(...c.map(Math.abs))))))
      }
    }
  })

  it('finds the peak of a sine at fs/4 sampled 45 degrees off its crests: 3 dB above every sample', () => {
    const x = Float32Array.from({ length: 44100 }, (_, i) => 0.5 * Math.sin((Math.PI * i) / 2 + Math.PI / 4))
    // fs/4 is the edge of the 49-tap interpolator's passband: it reads 0.10 dB low there, as the meter does.
    expect(Math.abs(truePeak([x], 44100) - 20 * Math.log10(0.5))).toBeLessThan(0.15)
    expect(truePeak([x], 44100) - 20 * Math.log10(Math.max(...x))).toBeGreaterThan(2.85)
  })

  it('gives -Infinity for silence, and the envelope never falls below the samples it covers', () => {
    expect(truePeak([new Float32Array(100)], 44100)).toBe(-Infinity)
    const x = noise(5000, 7, 0.9)
    const { peaks, reach } = peakEnvelope([x], 44100, 0.5)
    expect(reach).toBe(6)
    x.forEach((v, i) => expect(peaks[i]!).toBeGreaterThanOrEqual(Math.abs(v)))
  })
})

describe('true-peak limiting (limit with the detector\'s envelope)', () => {
  it('keeps the meter\'s true peak at the ceiling where the sample-peak limiter lets inter-sample peaks through', async () => {
    const meter = await loudnessMeter()
    const sr = 44100
    for (const [name, x] of peakySignals(sr)) {
      for (const push of [3, 12]) {
        const ceiling = -1
        const gain = 10 ** ((ceiling + push - truePeak(x, sr)) / 20)
        const env = peakEnvelope(x, sr, 10 ** (ceiling / 20) / gain)
        const y = limit(x, sr, ceiling, gain, env)
        expect(meter.truePeak(y, sr), `${name} +${push} dB`).toBeLessThanOrEqual(ceiling + 0.05)
        expect(y.every((c) => c.every((v) => Number.isFinite(v) && Math.abs(v) <= 10 ** (ceiling / 20)))).toBe(true)
      }
    }
  })
})
