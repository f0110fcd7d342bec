/**
 * Frame-wise fundamental frequency by the McLeod pitch method (McLeod & Wyvill, "A Smarter Way to
 * Find Pitch", ICMC 2005), through the `pitchy` package, with each frame's level so callers can keep
 * only the active frames. Used by the match method's voice check and by the WaveNet speaker benches
 * (median F0 of generated audio).
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

/**
 * Median F0 (Hz) of the voiced active frames of a clip (frames of voiceFrame(rate), hop half a
 * frame), with the share of active frames that were voiced; f0 is NaN when no frame is voiced.
 */
export function medianF0(x: Float32Array, sampleRate: Hz): { f0: Hz; voicedShare: number; frames: number } {
  const active = activeFrames(pitchTrack(x, sampleRate, voiceFrame(sampleRate)))
  const voiced = active.filter(isVoiced).map((f) => f.f0).sort((a, b) => a - b)
  const mid = voiced.length >> 1
  const f0 = voiced.length === 0 ? Number.NaN : voiced.length % 2 === 1 ? voiced[mid]! : (voiced[mid - 1]! + voiced[mid]!) / 2
  return { f0, voicedShare: active.length === 0 ? 0 : voiced.length / active.length, frames: voiced.length }
}
