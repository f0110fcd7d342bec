/** Statistics of one dry voice (features.ts at FIT_RATE), as stored in dry-voices.data.ts. */
export interface DryVoice {
  name: string
  ltas: number[]
  decay: number[]
  floor: number[]
  levels: number[]
  crest: number
  flatness: number
}

import { DRY_VOICES } from './dry-voices.data'
import type { MatchFeatures } from './features'

/** Templates whose long-term spectrum is averaged into the estimate (the closest few, softmin-weighted). */
const NEIGHBOURS = 4
/** Softmin temperature over the detail score (dB^2): a template 2 dB^2 worse weighs e^-1 as much. */
const TEMPERATURE = 2
/** Gaussian smoothing across third-octave bands (in bands: 3 = one octave) that separates an EQ's broad shape from a voice's detail. */
const BROAD_SIGMA = 3

/** What the dry-voice estimate chose: the templates and their weights. */
export interface DryEstimate {
  features: MatchFeatures
  neighbours: { name: string; weight: number }[]
}

/**
 * Estimates how the style's voice would measure dry, from a library of dry voices plus the content
 * itself (a dry voice by the method's premise): processing changes a long-term spectrum broadly
 * (shelves, band limits, presence), while a voice marks it in detail (its pitch region, formants).
 * So each candidate is scored by the detail left in (style - candidate) once a one-octave Gaussian
 * smooth of it is removed, and the closest few are averaged with softmin weights. Their decay,
 * floor, level, crest and flatness statistics are averaged with the same weights.
 *
 * The match then asks the content to move as far from its own dry statistics as the style sits from
 * this estimate: the processing, separated from the voice.
 */
export function estimateDryStyle(style: MatchFeatures, content: MatchFeatures, library: readonly DryVoice[] = DRY_VOICES): DryEstimate {
  const candidates: { name: string; f: MatchFeatures }[] = [{ name: 'content', f: content }]
  for (const v of library) {
    if (v.ltas.length !== style.ltas.length) continue
    candidates.push({
      name: v.name,
      f: { ltas: Float64Array.from(v.ltas), decay: Float64Array.from(v.decay), floor: Float64Array.from(v.floor), levels: Float64Array.from(v.levels), crest: v.crest, flatness: v.flatness }
    })
  }
  const scored = candidates.map((c) => ({ ...c, score: detailScore(style.ltas, c.f.ltas) })).sort((a, b) => a.score - b.score)
  const top = scored.slice(0, NEIGHBOURS)
  const raw = top.map((c) => Math.exp(-(c.score - top[0]!.score) / TEMPERATURE))
  const total = raw.reduce((a, b) => a + b, 0)
  const weights = raw.map((w) => w / total)
  const mix = (pick: (f: MatchFeatures) => Float64Array): Float64Array => {
    const out = new Float64Array(pick(style).length)
    top.forEach((c, k) => pick(c.f).forEach((v, i) => (out[i] = out[i]! + weights[k]! * v)))
    return out
  }
  const scalar = (pick: (f: MatchFeatures) => number): number => top.reduce((s, c, k) => s + weights[k]! * pick(c.f), 0)
  return {
    features: { ltas: mix((f) => f.ltas), decay: mix((f) => f.decay), floor: mix((f) => f.floor), levels: mix((f) => f.levels), crest: scalar((f) => f.crest), flatness: scalar((f) => f.flatness) },
    neighbours: top.map((c, k) => ({ name: c.name, weight: Number(weights[k]!.toFixed(3)) }))
  }
}

/**
 * Where the content should land, group by group. The long-term spectrum moves by the style's
 * processing (style minus the style's estimated dry voice): measured on the known-answer set, that
 * estimate halves the error of assuming no change (3.4 against 7.0 dB RMS). The level and room
 * statistics vary between dry voices as much as a chain moves them, so their estimate is no better
 * than no change; for those the target is halfway between the content's and the style's own values
 * (floor: 4.4 dB against 5.1 for no change), and for the crest
 * factor halfway between the style's and the estimate's (1.1 dB against 1.9). Flatness is kept as the
 * content's: no estimate of it beat no change (docs/vocal-match.md has the table).
 */
export function processedTarget(style: MatchFeatures, dryStyle: MatchFeatures, content: MatchFeatures): MatchFeatures {
  const half = (a: Float64Array, b: Float64Array): Float64Array => Float64Array.from(a, (v, i) => 0.5 * (v + b[i]!))
  return {
    ltas: Float64Array.from(content.ltas, (v, i) => v + style.ltas[i]! - dryStyle.ltas[i]!),
    decay: roomTarget(content.decay, style.decay),
    floor: half(content.floor, style.floor),
    levels: Float64Array.from(content.levels, (c, i) => c + compressionEvidence(style.levels) * (style.levels[i]! - c)),
    crest: content.crest + 0.5 * (style.crest - dryStyle.crest) + 0.5 * (style.crest - content.crest),
    flatness: content.flatness
  }
}

/**
 * The decay-curve target. No dry voice of the library keeps its level above -28 dB 93 ms after a
 * word ends (90 voices: median -45, the highest -29), while a room holds it near -15 to -20. So the
 * style's tail at that lag says how much of its curve is room: none at -28 dB or below, all of it
 * at -18 dB or above. Where it is room, the content must decay no faster than the style.
 */
function roomTarget(content: Float64Array, style: Float64Array): Float64Array {
  const room = roomEvidence(style)
  return Float64Array.from(content, (c, i) => c + room * (Math.max(c, style[i]!) - c))
}

/** The 90th percentile over the library of each short-term level quantile (how even a dry voice gets). */
const EVEN_DRY_LEVELS = (() => {
  const q = DRY_VOICES[0]?.levels.length ?? 0
  return Array.from({ length: q }, (_, k) => {
    const v = DRY_VOICES.map((d) => d.levels[k]!).sort((a, b) => a - b)
    return v[Math.floor(0.9 * (v.length - 1))] ?? 0
  })
})()

/**
 * How much a style's short-term levels say "compressed", 0..1: the quiet and middle quantiles (10th,
 * 30th, 50th percentile, relative to the loud frames) sitting above where nine in ten dry voices
 * of the library keep them; all of it 2 dB beyond. Within the range of dry voices, a style's level
 * spread says more about its speaker than its processing, and the content keeps its own.
 */
export function compressionEvidence(levels: Float64Array): number {
  let excess = 0
  for (let k = 0; k < 3; k++) excess += (levels[k]! - (EVEN_DRY_LEVELS[k] ?? 0)) / 3
  return Math.min(1, Math.max(0, excess / 2))
}

/** How much of a decay curve (features.ts `decay`) is a room, 0..1: see roomTarget. */
export function roomEvidence(decay: Float64Array): number {
  const lags = decay.length / 4
  let at93 = 0
  for (let g = 0; g < 4; g++) at93 += decay[g * lags + 2]! / 4
  return Math.min(1, Math.max(0, (at93 + 28) / 10))
}

/** Mean squared detail (dB^2) of (a - b) over 150 Hz and up once its one-octave Gaussian smooth is removed; differences clamped to +-30 dB. */
function detailScore(a: Float64Array, b: Float64Array): number {
  const n = a.length
  const d = Float64Array.from(a, (v, i) => Math.max(-30, Math.min(30, v - b[i]!)))
  let sum = 0
  let count = 0
  for (let i = 0; i < n; i++) {
    let s = 0
    let w = 0
    for (let j = 0; j < n; j++) {
      const k = Math.exp(-0.5 * ((i - j) / BROAD_SIGMA) ** 2)
      s += k * d[j]!
      w += k
    }
    // Below 150 Hz the band is a few FFT bins wide and the pitch region dominates: left out of the score.
    if (50 * 2 ** (i / 3) < 150) continue
    sum += (d[i]! - s / w) ** 2
    count++
  }
  return sum / Math.max(1, count)
}
