import { performance } from 'node:perf_hooks'
import { spectralFlatness } from '../../dsp/flatness'
import { styleMetrics } from '../../dsp/metrics'
import { UserError } from '../../util/errors'
import type { Hz } from '../../util/units'
import { activationDefaults, activationSegment, activationSettingsFor, activationStyleSteps, prepareActivation, type ActivationPlan, type ActivationSettings } from './activation'
import type { TaggerNet } from './activation-net'
import { gramDefaults, textureDefaults, type GramSettings, type TextureSettings } from './defaults'
import { prepareGram, gramSegment, type GramPlan } from './gram'
import { throwIfCancelled, type StyleHooks } from './progress'
import { crossfadeJoin, planSegments } from './segments'
import { centredFrameCount } from './spectra'
import { prepareTexture, textureSegment, type SegmentResult, type TexturePlan } from './texture'
import { MATCH_RATE } from './match/rates'
import type { StyleMethod, StylizeOptions, StylizeReport } from './types'

/** A finished render: audio at `sampleRate` (peak-normalised to 0.9) and its report. */
export interface StylizeOutput {
  audio: Float32Array
  sampleRate: Hz
  report: StylizeReport
}

/** Sample rate a method works at: the caller loads (decodes, mixes, resamples) inputs to it. */
export function methodSampleRate(method: StyleMethod = 'texture'): Hz {
  // The activation method works at its tagger's rate (16 kHz for every tagger trained here); match
  // renders at 44.1 kHz (its chain is in physical units, and a producer's vocal is full band).
  if (method === 'match') return MATCH_RATE
  return method === 'gram' ? gramDefaults.sampleRate : method === 'activation' ? activationDefaults.sampleRate : textureDefaults.sampleRate
}

/** The tagger a method needs (activation), with where it came from for the report. */
export interface StyleTagger extends TaggerNet {
  modelId: number
  checkpointId: number
  arch: string
}

/** Resolves user options onto a method's defaults, validating ranges (one clear line each). */
export function resolveSettings(options: StylizeOptions): { method: StyleMethod; texture: TextureSettings; gram: GramSettings; activation: ActivationSettings } {
  const method = options.method ?? 'texture'
  if (method !== 'texture' && method !== 'gram' && method !== 'activation' && method !== 'match' && method !== 'wavenet') throw new UserError(`method: "${String(method)}" is not one of texture, gram, activation, match, wavenet`)
  const positiveInt = (name: string, v: number | undefined, max: number): number | undefined => {
    if (v === undefined) return undefined
    if (!Number.isInteger(v) || v < 1 || v > max) throw new UserError(`${name}: ${v} is not an integer in 1..${max}`)
    return v
  }
  const nonNegative = (name: string, v: number | undefined): number | undefined => {
    if (v === undefined) return undefined
    if (!Number.isFinite(v) || v < 0) throw new UserError(`${name}: ${v} is not a finite number >= 0`)
    return v
  }
  const iterations = positiveInt('iterations', options.iterations, 100_000)
  const filters = positiveInt('filters', options.filters, 16_384)
  const threads = positiveInt('threads', options.threads, 64)
  const contentWeight = nonNegative('content weight', options.contentWeight)
  const styleWeight = nonNegative('style weight', options.styleWeight)
  if (styleWeight === 0) throw new UserError('style weight: must be > 0')
  if (options.optimizer !== undefined && options.optimizer !== 'lbfgs' && options.optimizer !== 'adam') {
    throw new UserError(`optimizer: "${String(options.optimizer)}" is not one of lbfgs, adam`)
  }
  if (options.lineSearch !== undefined && options.lineSearch !== 'none' && options.lineSearch !== 'wolfe') {
    throw new UserError(`line search: "${String(options.lineSearch)}" is not one of none, wolfe`)
  }
  if (options.init !== undefined && options.init !== 'content' && options.init !== 'noise') {
    throw new UserError(`init: "${String(options.init)}" is not one of content, noise`)
  }
  if (options.phaseInit !== undefined && options.phaseInit !== 'content' && options.phaseInit !== 'random') {
    throw new UserError(`phase init: "${String(options.phaseInit)}" is not one of content, random`)
  }
  const seed = options.seed ?? 0
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`seed: ${seed} is not a non-negative integer`)
  const texture: TextureSettings = {
    ...textureDefaults,
    ...(iterations !== undefined && { iterations }),
    ...(filters !== undefined && { filters }),
    ...(threads !== undefined && { threads }),
    ...(contentWeight !== undefined && { alpha: contentWeight }),
    ...(styleWeight !== undefined && { styleWeight }),
    ...(options.optimizer !== undefined && { optimizer: options.optimizer }),
    ...(options.init !== undefined && { init: options.init }),
    ...(options.lineSearch !== undefined && { lineSearch: options.lineSearch }),
    ...(options.phaseInit !== undefined && { phaseInit: options.phaseInit }),
    seed
  }
  const gram: GramSettings = {
    ...gramDefaults,
    ...(iterations !== undefined && { iterations }),
    ...(contentWeight !== undefined && { contentWeight }),
    ...(styleWeight !== undefined && { styleWeight }),
    seed
  }
  const layerList = (name: string, v: string[] | undefined): string[] | undefined => {
    if (v !== undefined && (!Array.isArray(v) || v.length === 0 || v.some((n) => typeof n !== 'string' || n === ''))) throw new UserError(`${name} layers: give one or more layer names`)
    return v
  }
  const contentLayers = layerList('content', options.contentLayers)
  const styleLayers = layerList('style', options.styleLayers)
  const activation: ActivationSettings = {
    ...activationDefaults,
    ...(iterations !== undefined && { iterations }),
    ...(contentWeight !== undefined && { contentWeight }),
    ...(styleWeight !== undefined && { styleWeight }),
    ...(options.init !== undefined && { init: options.init }),
    ...((contentLayers || styleLayers) && { layers: { ...(contentLayers && { content: contentLayers }), ...(styleLayers && { style: styleLayers }) } }),
    seed
  }
  return { method, texture, gram, activation }
}

/** Rejects input the methods cannot use, naming the clip: empty, non-finite, or silent. */
export function checkSignal(x: Float32Array, what: string): void {
  if (x.length === 0) throw new UserError(`${what}: clip has no samples`)
  let energy = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    if (!Number.isFinite(v)) throw new UserError(`${what}: sample ${i} is not a finite number (NaN or infinity)`)
    energy += v * v
  }
  if (Math.sqrt(energy / x.length) < 1e-6) throw new UserError(`${what}: clip is silent`)
}

/**
 * Stylises `content` with the style of `style` (both mono at methodSampleRate(method)), then
 * measures the result with the objective metrics. Pure engine code: no files, no UI.
 */
export function stylize(
  content: Float32Array,
  style: Float32Array,
  options: StylizeOptions,
  hooks: StyleHooks = {},
  backend = 'unknown',
  tagger?: StyleTagger
): StylizeOutput {
  const started = performance.now()
  const resolved = resolveSettings(options)
  const { method, texture, gram } = resolved
  // The match method measures loudness (an async WebAssembly meter): it runs through stylizeMatch.
  if (method === 'match') throw new Error('stylize: the match method runs through stylizeMatch (engine/style/match)')
  if (method === 'wavenet') throw new Error('stylize: the wavenet method runs through stylizeWavenet (engine/style/wavenet)')
  if (method === 'activation' && !tagger) throw new UserError('method activation: needs a trained tagger (--model ID; train one with `train-tagger`)')
  checkSignal(content, 'content')
  checkSignal(style, 'style')
  const activation = tagger ? activationSettingsFor(tagger, resolved.activation) : resolved.activation
  const settings = method === 'texture' ? texture : method === 'gram' ? gram : activation
  const sr = settings.sampleRate
  const segments = planSegments(content.length, Math.round(settings.segmentSeconds * sr), Math.round(settings.overlapSeconds * sr))
  const glIters = method === 'texture' ? texture.griffinLimIterations : 0
  const perSegment = settings.iterations + glIters
  // Analysing the style is one step per chunk of frames (a long style takes minutes at 4096 filters),
  // or per batch of the tagger's input windows.
  const chunks =
    method === 'activation'
      ? activationStyleSteps(style.length, activation, tagger!.crop)
      : Math.ceil(centredFrameCount(style.length, (settings as TextureSettings | GramSettings).hop) / (settings as TextureSettings | GramSettings).styleChunkFrames)
  const total = chunks + segments.length * perSegment
  let analysed = 0
  const afterChunk = (): void => {
    analysed = Math.min(chunks, analysed + 1)
    throwIfCancelled(hooks.signal)
    hooks.onProgress?.({ step: analysed, total, phase: 'analyse' })
  }
  hooks.onProgress?.({ step: 0, total, phase: 'analyse' })
  const plan: TexturePlan | GramPlan | ActivationPlan =
    method === 'texture'
      ? prepareTexture(style, texture, afterChunk, Math.max(...segments.map((g) => g.length)))
      : method === 'gram'
        ? prepareGram(style, gram, afterChunk)
        : prepareActivation(style, activation, tagger!, afterChunk)
  const threadsUsed = 'kind' in plan && plan.kind === 'split' ? plan.split.threads : 1
  const parts: Float32Array[] = []
  let finalLoss = Number.NaN
  try {
    segments.forEach((seg, index) => {
      throwIfCancelled(hooks.signal)
      const piece = content.subarray(seg.start, seg.start + seg.length)
      const base = chunks + index * perSegment
      const report = (phase: string, i: number, loss?: number): void => {
        const step = base + (phase === 'phase' ? settings.iterations + i : i)
        hooks.onProgress?.({ step, total, phase, ...(loss !== undefined && { loss }) })
      }
      const result: SegmentResult =
        method === 'texture'
          ? textureSegment(plan as TexturePlan, piece, report, hooks.signal)
          : method === 'gram'
            ? gramSegment(plan as GramPlan, piece, report, hooks.signal)
            : activationSegment(plan as ActivationPlan, piece, report, hooks.signal)
      finalLoss = result.losses.at(-1) ?? Number.NaN
      parts.push(result.audio)
    })
  } finally {
    plan.dispose()
  }
  const joined = crossfadeJoin(parts, segments, content.length)
  const audio = normalizeTo(joined, 0.9)
  hooks.onProgress?.({ step: total, total, phase: 'measure' })
  const metrics = styleMetrics(content, style, audio, sr)
  const spectral = 'nFft' in settings ? { nFft: settings.nFft, hop: settings.hop } : { nFft: 0, hop: 0 }
  const report: StylizeReport = {
    method,
    backend,
    optimizer: method === 'texture' ? texture.optimizer : method === 'activation' ? 'lbfgs' : 'adam',
    sampleRate: sr,
    ...spectral,
    filters: method === 'texture' ? texture.filters : 0,
    threads: threadsUsed,
    iterations: settings.iterations,
    wallMs: Math.round(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    finalLoss,
    ...metrics,
    ...(method === 'activation' && tagger && activationExtras(plan as ActivationPlan, tagger, content, style, audio))
  }
  return { audio, sampleRate: sr, report }
}

/** The activation method's report fields: its tagger and layers, and the three signals' spectral flatness. */
function activationExtras(plan: ActivationPlan, tagger: StyleTagger, content: Float32Array, style: Float32Array, output: Float32Array): Pick<StylizeReport, 'tagger' | 'spectralFlatness'> {
  return {
    tagger: { modelId: tagger.modelId, checkpointId: tagger.checkpointId, arch: tagger.arch, contentLayers: plan.layers.content, styleLayers: plan.layers.style },
    spectralFlatness: { content: spectralFlatness(content), style: spectralFlatness(style), output: spectralFlatness(output) }
  }
}

/** Scales to a peak of `target` (the peer's 0.9); output that came out silent is an error, never NaN. */
function normalizeTo(x: Float32Array, target: number): Float32Array {
  let peak = 0
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!)
    if (!Number.isFinite(v)) throw new Error('render produced non-finite samples')
    if (v > peak) peak = v
  }
  if (peak < 1e-9) throw new UserError('render: the output came out silent; try more iterations or a louder style')
  const out = new Float32Array(x.length)
  const g = target / peak
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * g
  return out
}
