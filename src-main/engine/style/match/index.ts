import { performance } from 'node:perf_hooks'
import { resample } from '../../../audio/resample'
import { loudnessMeter } from '../../../dsp/loudness'
import { styleMetrics } from '../../../dsp/metrics'
import { UserError } from '../../../util/errors'
import type { Hz } from '../../../util/units'
import { applyChain, prepareInput } from '../../effects/apply'
import { STAGES, type EffectChain, type StageName } from '../../effects/chain'
import { throwIfCancelled, type StyleHooks } from '../progress'
import type { StylizeOptions, StylizeReport } from '../types'
import { fitChain } from './fit'
import { FIT_RATE } from './rates'
import { clippedRuns, MIN_VOICED_SHARE, voicedShare } from './voice'

/** Seconds of content the fit listens to (the chain found on them applies to all of it) and of style. */
const FIT_CONTENT_SECONDS = 8
const FIT_STYLE_SECONDS = 30
/**
 * Evaluations per search: enough for Nelder-Mead to settle on 3 and 4 coordinates (measured: more
 * changed the known-answer shares by under 0.01), few enough that a 5 s pair fits in about 4 s.
 */
const FIT_EVALUATIONS = { reverb: 40, levels: 120 }
/** Shortest clip the match method takes: one BS.1770 gating block is 0.4 s; a fit wants a few syllables. */
const MIN_SECONDS = 0.5
/** Options of the other methods, refused with match rather than silently ignored. */
const NOT_FOR_MATCH = ['iterations', 'filters', 'contentWeight', 'styleWeight', 'optimizer', 'lineSearch', 'init', 'phaseInit', 'threads', 'model', 'checkpoint', 'contentLayers', 'styleLayers'] as const

/** Output loudness when the style's is outside what a finished vocal sits at (the default follows the style). */
const LOUDNESS_RANGE: [number, number] = [-30, -9]

/** A finished match render. */
export interface MatchOutput {
  audio: Float32Array
  sampleRate: Hz
  report: StylizeReport
  /** BS.1770 integrated loudness (LUFS) of `content` and `style` as given, metered once here (the job's measures reuse it). */
  inputLoudness: { content: number; style: number }
}

/**
 * The `match` style method: fits a vocal effect chain (EQ, compressor, saturation, reverb; then
 * output loudness by ITU-R BS.1770 with a true-peak ceiling) so that `content` (a dry voice) takes on
 * the processing of `style` (a processed vocal, usually another singer and other words), and renders
 * the content through it. Both inputs are mono at `sampleRate`. The chain is in the report: edit it,
 * save it as a preset, apply it to other files (`apply-chain`).
 *
 * `labels` name the inputs in messages (their file paths, from the job); `bandLimit` is the highest
 * frequency both files can hold (half the lower of their own rates, before any resampling), so a
 * 16 kHz recording's empty top octave is not read as a low-pass.
 *
 * The fit draws no random numbers and budgets its searches in evaluations, not time: the same
 * inputs give the same chain on any machine (the seed option is accepted and changes nothing).
 *
 * Errors (one line each): silent or near-silent input (below -70 LUFS), bad options. Fallbacks, each
 * said in the report's fit notes: a style with no pitched voice fits the EQ only; clipped inputs
 * are noted (the chain cannot restore them). The output never clips: the true-peak ceiling holds.
 */
export async function stylizeMatch(
  content: Float32Array,
  style: Float32Array,
  sampleRate: Hz,
  options: StylizeOptions,
  hooks: StyleHooks = {},
  labels: { content: string; style: string } = { content: 'content', style: 'style' },
  bandLimit?: Hz
): Promise<MatchOutput> {
  const started = performance.now()
  const resolved = resolveMatchOptions(options)
  const meter = await loudnessMeter()
  const notes: string[] = []
  const loudness: number[] = []
  for (const [x, what] of [
    [content, labels.content],
    [style, labels.style]
  ] as const) {
    // BS.1770 integrates 400 ms blocks: a shorter clip has no loudness to measure, however loud it is.
    if (x.length < MIN_SECONDS * sampleRate) throw new UserError(`${what}: too short for the match method (${(x.length / sampleRate).toFixed(2)} s; it needs at least ${MIN_SECONDS} s)`)
    const lufs = meter.integrated([x], sampleRate)
    if (!(lufs > -70)) throw new UserError(`${what}: near-silent (integrated loudness ${Number.isFinite(lufs) ? `${lufs.toFixed(1)} LUFS` : 'below the -70 LUFS gate'}); the match method needs audible input`)
    loudness.push(lufs)
    const clipped = clippedRuns(x)
    if (clipped > 0) notes.push(`${what}: ${clipped} clipped run${clipped === 1 ? '' : 's'} (samples stuck at full scale); the chain cannot restore them`)
  }
  hooks.onProgress?.({ step: 0, total: 10, phase: 'analyse' }) // one total throughout: analyse 0, fit 1..8 (its step count is known only once it starts), render 9
  const [contentFit, styleFit] = await Promise.all([
    resample(excerpt(content, sampleRate, FIT_CONTENT_SECONDS), sampleRate, FIT_RATE),
    resample(excerpt(style, sampleRate, FIT_STYLE_SECONDS), sampleRate, FIT_RATE)
  ])
  let stages = resolved.stages
  const styleVoiced = voicedShare(styleFit, FIT_RATE)
  if (styleVoiced < MIN_VOICED_SHARE && stages.some((s) => s !== 'eq')) {
    stages = stages.filter((s) => s === 'eq')
    notes.push(`style: no pitched voice found (${Math.round(styleVoiced * 100)} % of active frames); fitted the EQ and loudness only, since dynamics and room cannot be told from the voice`)
  }
  const contentVoiced = voicedShare(contentFit, FIT_RATE)
  if (contentVoiced < MIN_VOICED_SHARE) notes.push(`content: no pitched voice found (${Math.round(contentVoiced * 100)} % of active frames); the chain was fitted as for a voice`)
  throwIfCancelled(hooks.signal)
  const c = prepareInput([contentFit], FIT_RATE, meter).channels[0]!
  const s = prepareInput([styleFit], FIT_RATE, meter).channels[0]!
  const fitStarted = performance.now()
  const fit = fitChain(c, s, FIT_RATE, {
    stages,
    evaluations: FIT_EVALUATIONS,
    ...(bandLimit !== undefined && { bandLimit }),
    onProgress: (done, total) => {
      throwIfCancelled(hooks.signal)
      hooks.onProgress?.({ step: Math.max(1, Math.round((8 * done) / total)), total: 10, phase: 'fit' })
    }
  })
  const fitMs = Math.round(performance.now() - fitStarted)
  notes.push(...fit.notes, ...offNotes(fit.chain, stages))
  const styleLoudness = loudness[1]!
  const chain = {
    ...fit.chain,
    output: { loudness: resolved.loudness ?? round1(clamp(styleLoudness, LOUDNESS_RANGE)), truePeak: resolved.truePeak }
  }
  if (resolved.loudness === undefined && (styleLoudness < LOUDNESS_RANGE[0] || styleLoudness > LOUDNESS_RANGE[1])) {
    notes.push(`style loudness ${styleLoudness.toFixed(1)} LUFS is outside ${LOUDNESS_RANGE[0]}..${LOUDNESS_RANGE[1]}; the output is set to ${chain.output.loudness} LUFS`)
  }
  hooks.onProgress?.({ step: 9, total: 10, phase: 'render' })
  // Cut at the content's length: the render is an output track aligned with its content on the
  // timeline, compared with it frame by frame, and an edit of it in the chain panel must give the
  // same samples (apply-chain renders the tail by default).
  const rendered = await applyChain([content], sampleRate, chain, { keepLength: true })
  const audio = rendered.channels[0]!
  notes.push(...rendered.notes)
  const metrics = styleMetrics(content, style, audio, sampleRate)
  const report: StylizeReport = {
    method: 'match',
    backend: 'none',
    optimizer: 'nelder-mead',
    sampleRate,
    nFft: 0,
    hop: 0,
    filters: 0,
    threads: 1,
    iterations: fit.evaluations,
    wallMs: Math.round(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    finalLoss: fit.distance.fitted,
    ...metrics,
    chain,
    fit: { stages, evaluations: fit.evaluations, fitMs, notes }
  }
  return { audio, sampleRate, report, inputLoudness: { content: loudness[0]!, style: loudness[1]! } }
}

/** The match method's options, checked (one line each). */
export function resolveMatchOptions(options: StylizeOptions): { stages: StageName[]; loudness: number | undefined; truePeak: number; seed: number } {
  for (const key of NOT_FOR_MATCH) {
    if (options[key] !== undefined) throw new UserError(`${key}: not an option of the match method (it fits an effect chain; its options are match stages, loudness and true peak)`)
  }
  const names = options.matchStages
  if (names !== undefined) {
    if (!Array.isArray(names) || names.length === 0) throw new UserError(`match stages: give one or more of ${STAGES.join(', ')}`)
    for (const n of names) if (!(STAGES as readonly string[]).includes(n)) throw new UserError(`match stages: "${String(n)}" is not one of ${STAGES.join(', ')}`)
  }
  const stages = names === undefined ? [...STAGES] : STAGES.filter((s) => names.includes(s))
  const { loudness, truePeak = -1 } = options
  if (loudness !== undefined && !(Number.isFinite(loudness) && loudness >= -60 && loudness <= 0)) throw new UserError(`loudness: ${loudness} LUFS is outside -60..0`)
  if (!(Number.isFinite(truePeak) && truePeak >= -20 && truePeak <= 0)) throw new UserError(`true peak: ${truePeak} dBTP is outside -20..0`)
  const seed = options.seed ?? 0
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`seed: ${seed} is not a non-negative integer`)
  return { stages, loudness, truePeak, seed }
}

/** One note per fitted stage that came out doing nothing, so "compressor 100 %" is not read as compression. */
function offNotes(chain: EffectChain, stages: readonly StageName[]): string[] {
  const off: string[] = []
  if (stages.includes('compressor') && (chain.compressor.ratio < 1.1 || chain.compressor.threshold > -1)) off.push('compressor')
  if (stages.includes('saturation') && (chain.saturation.mix < 0.02 || chain.saturation.drive < 0.5)) off.push('saturation')
  if (stages.includes('reverb') && chain.reverb.wet < 0.02) off.push('reverb')
  return off.length === 0 ? [] : [`fitted but left off (the style gave no evidence for them): ${off.join(', ')}`]
}

/** The loudest `seconds` of `x` (the window with the most energy, on a 0.5 s grid), or all of it when shorter. */
function excerpt(x: Float32Array, sampleRate: Hz, seconds: number): Float32Array {
  const n = Math.round(seconds * sampleRate)
  if (x.length <= n) return x
  const step = Math.round(0.5 * sampleRate)
  let best = 0
  let bestEnergy = -1
  for (let at = 0; at + n <= x.length; at += step) {
    let e = 0
    for (let i = at; i < at + n; i += 4) e += x[i]! * x[i]!
    if (e > bestEnergy) {
      bestEnergy = e
      best = at
    }
  }
  return x.subarray(best, best + n)
}

function clamp(v: number, [lo, hi]: [number, number]): number {
  return v < lo ? lo : v > hi ? hi : v
}

function round1(v: number): number {
  return Math.round(v * 10) / 10
}
