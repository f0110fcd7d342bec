/**
 * Frame-wise fundamental frequency. The McLeod pitch method (McLeod & Wyvill, "A Smarter Way to Find
 * Pitch", ICMC 2005), through the `pitchy` package, with each frame's level so callers can keep only
 * the active frames: the match method's voice check. YIN with a bounded lag (yinF0): the median F0
 * of a clip (medianF0), which the WaveNet speaker bench reads from generated audio.
 */
import { PitchDetector } from 'pitchy'
import type { Decibels, Hz, Samples } from '../util/units'

/** Fundamental range of speaking and singing voices. */
export const VOICE_F0_RANGE: [Hz, Hz] = [60, 500]
/** McLeod clarity above which a frame counts as pitched (pitchy's own default is 0.9, for tuners). */
export const VOICED_CLARITY = 0.8

/** One analysis frame: its start, mean-square level, and the detected F0 with its clarity (0..1). */
export interface PitchFrame {
  at: Samples
  levelDb: Decibels
  f0: Hz
  clarity: number
}

/**
 * Frames of `frame` samples every `hop` (default frame / 2), each with its level (dB of the mean
 * square) and McLeod F0 and clarity. `frame` must hold two periods of the lowest F0 sought (2048 at
 * 22.05 kHz: 60 Hz). Returns [] for a clip shorter than one frame.
 */
export function pitchTrack(x: Float32Array, sampleRate: Hz, frame: Samples, hop: Samples = frame / 2): PitchFrame[] {
  if (x.length < frame) return []
  const detector = PitchDetector.forFloat32Array(frame)
  detector.minVolumeDecibels = -200
  const frames: PitchFrame[] = []
  for (let at = 0; at + frame <= x.length; at += hop) {
    const chunk = x.subarray(at, at + frame)
    let e = 0
    for (let i = 0; i < frame; i++) e += chunk[i]! * chunk[i]!
    const [f0, clarity] = detector.findPitch(chunk, sampleRate)
    frames.push({ at, levelDb: 10 * Math.log10(e / frame + 1e-20), f0, clarity })
  }
  return frames
}

/** The frames of a track within `rangeDb` of its loudest frame. */
export function activeFrames(track: PitchFrame[], rangeDb: Decibels = 40): PitchFrame[] {
  const loudest = Math.max(...track.map((f) => f.levelDb))
  return track.filter((f) => f.levelDb >= loudest - rangeDb)
}

/** Whether a frame carries a voice-range pitch at voicing clarity. */
export const isVoiced = (f: PitchFrame): boolean => f.clarity >= VOICED_CLARITY && f.f0 >= VOICE_F0_RANGE[0] && f.f0 <= VOICE_F0_RANGE[1]

/** Power-of-two frame length holding two periods of 60 Hz at `sampleRate` (512 at 8 kHz, 1024 at 16 kHz). */
export const voiceFrame = (sampleRate: Hz): Samples => 2 ** Math.ceil(Math.log2((2 * sampleRate) / VOICE_F0_RANGE[0]))

/** YIN's absolute threshold on the cumulative mean normalised difference (the paper's 0.1-0.15). */
export const YIN_THRESHOLD = 0.15

/**
 * F0 of one frame by YIN (de Cheveigne & Kawahara, "YIN, a fundamental frequency estimator for
 * speech and music", JASA 2002): difference function over lags up to `maxLag` on a window of
 * x.length - maxLag samples, cumulative mean normalisation, the first dip below YIN_THRESHOLD
 * (else none: unvoiced), parabolic interpolation. Returns [f0, aperiodicity d'(tau)], or [NaN, 1].
 * Written here because the lag bound matters: pitchy's McLeod method searches lags up to the whole
 * frame, where a few overlapping samples give spurious clear periods on noisy (e.g. generated)
 * audio, and the npm YIN implementation (pitchfinder) is GPL-3, which our MIT licence cannot take.
 */
export function yinF0(x: Float32Array, sampleRate: Hz, minLag: number, maxLag: number): [Hz, number] {
  const w = x.length - maxLag
  if (w <= 0 || minLag < 2) throw new Error(`yinF0: a frame of ${x.length} samples cannot hold lags ${minLag}..${maxLag}`)
  const d = new Float64Array(maxLag + 2)
  for (let tau = 1; tau <= maxLag + 1 && tau < x.length - w + 1; tau++) {
    let sum = 0
    for (let j = 0; j < w; j++) {
      const delta = x[j]! - x[j + tau]!
      sum += delta * delta
    }
    d[tau] = sum
  }
  // Cumulative mean normalised difference d'(tau) = d(tau) * tau / sum_{k<=tau} d(k); d'(0) = 1.
  let running = 0
  const cmnd = new Float64Array(maxLag + 2)
  cmnd[0] = 1
  for (let tau = 1; tau <= maxLag; tau++) {
    running += d[tau]!
    cmnd[tau] = running > 0 ? (d[tau]! * tau) / running : 1
  }
  for (let tau = minLag; tau < maxLag; tau++) {
    if (cmnd[tau]! >= YIN_THRESHOLD) continue
    while (tau + 1 < maxLag && cmnd[tau + 1]! < cmnd[tau]!) tau++ // down to the dip's bottom
    const a = cmnd[tau - 1]!, b = cmnd[tau]!, c = cmnd[tau + 1]! // prettier-ignore
    const den = a - 2 * b + c
    const shift = den > 0 ? (a - c) / (2 * den) : 0
    return [sampleRate / (tau + Math.max(-0.5, Math.min(0.5, shift))), b]
  }
  return [Number.NaN, 1]
}

/**
 * Median F0 (Hz) of a clip's voiced active frames by YIN (yinF0 over VOICE_F0_RANGE; frames of
 * voiceFrame(rate) plus the longest lag, hop half a frame, active = within 40 dB of the loudest),
 * with the share of active frames that were voiced; f0 is NaN when no frame is voiced.
 */
export function medianF0(x: Float32Array, sampleRate: Hz): { f0: Hz; voicedShare: number; frames: number } {
  const minLag = Math.max(2, Math.floor(sampleRate / VOICE_F0_RANGE[1]))
  const maxLag = Math.ceil(sampleRate / VOICE_F0_RANGE[0])
  const window = voiceFrame(sampleRate)
  const frame = window + maxLag + 1
  const hop = window / 2
  const levels: Decibels[] = []
  const f0s: Hz[] = []
  for (let at = 0; at + frame <= x.length; at += hop) {
    const chunk = x.subarray(at, at + frame)
    let e = 0
    for (let i = 0; i < window; i++) e += chunk[i]! * chunk[i]!
    levels.push(10 * Math.log10(e / window + 1e-20))
    f0s.push(yinF0(chunk, sampleRate, minLag, maxLag)[0])
  }
  const loudest = Math.max(...levels)
  const active = f0s.filter((_, i) => levels[i]! >= loudest - 40)
  const voiced = active.filter((f) => f >= VOICE_F0_RANGE[0] && f <= VOICE_F0_RANGE[1]).sort((a, b) => a - b)
  const mid = voiced.length >> 1
  const f0 = voiced.length === 0 ? Number.NaN : voiced.length % 2 === 1 ? voiced[mid]! : (voiced[mid - 1]! + voiced[mid]!) / 2
  return { f0, voicedShare: active.length === 0 ? 0 : voiced.length / active.length, frames: voiced.length }
}
