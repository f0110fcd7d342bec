/**
 * The EQ stage's magnitude response in pure maths, for the chain panel's curve: RBJ "Audio EQ
 * Cookbook" biquads (peaking, shelves with slope S = 1, 2nd-order high/low-pass sections), evaluated
 * as |B(e^jw)| / |A(e^jw)|. The same design the engine runs (engine/effects/eq.ts): amount scales the
 * gains in dB and moves the pass corners toward off on a log scale; corners are clamped to 0.45 x the rate.
 */
import type { EqStage } from '../../../src-preload/api'

/** One second-order section, a0 normalised to 1. */
export interface Biquad {
  b0: number
  b1: number
  b2: number
  a1: number
  a2: number
}

/** Where the engine clamps corners and centres (bilinear warping runs away above it). */
const MAX_FREQ_RATIO = 0.45
const HIGHPASS_OFF = 20
const LOWPASS_OFF = 20_000
/** The two sections of a 4th-order Butterworth (24 dB/octave): Q = 1 / (2 cos(pi/8)) and 1 / (2 cos(3 pi/8)). */
const BUTTERWORTH_Q = [1 / (2 * Math.cos(Math.PI / 8)), 1 / (2 * Math.cos((3 * Math.PI) / 8))]

function normalise(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 }
}

/** Cookbook peaking EQ: `gain` dB at `freq`, bandwidth by Q. */
export function peaking(freq: number, sampleRate: number, q: number, gain: number): Biquad {
  const A = Math.pow(10, gain / 40)
  const w = (2 * Math.PI * freq) / sampleRate
  const alpha = Math.sin(w) / (2 * q)
  const c = Math.cos(w)
  return normalise(1 + alpha * A, -2 * c, 1 - alpha * A, 1 + alpha / A, -2 * c, 1 - alpha / A)
}

/** Cookbook shelf with S = 1: `gain` dB beyond `freq`, half of it (in dB) at `freq`. */
export function shelf(kind: 'low' | 'high', freq: number, sampleRate: number, gain: number): Biquad {
  const A = Math.pow(10, gain / 40)
  const w = (2 * Math.PI * freq) / sampleRate
  const c = Math.cos(w)
  // S = 1: alpha = sin(w)/2 * sqrt((A + 1/A)(1/S - 1) + 2) = sin(w)/2 * sqrt(2).
  const twoSqrtAAlpha = 2 * Math.sqrt(A) * (Math.sin(w) / 2) * Math.SQRT2
  if (kind === 'low') {
    return normalise(
      A * (A + 1 - (A - 1) * c + twoSqrtAAlpha),
      2 * A * (A - 1 - (A + 1) * c),
      A * (A + 1 - (A - 1) * c - twoSqrtAAlpha),
      A + 1 + (A - 1) * c + twoSqrtAAlpha,
      -2 * (A - 1 + (A + 1) * c),
      A + 1 + (A - 1) * c - twoSqrtAAlpha
    )
  }
  return normalise(
    A * (A + 1 + (A - 1) * c + twoSqrtAAlpha),
    -2 * A * (A - 1 + (A + 1) * c),
    A * (A + 1 + (A - 1) * c - twoSqrtAAlpha),
    A + 1 - (A - 1) * c + twoSqrtAAlpha,
    2 * (A - 1 - (A + 1) * c),
    A + 1 - (A - 1) * c - twoSqrtAAlpha
  )
}

/** Cookbook 2nd-order high- or low-pass at `freq` with quality `q`. */
export function pass(kind: 'high' | 'low', freq: number, sampleRate: number, q: number): Biquad {
  const w = (2 * Math.PI * freq) / sampleRate
  const c = Math.cos(w)
  const alpha = Math.sin(w) / (2 * q)
  // Low-pass: b = (1 - cos)/2, 1 - cos, (1 - cos)/2; high-pass: (1 + cos)/2, -(1 + cos), (1 + cos)/2.
  const edge = kind === 'low' ? (1 - c) / 2 : (1 + c) / 2
  return normalise(edge, kind === 'low' ? 2 * edge : -2 * edge, edge, 1 + alpha, -2 * c, 1 - alpha)
}

/** |H(e^jw)| in dB of one section at `freq` Hz. */
export function biquadDb(s: Biquad, freq: number, sampleRate: number): number {
  const w = (2 * Math.PI * freq) / sampleRate
  const c1 = Math.cos(w)
  const s1 = Math.sin(w)
  const c2 = Math.cos(2 * w)
  const s2 = Math.sin(2 * w)
  const nr = s.b0 + s.b1 * c1 + s.b2 * c2
  const ni = -(s.b1 * s1 + s.b2 * s2)
  const dr = 1 + s.a1 * c1 + s.a2 * c2
  const di = -(s.a1 * s1 + s.a2 * s2)
  return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di))
}

/** The EQ stage as sections, amount applied and neutral sections left out (as the engine builds it). */
export function eqBiquads(eq: EqStage, sampleRate: number): Biquad[] {
  const a = eq.amount
  const top = MAX_FREQ_RATIO * sampleRate
  const out: Biquad[] = []
  if (a > 0 && eq.highpass > HIGHPASS_OFF) {
    const fc = Math.min(HIGHPASS_OFF * Math.pow(eq.highpass / HIGHPASS_OFF, a), top)
    for (const q of BUTTERWORTH_Q) out.push(pass('high', fc, sampleRate, q))
  }
  if (a * eq.lowShelf.gain !== 0) out.push(shelf('low', Math.min(eq.lowShelf.freq, top), sampleRate, a * eq.lowShelf.gain))
  for (const b of eq.bands) if (a * b.gain !== 0) out.push(peaking(Math.min(b.freq, top), sampleRate, b.q, a * b.gain))
  if (a * eq.highShelf.gain !== 0) out.push(shelf('high', Math.min(eq.highShelf.freq, top), sampleRate, a * eq.highShelf.gain))
  const lpOff = Math.min(LOWPASS_OFF, top)
  if (a > 0 && eq.lowpass < lpOff) {
    const fc = lpOff * Math.pow(eq.lowpass / lpOff, a)
    for (const q of BUTTERWORTH_Q) out.push(pass('low', fc, sampleRate, q))
  }
  return out
}

/** `n` frequencies spaced evenly on a log axis from `lo` to `hi` Hz (the curve's x positions). */
export function logFrequencies(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = lo * Math.pow(hi / lo, n === 1 ? 0 : i / (n - 1))
  return out
}

/** Magnitude (dB) of the whole EQ stage at each frequency; frequencies above Nyquist read Nyquist's. */
export function eqResponseDb(eq: EqStage, freqs: ArrayLike<number>, sampleRate: number): Float64Array {
  const sections = eqBiquads(eq, sampleRate)
  const out = new Float64Array(freqs.length)
  for (let i = 0; i < freqs.length; i++) {
    const f = Math.min(freqs[i]!, sampleRate / 2)
    let db = 0
    for (const s of sections) db += biquadDb(s, f, sampleRate)
    out[i] = db
  }
  return out
}

/**
 * The curve's vertical range (+-dB): at least 12, else the largest shelf or band gain (amount applied)
 * rounded up to 6 dB steps. The pass filters' roll-off runs off the bottom rather than squashing the bands.
 */
export function curveRangeDb(eq: EqStage): number {
  const gains = [eq.lowShelf.gain, eq.highShelf.gain, ...eq.bands.map((b) => b.gain)].map((g) => Math.abs(g * eq.amount))
  return Math.max(12, Math.ceil(Math.max(0, ...gains) / 6) * 6)
}

/** x (px) of a frequency on a log axis spanning `lo`..`hi` Hz over `width` px. */
export function freqToX(f: number, lo: number, hi: number, width: number): number {
  return (Math.log(f / lo) / Math.log(hi / lo)) * width
}

/** y (px) of a gain with 0 dB in the middle and +-`rangeDb` at the edges; off-scale values are pinned to the edge. */
export function dbToY(db: number, rangeDb: number, height: number): number {
  const clamped = Math.max(-rangeDb, Math.min(rangeDb, db))
  return height / 2 - (clamped / rangeDb) * (height / 2)
}
