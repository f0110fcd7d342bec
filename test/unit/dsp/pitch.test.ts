import { describe, expect, it } from 'vitest'
import { medianF0, pitchTrack, voiceFrame } from '../../../src-main/dsp/pitch'
import { voicedShare } from '../../../src-main/engine/style/match/voice'
import { noise, sine } from './signals'

/** A buzz (harmonics 1..6 of f0, falling 1/k) for `seconds` at `rate`, with `gap` seconds of silence after each half second. */
function buzz(f0: number, rate: number, seconds: number, gap = 0): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate))
  for (let i = 0; i < x.length; i++) {
    const t = i / rate
    if (gap > 0 && t % (0.5 + gap) >= 0.5) continue
    for (let k = 1; k <= 6; k++) x[i]! += (0.3 / k) * Math.sin(2 * Math.PI * k * f0 * t)
  }
  return x
}

describe('pitch (McLeod, via pitchy)', () => {
  it('frames hold two periods of 60 Hz', () => {
    expect(voiceFrame(8000)).toBe(512)
    expect(voiceFrame(16000)).toBe(1024)
    expect(voiceFrame(44100)).toBe(2048)
  })

  it('finds the fundamental of a harmonic buzz, at 8 and 16 kHz', () => {
    for (const rate of [8000, 16000]) {
      for (const f0 of [100, 210]) {
        const m = medianF0(buzz(f0, rate, 1), rate)
        expect(Math.abs(m.f0 - f0)).toBeLessThan(f0 * 0.02)
        expect(m.voicedShare).toBeGreaterThan(0.9)
      }
    }
  })

  it('counts only active frames: silence between notes does not lower the voiced share', () => {
    const m = medianF0(buzz(150, 16000, 3, 0.5), 16000)
    expect(Math.abs(m.f0 - 150)).toBeLessThan(3)
    expect(m.voicedShare).toBeGreaterThan(0.7)
  })

  it('white noise has no voice; a clip shorter than a frame has no frames', () => {
    const m = medianF0(noise(16000, 4), 16000)
    expect(m.voicedShare).toBeLessThan(0.2)
    expect(medianF0(sine(100, 200, 8000), 8000)).toEqual({ f0: Number.NaN, voicedShare: 0, frames: 0 })
    expect(pitchTrack(new Float32Array(10), 8000, 512)).toEqual([])
  })

  it('the match method voice check keeps its meaning (speech-like buzz voiced, noise not)', () => {
    expect(voicedShare(buzz(120, 22050, 2), 22050)).toBeGreaterThan(0.9)
    expect(voicedShare(noise(44100, 2), 22050)).toBeLessThan(0.1)
  })
})
