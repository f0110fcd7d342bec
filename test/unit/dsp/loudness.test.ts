import { describe, expect, it } from 'vitest'
import { loudnessMeter } from '../../../src-main/dsp/loudness'

/** EBU Tech 3341 case 1 style: a 1 kHz sine at -23 dBFS reads -23 LUFS (+/- 0.1 LU); a -6 dBFS 997 Hz sine, -9.03 LUFS. */
const TOL_LU = 0.1

function sine(freq: number, amplitude: number, seconds: number, sr: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * sr))
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / sr)
  return x
}

describe('loudnessMeter (BS.1770 via ebur128-wasm)', () => {
  it('reads a 1 kHz sine at -23 dBFS per channel as -23 LUFS in stereo (EBU Tech 3341 case 1)', async () => {
    const m = await loudnessMeter()
    const x = sine(1000, 10 ** (-23 / 20), 20, 48000)
    expect(m.integrated([x, x], 48000)).toBeCloseTo(-23, 1)
  })
  it('reads a -6 dBFS 997 Hz mono sine as -9.03 LUFS and its true peak as -6 dBTP', async () => {
    const m = await loudnessMeter()
    const x = sine(997, 0.5, 5, 48000)
    expect(Math.abs(m.integrated([x], 48000) - -9.03)).toBeLessThan(TOL_LU)
    expect(m.truePeak([x], 48000)).toBeCloseTo(-6.02, 1)
  })
  it('finds an inter-sample peak above the sample peak (fs/4 sine at 45 degrees)', async () => {
    const m = await loudnessMeter()
    const sr = 48000
    const x = new Float32Array(sr)
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((Math.PI / 2) * i + Math.PI / 4)
    // Samples sit at +/-0.354; the waveform between them reaches 0.5 (-6 dBTP), 3 dB above.
    expect(m.truePeak([x], sr)).toBeGreaterThan(20 * Math.log10(0.354) + 2.5)
  })
  it('reports silence as -Infinity, and refuses a bad rate in one line', async () => {
    const m = await loudnessMeter()
    expect(m.integrated([new Float32Array(48000)], 48000)).toBe(-Infinity)
    expect(() => m.integrated([new Float32Array(10)], 0)).toThrow(/loudness: sample rate 0 Hz/)
  })
})
