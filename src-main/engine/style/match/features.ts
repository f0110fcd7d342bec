import { quantile } from '../../../dsp/quantile'
import { createStftPlan, type StftPlan } from '../../../dsp/stft'
import type { Hz } from '../../../util/units'

/**
 * What the match method compares between the processed content and the style: statistics that an
 * effect chain moves a lot and a change of speaker or words moves little.
 *
 * - `ltas`: the long-term average spectrum in third-octave bands (dB, active frames only). EQ,
 *   band-limiting and saturation show here; a voice's own long-term spectrum varies by a few dB
 *   between speakers above the pitch region (Byrne et al. 1994, "An international comparison of
 *   long-term average speech spectra"), far less than a telephone band or a shelf.
 * - `decay`: per band group, the mean lowest level reached 23, 46, 93 and 186 ms after the clip's sharpest offsets
 *   (word ends), in dB relative to the offset frame. Dry speech falls 30-40 dB within 100 ms; a room
 *   holds a tail that falls at 60 dB per RT60 (the free-decay idea of blind RT60 estimators,
 *   Lollmann et al. 2010, read as an average decay curve).
 * - `floor`: how far the quiet frames sit below the loud ones per band group (reverb and
 *   compression fill the gaps between words).
 * - `levels`: quantiles of short-term level over active frames, relative to the loud ones
 *   (compression narrows them).
 * - `crest`: the 99.95th-percentile |x| over RMS in dB (compression and clipping lower it).
 * - `flatness`: Wiener entropy of active frames over the voice band (distortion and reverb fill the
 *   valleys between harmonics). Measured and kept with the dry voices, but not compared by the fit:
 *   between voices it varies as much as a chain moves it.
 */
export interface MatchFeatures {
  ltas: Float64Array
  decay: Float64Array
  floor: Float64Array
  levels: Float64Array
  crest: number
  flatness: number
}

/** Analysis geometry: 1024-sample frames every 256 (46 ms / 11.6 ms at 22.05 kHz). */
export const FEATURE_STFT = { nFft: 1024, hop: 256 } as const

/** Third-octave band centres from 50 Hz up to 0.45 of the rate (the top band stays below Nyquist). */
export function bandCentres(sampleRate: Hz): Float64Array {
  const out: number[] = []
  for (let k = 0; ; k++) {
    const f = 50 * 2 ** (k / 3)
    if (f * 2 ** (1 / 6) > 0.45 * sampleRate) break
    out.push(f)
  }
  return Float64Array.from(out)
}

/** Band groups (low edge, high edge in Hz) whose level trajectories carry decay and floor. */
const GROUPS: [number, number][] = [
  [100, 500],
  [500, 1500],
  [1500, 4000],
  [4000, 9000]
]
/** Short-term level quantiles (of active frames, relative to their 95th percentile). */
const LEVEL_QUANTILES = [0.1, 0.3, 0.5, 0.7]
/** Frames more than this far below the loudest frame are pauses, not voice. */
const ACTIVE_RANGE_DB = 40
/** Hops after an offset at which the decay curve is read: 23, 46, 93 and 186 ms at 22.05 kHz. */
const DECAY_LAGS = [2, 4, 8, 16]
/** Offsets are the frames (within 25 dB of the loud ones) whose level falls most over the next 6 hops: this share of them. */
const OFFSET_SHARE = 0.1

/** Precomputed analysis for one sample rate: the STFT plan and each band's bin range. */
export interface FeaturePlan {
  sampleRate: Hz
  stft: StftPlan
  centres: Float64Array
  /** Per third-octave band: first and one-past-last STFT bin. */
  bandBins: Int32Array
  /** Per group: first and one-past-last bin, or -1 when the group lies above the rate's range. */
  groupBins: Int32Array
  /** Voice band for flatness: 300 Hz to 4 kHz. */
  voiceBins: [number, number]
}

/** Builds the analysis plan for `sampleRate` (16 kHz or more). */
export function featurePlan(sampleRate: Hz): FeaturePlan {
  const stft = createStftPlan({ ...FEATURE_STFT, center: true })
  const binHz = sampleRate / FEATURE_STFT.nFft
  const toBin = (f: number): number => Math.min(stft.bins, Math.max(1, Math.round(f / binHz)))
  const centres = bandCentres(sampleRate)
  const bandBins = new Int32Array(centres.length * 2)
  centres.forEach((c, i) => {
    const lo = toBin(c * 2 ** (-1 / 6))
    bandBins[2 * i] = lo
    bandBins[2 * i + 1] = Math.max(lo + 1, toBin(c * 2 ** (1 / 6)))
  })
  const groupBins = new Int32Array(GROUPS.length * 2)
  GROUPS.forEach(([lo, hi], g) => {
    const usable = hi <= 0.47 * sampleRate
    groupBins[2 * g] = usable ? toBin(lo) : -1
    groupBins[2 * g + 1] = usable ? toBin(hi) : -1
  })
  return { sampleRate, stft, centres, bandBins, groupBins, voiceBins: [toBin(300), toBin(4000)] }
}

/** Features of `x` (mono, at the plan's rate, at least one frame long). */
export function matchFeatures(x: Float32Array, plan: FeaturePlan): MatchFeatures {
  const spec = plan.stft.forward(x)
  const { frames, bins } = spec
  const power = new Float64Array(frames * bins)
  const frameEnergy = new Float64Array(frames)
  for (let t = 0; t < frames; t++) {
    let e = 0
    for (let f = 0; f < bins; f++) {
      const i = t * bins + f
      const p = spec.re[i]! * spec.re[i]! + spec.im[i]! * spec.im[i]!
      power[i] = p
      e += p
    }
    frameEnergy[t] = e
  }
  const frameDb = Float64Array.from(frameEnergy, (e) => 10 * Math.log10(e + 1e-20))
  const loudest = quantile(frameDb, 0.99)
  const active: number[] = []
  for (let t = 0; t < frames; t++) if (frameDb[t]! > loudest - ACTIVE_RANGE_DB) active.push(t)
  const nb = plan.centres.length
  const ltas = new Float64Array(nb)
  for (let b = 0; b < nb; b++) {
    const lo = plan.bandBins[2 * b]!
    const hi = plan.bandBins[2 * b + 1]!
    let s = 0
    for (const t of active) for (let f = lo; f < hi; f++) s += power[t * bins + f]!
    ltas[b] = 10 * Math.log10(s / (active.length * (hi - lo)) + 1e-20)
  }
  const ng = GROUPS.length
  const decay = new Float64Array(ng * DECAY_LAGS.length)
  const floor = new Float64Array(ng)
  for (let g = 0; g < ng; g++) {
    const lo = plan.groupBins[2 * g]!
    const hi = plan.groupBins[2 * g + 1]!
    if (lo < 0) continue
    const level = new Float64Array(frames)
    for (let t = 0; t < frames; t++) {
      let s = 0
      for (let f = lo; f < hi; f++) s += power[t * bins + f]!
      level[t] = 10 * Math.log10(s + 1e-20)
    }
    const top = quantile(level, 0.95)
    decay.set(offsetCurve(level, top), g * DECAY_LAGS.length)
    const activeLevels = Float64Array.from(active, (t) => level[t]!)
    floor[g] = quantile(activeLevels, 0.1) - quantile(activeLevels, 0.95)
  }
  const activeDb = Float64Array.from(active, (t) => frameDb[t]!)
  const ref = quantile(activeDb, 0.95)
  const levels = Float64Array.from(LEVEL_QUANTILES, (q) => quantile(activeDb, q) - ref)
  let flat = 0
  const [v0, v1] = plan.voiceBins
  for (const t of active) {
    let logSum = 0
    let sum = 0
    for (let f = v0; f < v1; f++) {
      const p = power[t * bins + f]! + 1e-20
      logSum += Math.log(p)
      sum += p
    }
    flat += Math.exp(logSum / (v1 - v0)) / (sum / (v1 - v0))
  }
  return { ltas, decay, floor, levels, crest: crestDb(x), flatness: flat / Math.max(1, active.length) }
}

/**
 * Peak over RMS in dB, the peak being the 99th percentile of 256-sample block peaks, so one stray
 * sample does not decide (and the statistic costs one pass, not a sort of every sample).
 */
function crestDb(x: Float32Array): number {
  const block = 256
  const peaks = new Float64Array(Math.ceil(x.length / block))
  let e = 0
  for (let b = 0; b < peaks.length; b++) {
    let m = 0
    const end = Math.min(x.length, (b + 1) * block)
    for (let i = b * block; i < end; i++) {
      const v = x[i]!
      e += v * v
      const a = v < 0 ? -v : v
      if (a > m) m = a
    }
    peaks[b] = m
  }
  const rms = Math.sqrt(e / Math.max(1, x.length))
  return 20 * Math.log10((quantile(peaks, 0.99) + 1e-12) / (rms + 1e-12))
}

/**
 * Mean decay curve after the sharpest offsets of one band level trajectory (dB per frame): level at
 * each DECAY_LAGS hop minus the level at the offset, averaged over the OFFSET_SHARE of candidate
 * frames that fall most over the next 6 hops (each event read as its running minimum). Zeros when the clip has no offset to read.
 */
function offsetCurve(level: Float64Array, top: number): Float64Array {
  const maxLag = DECAY_LAGS[DECAY_LAGS.length - 1]!
  const candidates: { t: number; fall: number }[] = []
  for (let t = 0; t + maxLag < level.length; t++) {
    if (level[t]! < top - 25) continue
    candidates.push({ t, fall: level[t]! - level[t + 6]! })
  }
  const out = new Float64Array(DECAY_LAGS.length)
  if (candidates.length === 0) return out
  candidates.sort((a, b) => b.fall - a.fall)
  const events = candidates.slice(0, Math.max(1, Math.round(candidates.length * OFFSET_SHARE)))
  for (const { t } of events) {
    // The running minimum: the next syllable may start before the last lag, and must not read as a tail.
    let low = Infinity
    let lag = 0
    DECAY_LAGS.forEach((until, k) => {
      for (; lag <= until; lag++) low = Math.min(low, level[t + lag]!)
      out[k] = out[k]! + Math.max(-60, low - level[t]!) / events.length
    })
  }
  return out
}
