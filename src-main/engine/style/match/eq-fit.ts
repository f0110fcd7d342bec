import type { EqStage } from '../../effects/chain'
import { eqMagnitudeDb, HIGHPASS_OFF, LOWPASS_OFF } from '../../effects/eq'
import type { Hz } from '../../../util/units'
import { minimiseInBox } from './minimise'

/**
 * Fits the EQ stage to a target magnitude curve (dB at third-octave centres, defined up to a
 * constant: the output loudness stage sets the level). The curve is what the style's long-term
 * spectrum asks of the content's; the fit is a parametric EQ a producer can read and edit, not a
 * free-form FIR: 24 dB/oct high- and low-pass, two shelves and six peaking bands at octave-spaced
 * home centres (each free to move half an octave).
 *
 * Least squares on the dB curve (weighted: below 150 Hz, where a voice's pitch and not the
 * processing shapes the long-term spectrum, counts a third), by Nelder-Mead in three passes
 * (corners and shelves, then band gains, then everything), with a small penalty on gain so that a
 * flat target gives a flat EQ.
 */
export interface EqFit {
  eq: EqStage
  /** Weighted RMS error of the fitted curve against the target (dB, after the best constant offset). */
  rmsErrorDb: number
  evaluations: number
}

const HOME_CENTRES = [200, 400, 800, 1600, 3200, 6400]
const BAND_GAIN = 15
const SHELF_GAIN = 18
/**
 * Ridge on gains (per dB^2). The target carries a voice's leftover formant detail (about 3 dB RMS on
 * the known-answer set) that no chain put there: a peaking band must earn its gain against it
 * (6 dB of band gain costs as much as 1.7 dB RMS of curve error), shelves less so.
 */
const BAND_PENALTY = 0.08
const SHELF_PENALTY = 0.01

const logMap = (u: number, lo: number, hi: number): number => lo * (hi / lo) ** u
const logUnmap = (v: number, lo: number, hi: number): number => Math.log(v / lo) / Math.log(hi / lo)
const linMap = (u: number, lo: number, hi: number): number => lo + (hi - lo) * u

/** Unit-box vector -> EQ stage. Layout: hp, lp, lsGain, lsFreq, hsGain, hsFreq, then per band gain, freq, q. */
function decode(u: number[], topHz: Hz): EqStage {
  const lpTop = Math.min(12_000, topHz)
  return {
    amount: 1,
    // The ends of the corner ranges mean off, so "no band-limiting" is a reachable answer.
    highpass: u[0]! < 0.02 ? 20 : logMap(u[0]!, 25, 1000),
    lowpass: u[1]! > 0.98 ? 20_000 : logMap(u[1]!, 1500, lpTop),
    lowShelf: { gain: linMap(u[2]!, -SHELF_GAIN, SHELF_GAIN), freq: logMap(u[3]!, 80, 400) },
    highShelf: { gain: linMap(u[4]!, -SHELF_GAIN, SHELF_GAIN), freq: logMap(u[5]!, 2000, Math.min(8000, 0.4 * topHz * 2)) },
    bands: HOME_CENTRES.map((c, k) => ({
      gain: linMap(u[6 + 3 * k]!, -BAND_GAIN, BAND_GAIN),
      freq: c * 2 ** linMap(u[7 + 3 * k]!, -0.5, 0.5),
      q: logMap(u[8 + 3 * k]!, 0.5, 4)
    }))
  }
}

/** The neutral EQ's box coordinates (corners off, gains 0, bands at home with Q 1.4). */
function neutralStart(): number[] {
  const u = [0, 1, 0.5, logUnmap(150, 80, 400), 0.5, 0.5]
  for (let k = 0; k < HOME_CENTRES.length; k++) u.push(0.5, 0.5, logUnmap(1.4, 0.5, 4))
  return u
}

/**
 * Fits `target` (dB at `freqs`, Hz) with the EQ above, for audio at `sampleRate`.
 * `maxEvaluations` bounds the work (each evaluation is one curve: microseconds); `heard` marks the
 * bands both clips have signal in (default all).
 */
export function fitEq(freqs: Float64Array, target: Float64Array, sampleRate: Hz, maxEvaluations = 4000, heard?: ArrayLike<boolean>): EqFit {
  const topHz = 0.45 * sampleRate
  // Bands not `heard` (no signal there in one of the clips: a 16 kHz file has nothing above 8 kHz)
  // say nothing about the processing and get no weight.
  const weights = Float64Array.from(freqs, (f, i) => (heard !== undefined && !heard[i] ? 0 : f < 150 ? 1 / 3 : 1))
  const wSum = weights.reduce((a, b) => a + b, 0)
  /** Weighted mean square of (response - target) after the best constant offset. */
  const curveError = (eq: EqStage): number => {
    const r = eqMagnitudeDb(eq, freqs, sampleRate)
    let mean = 0
    for (let i = 0; i < r.length; i++) mean += weights[i]! * (r[i]! - target[i]!)
    mean /= wSum
    let e = 0
    for (let i = 0; i < r.length; i++) e += weights[i]! * (r[i]! - target[i]! - mean) ** 2
    return e / wSum
  }
  const cost = (eq: EqStage): number => {
    let g = 0
    for (const b of eq.bands) g += b.gain ** 2
    return curveError(eq) + BAND_PENALTY * g + SHELF_PENALTY * (eq.lowShelf.gain ** 2 + eq.highShelf.gain ** 2)
  }
  let u = neutralStart()
  let evaluations = 0
  // Pass 1: corners and shelves (the coarse shape); pass 2: band gains; pass 3: everything.
  const passes: { dims: number[]; share: number }[] = [
    { dims: [0, 1, 2, 3, 4, 5], share: 0.25 },
    { dims: HOME_CENTRES.map((_, k) => 6 + 3 * k), share: 0.2 },
    { dims: u.map((_, i) => i), share: 0.55 }
  ]
  for (const pass of passes) {
    const base = u.slice()
    const m = minimiseInBox(
      (sub) => {
        const full = base.slice()
        pass.dims.forEach((d, j) => (full[d] = sub[j]!))
        return cost(decode(full, topHz))
      },
      pass.dims.map((d) => base[d]!),
      { step: 0.15, maxEvaluations: Math.round(maxEvaluations * pass.share) }
    )
    pass.dims.forEach((d, j) => (u[d] = m.x[j]!))
    evaluations += m.evaluations
  }
  const eq = decode(u, topHz)
  return { eq: roundEq(eq), rmsErrorDb: Math.sqrt(curveError(eq)), evaluations }
}

/** Rounds to what a knob shows (0.1 dB, 1 Hz, 0.01 Q): the preset reads as a producer would write it. */
function roundEq(eq: EqStage): EqStage {
  const r = (v: number, step: number): number => Number((Math.round(v / step) * step).toFixed(2))
  return {
    amount: 1,
    highpass: Math.round(eq.highpass),
    lowpass: Math.round(eq.lowpass),
    lowShelf: { freq: Math.round(eq.lowShelf.freq), gain: r(eq.lowShelf.gain, 0.1) },
    highShelf: { freq: Math.round(eq.highShelf.freq), gain: r(eq.highShelf.gain, 0.1) },
    bands: eq.bands.map((b) => ({ freq: Math.round(b.freq), gain: r(b.gain, 0.1), q: r(b.q, 0.01) }))
  }
}

/** The frequencies a fit could judge: where the material it was fitted on has signal (Hz; 0 and Infinity when unbounded). */
export interface MaterialBand {
  low: Hz
  high: Hz
}

/**
 * Switches off what an EQ fit set where the material had no signal, so it had no evidence for it: a
 * low-pass at or above `band.high` (the band limit: a 16 kHz file's 8 kHz), a high-pass at or below
 * `band.low`, and shelves and peaking bands centred outside the band. Such a setting cost the fit
 * nothing, and would dull (or thin) a full-band take the chain is later applied to. Returns the EQ
 * and one note naming what was switched off, or none.
 */
export function offOutsideBand(eq: EqStage, band: MaterialBand): { eq: EqStage; note?: string } {
  const off: string[] = []
  const out: EqStage = { ...eq, lowShelf: { ...eq.lowShelf }, highShelf: { ...eq.highShelf }, bands: eq.bands.map((b) => ({ ...b })) }
  const outside = (f: Hz): boolean => f >= band.high || f <= band.low
  if (eq.highpass > HIGHPASS_OFF && eq.highpass <= band.low) {
    off.push(`high-pass at ${eq.highpass} Hz`)
    out.highpass = HIGHPASS_OFF
  }
  if (out.lowShelf.gain !== 0 && outside(out.lowShelf.freq)) {
    off.push(`low shelf at ${out.lowShelf.freq} Hz (${signed(out.lowShelf.gain)} dB)`)
    out.lowShelf.gain = 0
  }
  for (const b of out.bands) {
    if (b.gain !== 0 && outside(b.freq)) {
      off.push(`band at ${b.freq} Hz (${signed(b.gain)} dB)`)
      b.gain = 0
    }
  }
  if (out.highShelf.gain !== 0 && outside(out.highShelf.freq)) {
    off.push(`high shelf at ${out.highShelf.freq} Hz (${signed(out.highShelf.gain)} dB)`)
    out.highShelf.gain = 0
  }
  if (eq.lowpass < LOWPASS_OFF && eq.lowpass >= band.high) {
    off.push(`low-pass at ${eq.lowpass} Hz`)
    out.lowpass = LOWPASS_OFF
  }
  if (off.length === 0) return { eq }
  const where = [band.low > 0 ? `below ${Math.round(band.low)} Hz` : '', Number.isFinite(band.high) ? `above ${Math.round(band.high)} Hz` : ''].filter((s) => s !== '').join(' and ')
  return { eq: out, note: `eq: switched off ${off.join(', ')}: the material it was fitted on has no signal ${where}, so nothing there to judge it by` }
}

function signed(v: number): string {
  return v > 0 ? `+${v}` : String(v)
}
