import type { EqStage } from './chain'
import type { Decibels, Hz } from '../../util/units'
import { BiquadCascade, sectionCoeffs, sectionMagnitudeDb, type Section } from './biquad'

/** Highest corner or centre frequency the EQ uses, as a share of the sample rate (bilinear warping above it). */
export const EQ_MAX_FREQ_RATIO = 0.45
/** High-pass corners at or below this are off. */
export const HIGHPASS_OFF: Hz = 20
/** Low-pass corners at or above this (or above 0.45 x the rate) are off. */
export const LOWPASS_OFF: Hz = 20_000
/** Sections in the largest EQ: two per Butterworth filter, two shelves, eight bands. */
export const EQ_MAX_SECTIONS = 14

/** Qs of the two sections of a 4th-order Butterworth: 1 / (2 cos(pi/8)) = 0.5412 and 1 / (2 cos(3 pi/8)) = 1.3066. */
const BUTTERWORTH_Q = [1 / (2 * Math.cos(Math.PI / 8)), 1 / (2 * Math.cos((3 * Math.PI) / 8))] as const

/**
 * The EQ stage as second-order sections in processing order (high-pass, low shelf, bands, high shelf,
 * low-pass), with `amount` applied: it scales every shelf and band gain in dB and moves the high- and
 * low-pass corners toward off on a log scale (a dry/wet blend of an IIR EQ would comb-filter). Neutral
 * sections are left out, so amount 0 gives no sections at all. Frequencies above 0.45 x the rate are clamped.
 *
 * Shelves and bands keep the meaning chain.ts gives them, the RBJ cookbook's ("Audio EQ Cookbook",
 * shelf slope S = 1): @thi.ng/dsp's sections are Zolzer's, which are the cookbook's with the frequency
 * scaled (see `cookbookPeak` and `cookbookShelf`), so we pass it the scaled frequency or Q.
 */
export function eqSections(eq: EqStage, sampleRate: Hz): Section[] {
  const a = eq.amount
  const top = EQ_MAX_FREQ_RATIO * sampleRate
  const sections: Section[] = []
  if (a > 0 && eq.highpass > HIGHPASS_OFF) {
    // pow(x, 0) is exactly 1, so amount 0 lands exactly on "off"; the log-scale move is (hp/20)^amount.
    const fc = Math.min(HIGHPASS_OFF * Math.pow(eq.highpass / HIGHPASS_OFF, a), top)
    for (const q of BUTTERWORTH_Q) sections.push(sectionCoeffs('hp', fc, sampleRate, q, 0))
  }
  const low = a * eq.lowShelf.gain
  if (low !== 0) sections.push(cookbookShelf('loshelf', Math.min(eq.lowShelf.freq, top), sampleRate, low))
  for (const band of eq.bands) {
    const g = a * band.gain
    if (g !== 0) sections.push(cookbookPeak(Math.min(band.freq, top), sampleRate, band.q, g))
  }
  const high = a * eq.highShelf.gain
  if (high !== 0) sections.push(cookbookShelf('hishelf', Math.min(eq.highShelf.freq, top), sampleRate, high))
  const lpOff = Math.min(LOWPASS_OFF, top)
  if (a > 0 && eq.lowpass < lpOff) {
    const fc = lpOff * Math.pow(eq.lowpass / lpOff, a)
    for (const q of BUTTERWORTH_Q) sections.push(sectionCoeffs('lp', fc, sampleRate, q, 0))
  }
  return sections
}

/**
 * The cookbook's peaking EQ from @thi.ng/dsp's (Zolzer's). The cookbook's analog prototype is
 * (s^2 + s A/Q + 1) / (s^2 + s/(A Q) + 1), A = 10^(g/40); Zolzer's boost is (s^2 + s V/Q' + 1) / (s^2 + s/Q' + 1)
 * and its cut the inverse, V = 10^(|g|/20). Both match with Q' = Q 10^(|g|/40); both pre-warp at the centre.
 */
function cookbookPeak(freq: Hz, sampleRate: Hz, q: number, gain: Decibels): Section {
  return sectionCoeffs('peak', freq, sampleRate, q * Math.pow(10, Math.abs(gain) / 40), gain)
}

/**
 * The cookbook's shelf (S = 1, gain at `freq` half the shelf's gain in dB) from @thi.ng/dsp's
 * (Zolzer's, whose `freq` is where the poles of a boost sit). In the analog domain the cookbook's low
 * shelf is Zolzer's with its corner at freq x 10^(-|g|/80) (the high shelf: x 10^(+|g|/80)); scaling
 * the pre-warped tan(pi f / sr) by that factor makes the digital filters identical too.
 */
function cookbookShelf(kind: 'loshelf' | 'hishelf', freq: Hz, sampleRate: Hz, gain: Decibels): Section {
  const factor = Math.pow(10, ((kind === 'loshelf' ? -1 : 1) * Math.abs(gain)) / 80)
  const warped = Math.atan(Math.tan((Math.PI * freq) / sampleRate) * factor) / Math.PI
  return sectionCoeffs(kind, warped * sampleRate, sampleRate, Math.SQRT1_2, gain)
}

/**
 * Exact magnitude response (dB) of the whole EQ stage, amount included, at each of `freqs` (Hz): the
 * same sections `Equalizer` runs, so a fitter can match bands to a target curve without running audio
 * and the app can draw the curve. Frequencies at or above Nyquist read the response at Nyquist.
 */
export function eqMagnitudeDb(eq: EqStage, freqs: ArrayLike<number>, sampleRate: Hz): Float64Array {
  return sectionsMagnitudeDb(eqSections(eq, sampleRate), freqs, sampleRate)
}

/** Summed magnitude (dB) of a cascade of sections at each of `freqs` (Hz). */
export function sectionsMagnitudeDb(sections: readonly Section[], freqs: ArrayLike<number>, sampleRate: Hz): Float64Array {
  const out = new Float64Array(freqs.length)
  for (let i = 0; i < freqs.length; i++) {
    const w = (2 * Math.PI * Math.min(freqs[i]!, sampleRate / 2)) / sampleRate
    let db = 0
    for (const s of sections) db += sectionMagnitudeDb(s, w)
    out[i] = db
  }
  return out
}

/** The EQ stage on one channel: `set` designs it (and clears its memory), `processBlock` filters in place. */
export class Equalizer {
  private readonly cascade = new BiquadCascade(EQ_MAX_SECTIONS)

  constructor(readonly sampleRate: Hz) {}

  /** Designs the sections for `eq` (see `eqSections`) and clears the filter memory. */
  set(eq: EqStage): this {
    this.cascade.setSections(eqSections(eq, this.sampleRate))
    return this
  }

  /** True when the stage is the identity (amount 0 or every section neutral): processing may be skipped. */
  get bypassed(): boolean {
    return this.cascade.count === 0
  }

  /** Clears the filter memory. */
  reset(): void {
    this.cascade.reset()
  }

  /** Filters `buf[from..to)` in place (float64 throughout). */
  processBlock(buf: Float64Array, from: number, to: number): void {
    this.cascade.processBlock(buf, from, to)
  }
}
