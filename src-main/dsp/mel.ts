import type { Hz } from '../util/units'
import { UserError } from '../util/errors'
import { assertPowerOfTwo } from './fft'
import { createStftPlan } from './stft-plan'
import { assertIntegerIn, assertPositive } from './validate'

/** What a mel filterbank is built from; fMin defaults to 0, fMax to the Nyquist frequency. */
export interface MelParams {
  sampleRate: Hz
  nFft: number
  nMels: number
  fMin?: Hz
  fMax?: Hz
}

/** Log-mel analysis settings: the filterbank plus the STFT hop. */
export interface LogMelParams extends MelParams {
  hop: number
}

/** Log-mel frames, frame-major: band m of frame t at index t * nMels + m. */
export interface LogMel {
  data: Float32Array
  frames: number
  nMels: number
}

/**
 * Floor added to the mel power before the natural log: -100 dB below a full-scale sine's power,
 * so digital silence maps to a finite value (ln 1e-10 = -23.03) instead of -Infinity.
 */
export const LOG_MEL_FLOOR = 1e-10

// Slaney's Auditory Toolbox mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
const F_SP = 200 / 3
const MIN_LOG_HZ = 1000
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP
const LOGSTEP = Math.log(6.4) / 27

/** Hz to Slaney mel. */
export function hzToMel(f: Hz): number {
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOGSTEP : f / F_SP
}

/** Slaney mel to Hz. */
export function melToHz(m: number): Hz {
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m
}

/**
 * Mel filterbank [nMels x (nFft/2 + 1)], row-major: triangles on the Slaney mel scale, each scaled
 * to unit area in Hz (Slaney normalisation), as librosa.filters.mel(htk=False, norm='slaney').
 */
export function melFilterbank(p: MelParams): Float32Array {
  return Float32Array.from(filterbank64(p))
}

/** The same filterbank in double precision (what logMel multiplies by). */
function filterbank64(p: MelParams): Float64Array {
  const { sampleRate: sr, nFft, nMels } = p
  assertPositive(sr, 'sample rate')
  assertPowerOfTwo(nFft, 'nFft')
  assertIntegerIn(nMels, 1, nFft / 2 + 1, 'nMels')
  const fMin = p.fMin ?? 0
  const fMax = p.fMax ?? sr / 2
  if (!(fMin >= 0 && fMax > fMin && fMax <= sr / 2)) {
    throw new UserError(`mel range ${fMin}..${fMax} Hz is not within 0..${sr / 2} Hz (Nyquist) with fMin < fMax`)
  }
  const bins = nFft / 2 + 1
  // Band edges: nMels + 2 points evenly spaced in mel between fMin and fMax.
  const lo = hzToMel(fMin)
  const hi = hzToMel(fMax)
  const edges = new Float64Array(nMels + 2)
  for (let i = 0; i < nMels + 2; i++) edges[i] = melToHz(lo + ((hi - lo) * i) / (nMels + 1))
  const w = new Float64Array(nMels * bins)
  for (let m = 0; m < nMels; m++) {
    const left = edges[m]!
    const centre = edges[m + 1]!
    const right = edges[m + 2]!
    const norm = 2 / (right - left)
    for (let k = 0; k < bins; k++) {
      const f = (k * sr) / nFft
      const rising = (f - left) / (centre - left)
      const falling = (right - f) / (right - centre)
      const v = Math.min(rising, falling)
      if (v > 0) w[m * bins + k] = v * norm
    }
  }
  return w
}

/**
 * Log-mel spectrogram: power |X|^2 of the centred Hann STFT, through the Slaney filterbank,
 * then ln(LOG_MEL_FLOOR + .) (natural log; multiply by 10 / ln 10 for dB).
 */
export function logMel(x: Float32Array, p: LogMelParams): LogMel {
  const { data, frames } = logMel64(x, p)
  return { data: Float32Array.from(data), frames, nMels: p.nMels }
}

/** logMel kept in double precision, for statistics (covariances) that float32 would blur. */
export function logMel64(x: Float32Array, p: LogMelParams): { data: Float64Array; frames: number; nMels: number } {
  const fb = filterbank64(p)
  const plan = createStftPlan({ nFft: p.nFft, hop: p.hop })
  const s = plan.forward(x)
  const { frames, bins } = s
  const nMels = p.nMels
  const ranges = rowRanges(fb, nMels, bins)
  const power = new Float64Array(bins)
  const out = new Float64Array(frames * nMels)
  for (let t = 0; t < frames; t++) {
    const base = t * bins
    for (let k = 0; k < bins; k++) {
      const re = s.re[base + k]!
      const im = s.im[base + k]!
      power[k] = re * re + im * im
    }
    for (let m = 0; m < nMels; m++) {
      let sum = 0
      const row = m * bins
      for (let k = ranges[2 * m]!; k < ranges[2 * m + 1]!; k++) sum += fb[row + k]! * power[k]!
      out[t * nMels + m] = Math.log(LOG_MEL_FLOOR + sum)
    }
  }
  return { data: out, frames, nMels }
}

/** [first, last + 1) non-zero bin of each filterbank row, so each band sums only its triangle. */
function rowRanges(fb: Float64Array, nMels: number, bins: number): Int32Array {
  const r = new Int32Array(2 * nMels)
  for (let m = 0; m < nMels; m++) {
    let first = bins
    let last = -1
    for (let k = 0; k < bins; k++) {
      if (fb[m * bins + k]! !== 0) {
        first = Math.min(first, k)
        last = k
      }
    }
    r[2 * m] = first
    r[2 * m + 1] = last + 1
  }
  return r
}
