import { activeFrames, isVoiced, pitchTrack } from '../../../dsp/pitch'
import type { Hz } from '../../../util/units'

/** Frames of 2048 samples every 1024 for the pitch check (93 ms / 46 ms at 22.05 kHz: two periods of a 60 Hz voice). */
const FRAME = 2048
/** Below this share of pitched active frames a clip is taken as having no voice. */
export const MIN_VOICED_SHARE = 0.1

/**
 * Share of a clip's active frames (within 40 dB of its loudest) that carry a pitch in the voice
 * range, by the McLeod pitch method (dsp/pitch.ts). Speech scores 0.3-0.7 (unvoiced consonants and
 * pauses are the rest); drums, noise and room tone score near 0. Pitched instruments score high
 * too: this tells a voice from no voice, not a voice from a violin.
 */
export function voicedShare(x: Float32Array, sampleRate: Hz): number {
  const active = activeFrames(pitchTrack(x, sampleRate, FRAME))
  return active.length === 0 ? 0 : active.filter(isVoiced).length / active.length
}

/** Runs of at least 3 consecutive samples at or beyond 0.999 of full scale: where a recorder clipped. */
export function clippedRuns(x: Float32Array): number {
  let runs = 0
  let run = 0
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]!) >= 0.999) run++
    else {
      if (run >= 3) runs++
      run = 0
    }
  }
  return run >= 3 ? runs + 1 : runs
}
