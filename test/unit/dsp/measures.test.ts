import { describe, expect, it } from 'vitest'
import { loudnessMeter } from '../../../src-main/dsp/loudness'
import { crestFactor, signalMeasures, spectralCentroid } from '../../../src-main/dsp/measures'
import { noise, sine } from './signals'

const SR = 22050

describe('signalMeasures', () => {
  it('measures a 1 kHz sine: loudness and true peak from the meter, 3.01 dB crest, 1 kHz centroid, no decays', async () => {
    const meter = await loudnessMeter()
    const x = sine(3 * SR, 1000, SR, 0.5)
    const m = signalMeasures(x, SR, meter)
    expect(m.loudness).toBeCloseTo(meter.integrated([x], SR), 6)
    // A -6 dBFS 1 kHz sine: -9.03 LUFS (K-weighting is flat at 1 kHz), -6 dBTP.
    expect(Math.abs(m.loudness! - -9.03)).toBeLessThan(0.2)
    expect(m.truePeak!).toBeCloseTo(-6.02, 1)
    expect(m.crestFactor).toBeCloseTo(3.01, 1)
    expect(Math.abs(m.spectralCentroid - 1000)).toBeLessThan(15)
    expect(m.rt60).toBeNull()
  })
  it('reports digital silence as null loudness, peak and RT60, 0 crest and centroid', async () => {
    const m = signalMeasures(new Float32Array(SR), SR, await loudnessMeter())
    expect(m).toEqual({ loudness: null, truePeak: null, crestFactor: 0, spectralCentroid: 0, rt60: null })
  })
  it('refuses an empty or non-finite signal', async () => {
    const meter = await loudnessMeter()
    expect(() => signalMeasures(new Float32Array(0), SR, meter)).toThrow(/empty/)
    expect(() => signalMeasures(Float32Array.of(0, Number.NaN), SR, meter)).toThrow(/non-finite/)
  })
})

describe('crestFactor and spectralCentroid', () => {
  it('crest factor of a square wave is 0 dB and of a single click in silence is 10 log10(N)', () => {
    expect(crestFactor(Float32Array.from({ length: 1000 }, (_, i) => (i % 2 ? 0.5 : -0.5)))).toBeCloseTo(0, 6)
    const click = new Float32Array(1000)
    click[10] = 1
    expect(crestFactor(click)).toBeCloseTo(30, 6)
  })
  it('centroid of white noise is a quarter of the rate, and the gate leaves quiet frames out', () => {
    const x = noise(4 * SR, 11, 0.5)
    expect(Math.abs(spectralCentroid(x, SR) / (SR / 4) - 1)).toBeLessThan(0.02)
    // A loud 500 Hz tone then a -80 dB 5 kHz tone: the quiet part falls under the 60 dB gate.
    const loud = sine(SR, 500, SR, 0.5)
    const quiet = sine(SR, 5000, SR, 0.5e-4)
    const both = new Float32Array(2 * SR)
    both.set(loud)
    both.set(quiet, SR)
    expect(Math.abs(spectralCentroid(both, SR) - 500)).toBeLessThan(15)
  })
})
