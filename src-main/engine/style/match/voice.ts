import { PitchDetector } from 'pitchy'
import type { Hz } from '../../../util/units'

/** Frames of 2048 samples every 1024 for the pitch check (93 ms / 46 ms at 22.05 kHz: two periods of a 60 Hz voice). */
const FRAME = 2048
/** McLeod pitch method clarity above which a frame counts as pitched (pitchy's own default is 0.9 for tuners). */
const CLARITY = 0.8
/** Fundamental range of speaking and singing voices. */
const F0_RANGE: [Hz, Hz] = [60, 500]
/** Below this share of pitched active frames a clip is taken as having no voice. */
export const MIN_VOICED_SHARE = 0.1

/**
 * Share of a clip's active frames (within 40 dB of its loudest) that carry a pitch in the voice
 * range, by the McLeod pitch method (McLeod & Wyvill 2005, via the `pitchy` package). Speech scores
 * 0.3-0.7 (unvoiced consonants and pauses are the rest); drums, noise and room tone score near 0.
 * Pitched instruments score high too: this tells a voice from no voice, not a voice from a violin.
 */
export function voicedShare(x: Float32Array, sampleRate: Hz): number {
  if (x.length < FRAME) return 0
  const detector = PitchDetector.forFloat32Array(FRAME)
  detector.minVolumeDecibels = -200
  const hop = FRAME / 2
  const energies: number[] = []
  for (let at = 0; at + FRAME <= x.length; at += hop) {
    let e = 0
    for (let i = at; i < at + FRAME; i++) e += x[i]! * x[i]!
    energies.push(10 * Math.log10(e / FRAME + 1e-20))
  }
  const loudest = Math.max(...energies)
  let active = 0
  let voiced = 0
  energies.forEach((db, k) => {
    if (db < loudest - 40) return
    active++
    const [f0, clarity] = detector.findPitch(x.subarray(k * hop, k * hop + FRAME), sampleRate)
    if (clarity >= CLARITY && f0 >= F0_RANGE[0] && f0 <= F0_RANGE[1]) voiced++
  })
  return active === 0 ? 0 : voiced / active
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
