import type { Hz, Seconds } from '../util/units'
import { quantileSorted } from './quantile'
import { assertFiniteSignal, assertPositive } from './validate'

/** Knobs of the blind RT60 estimate (RT60_SETTINGS holds the defaults). */
export interface Rt60Settings {
  /** Sub-frame length: the energy envelope has one value per sub-frame. */
  subFrameSeconds: Seconds
  /** A free decay spans at least this many sub-frames ... */
  minSubFrames: number
  /** ... and falls at least this far over them (dB). */
  minDropDb: number
  /** A decay goes on while each sub-frame stays within this many dB above its lowest so far (the ripple of a noise-like tail). */
  toleranceDb: number
  /** A long decay (at least this many sub-frames) counts from a smaller drop, `longDropDb` (a long reverb falls slowly). */
  longSubFrames: number
  longDropDb: number
  /** Sub-frames less than this far (dB) above the signal's noise floor end a decay (the decay has flattened into noise). */
  floorMarginDb: number
  /** Quantile of the per-decay RT60s taken as the room's (low: reverberation bounds how fast energy can fall). */
  quantile: number
  /** Fewer decays than this and the estimate is null. */
  minDecays: number
}

/**
 * Defaults, chosen on espeak speech in synthetic rooms (docs/vocal-match.md): 20 ms sub-frames (a
 * full-band speech tail's energy then ripples by 1-2 dB, which the 4 dB tolerance rides over); a
 * decay counts from 10 dB over 60 ms (a dry voice's fast fades) or 4 dB over 160 ms (a long room
 * falls only 40 dB/s at 1.5 s); the 20th percentile of the candidates; at least 3 decays.
 */
export const RT60_SETTINGS: Rt60Settings = {
  subFrameSeconds: 0.02,
  minSubFrames: 3,
  minDropDb: 10,
  toleranceDb: 4,
  longSubFrames: 8,
  longDropDb: 4,
  floorMarginDb: 10,
  quantile: 0.2,
  minDecays: 3
}

/** One detected free decay: first sub-frame, length in sub-frames, fitted slope (dB/s, negative). */
export interface FreeDecay {
  start: number
  length: number
  slope: number
}

/**
 * Blind reverberation time (RT60, seconds) of running speech (mono, finite samples), or null when
 * fewer than `minDecays` free decays are found (silence, a steady tone, noise, a very short clip).
 *
 * Free decays are detected as in Löllmann, Yilmaz, Jeub & Vary (2010), "An improved algorithm for
 * blind reverberation time estimation" (IWAENC): the signal is cut into sub-frames, and a run of
 * sub-frames whose energy keeps falling (here: never rising more than `toleranceDb` above its lowest
 * so far, since a noise-like tail ripples) is a stretch where the source has stopped and only the
 * room decays (Löllmann also asks each sub-frame's maximum and minimum to fall). Each run's
 * least-squares slope s of sub-frame energy in dB gives an RT60 candidate -60 / s. As in Wen,
 * Habets & Naylor (2008), "Blind estimation of reverberation time based on the distribution of
 * signal decay rates" (ICASSP), the room is read from the distribution of decay rates:
 * reverberation bounds how fast energy can fall while a fading source falls slower, so a low
 * quantile of the candidates is taken. (Löllmann refines each decay by a maximum-likelihood fit on
 * samples and takes the histogram peak; this keeps the regression and the quantile.) Accuracy on espeak speech convolved with exponentially decaying
 * noise, 12 rooms per RT60: -25 to +35 % at 0.8-2 s, reads 0.4-0.5 s for 0.3 s (its floor), and
 * dry speech reads 0.18-0.24 s. A mix with a strong dry part reads low (docs/vocal-match.md).
 */
export function estimateRt60(x: Float32Array, sampleRate: Hz, settings: Rt60Settings = RT60_SETTINGS): Seconds | null {
  const decays = freeDecays(x, sampleRate, settings)
  if (decays.length < settings.minDecays) return null
  const rts = decays.map((d) => -60 / d.slope).sort((a, b) => a - b)
  return quantileSorted(rts, settings.quantile)
}

/** Every free decay of `x` (see estimateRt60), in time order. */
export function freeDecays(x: Float32Array, sampleRate: Hz, settings: Rt60Settings = RT60_SETTINGS): FreeDecay[] {
  assertPositive(sampleRate, 'sample rate')
  assertFiniteSignal(x, 'signal')
  const len = Math.max(1, Math.round(settings.subFrameSeconds * sampleRate))
  const n = Math.floor(x.length / len)
  const energy = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    let e = 0
    for (let i = k * len; i < (k + 1) * len; i++) e += x[i]! * x[i]!
    // 1e-20 (-200 dB) keeps digital silence finite.
    energy[k] = 10 * Math.log10(e / len + 1e-20)
  }
  if (n < settings.minSubFrames) return []
  const floor = noiseFloor(energy) + settings.floorMarginDb
  const sub = len / sampleRate
  const out: FreeDecay[] = []
  let k = 0
  while (k < n - 1) {
    // A decay starts at a sub-frame above the floor that the next one falls below.
    if (!(energy[k]! > floor && energy[k + 1]! < energy[k]!)) {
      k++
      continue
    }
    let lowest = k
    let u = k + 1
    while (u < n && energy[u]! > floor && energy[u]! <= energy[lowest]! + settings.toleranceDb) {
      if (energy[u]! < energy[lowest]!) lowest = u
      u++
    }
    const length = lowest - k + 1
    const drop = energy[k]! - energy[lowest]!
    if ((length >= settings.minSubFrames && drop >= settings.minDropDb) || (length >= settings.longSubFrames && drop >= settings.longDropDb)) {
      out.push({ start: k, length, slope: slope(energy, k, lowest + 1) / sub })
    }
    k = Math.max(k + 1, lowest)
  }
  return out
}

/** Noise floor (dB) of sub-frame energies: their 10th percentile, but at most 80 dB below the loudest. */
function noiseFloor(energy: Float64Array): number {
  const sorted = Float64Array.from(energy).sort()
  return Math.max(quantileSorted(sorted, 0.1), sorted[sorted.length - 1]! - 80)
}

/** Least-squares slope of y[start..end) per index. */
function slope(y: Float64Array, start: number, end: number): number {
  const n = end - start
  const mx = (n - 1) / 2
  let my = 0
  for (let i = start; i < end; i++) my += y[i]!
  my /= n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * (y[start + i]! - my)
    sxx += (i - mx) ** 2
  }
  return sxy / sxx
}
