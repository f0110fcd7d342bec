/**
 * The `wavenet` style method: the coordinate-descent style transfer of Foote, Yang, Rohaninejad
 * (2016), "Do Androids Dream of Electric Beats?", section on WaveNet, made to run. The output is a
 * sequence of mu-law levels, found by descending a relaxed one-hot input through a trained WaveNet
 * (sweep.ts) so that its deep residual activations stay the content's and the Gram over time of its
 * shallow ones moves to the style's (objective.ts). Both clips are mono at the model's rate.
 */
import { performance } from 'node:perf_hooks'
import { STYLE_METHOD_DEFAULTS } from '../../../../src-preload/style-defaults'
import { styleMetrics } from '../../../dsp/metrics'
import { muLawDecode, muLawEncode } from '../../../dsp/mulaw'
import { UserError } from '../../../util/errors'
import type { Hz, Samples } from '../../../util/units'
import type { LayersModel } from '../../models/model-files'
import { wavenetSignature } from '../../models/wavenet'
import type { StyleHooks } from '../progress'
import type { StylizeOptions, StylizeReport, WavenetStyleReport } from '../types'
import { defaultLayers, featureModel, resolveLayer, type WavenetLayer } from './layers'
import { sweep, type SweepSettings } from './sweep'
import { buildObjective, disposeObjective } from './targets'

/** A trained WaveNet as the method takes it: the model, its rate and speakers, where it came from. */
export interface StyleWavenet {
  model: LayersModel
  sampleRate: Hz
  /** Speaker codes in one-hot order; empty for an unconditioned model. */
  speakers: string[]
  modelId: number
  checkpointId: number
}

/** The method's defaults (docs/wavenet-style.md says how they were chosen); weights and steps shared with the app's form. */
export const WAVENET_STYLE_DEFAULTS = {
  block: 1024,
  steps: STYLE_METHOD_DEFAULTS.wavenet.iterations,
  sweeps: 1,
  optimizer: 'adam',
  learningRate: 0.5,
  tau: 1,
  relaxation: 'softmax',
  contentWeight: STYLE_METHOD_DEFAULTS.wavenet.contentWeight,
  styleWeight: STYLE_METHOD_DEFAULTS.wavenet.styleWeight
} as const

/**
 * Longest content the method takes, in samples: its one input tensor holds 256 float32 logits per
 * sample (128 MB here) and is copied once per block's projection; 8.2 s at 16 kHz, 16.4 s at 8 kHz.
 */
export const WAVENET_STYLE_MAX_SAMPLES: Samples = 2 ** 17

/** Options of the other methods, refused with wavenet rather than silently ignored. */
const NOT_FOR_WAVENET = ['filters', 'optimizer', 'lineSearch', 'phaseInit', 'threads', 'matchStages', 'loudness', 'truePeak'] as const

/** A finished wavenet render: the decoded levels at the model's rate, and the report. */
export interface WavenetStyleOutput {
  audio: Float32Array
  sampleRate: Hz
  report: StylizeReport
}

const wholeIn = (name: string, v: number | undefined, lo: number, hi: number, fallback: number): number => {
  if (v === undefined) return fallback
  if (!Number.isInteger(v) || v < lo || v > hi) throw new UserError(`${name}: ${v} is not an integer in ${lo}..${hi}`)
  return v
}

/** The sweep's settings from the user's options (one clear line for each bad value). */
export function wavenetSettings(options: StylizeOptions): SweepSettings & { contentWeight: number; styleWeight: number } {
  const other = NOT_FOR_WAVENET.find((k) => options[k] !== undefined)
  if (other !== undefined) throw new UserError(`${other}: not an option of the wavenet method`)
  const d = WAVENET_STYLE_DEFAULTS
  const weight = (name: string, v: number | undefined, fallback: number): number => {
    if (v === undefined) return fallback
    if (!Number.isFinite(v) || v < 0) throw new UserError(`${name}: ${v} is not a finite number >= 0`)
    return v
  }
  const styleWeight = weight('style weight', options.styleWeight, d.styleWeight)
  if (styleWeight === 0) throw new UserError('style weight: must be > 0')
  const seed = options.seed ?? 0
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`seed: ${seed} is not a non-negative integer`)
  if (options.init !== undefined && options.init !== 'content' && options.init !== 'noise') throw new UserError(`init: "${String(options.init)}" is not one of content, noise`)
  return {
    // 65,536: 4 s at 16 kHz, beyond which a block's window no longer saves anything on a clip of this size.
    block: wholeIn('wavenet block', options.wavenetBlock, 1, 65_536, d.block),
    steps: wholeIn('iterations (steps per block)', options.iterations, 1, 5000, d.steps),
    sweeps: wholeIn('wavenet sweeps', options.wavenetSweeps, 1, 100, d.sweeps),
    learningRate: d.learningRate,
    tau: d.tau,
    relaxation: d.relaxation,
    optimizer: d.optimizer,
    init: options.init ?? 'content',
    seed,
    contentWeight: weight('content weight', options.contentWeight, d.contentWeight),
    styleWeight
  }
}

/** The speaker one-hot of `asked` (the first trained speaker by default); refuses a code the model was not trained with. */
function speakerOneHot(net: StyleWavenet, asked: string | undefined): { code: string | null; global?: number[] } {
  if (net.speakers.length === 0) {
    if (asked !== undefined) throw new UserError(`speaker ${asked}: the model was trained without speaker conditioning; leave out --speaker`)
    return { code: null }
  }
  const code = asked ?? net.speakers[0]!
  const index = net.speakers.indexOf(code)
  if (index < 0) throw new UserError(`speaker ${code}: the model was not trained with it (its speakers: ${net.speakers.join(', ')})`)
  return { code, global: net.speakers.map((_, i) => (i === index ? 1 : 0)) }
}

/** The content and style layers of `options` on `model` (defaults: the deepest residual, the two shallowest). */
function chosenLayers(model: LayersModel, options: StylizeOptions): { content: WavenetLayer; style: WavenetLayer[] } {
  const d = defaultLayers(model)
  if (options.contentLayers && options.contentLayers.length !== 1) throw new UserError(`content layer: the wavenet method reads one content layer, not ${options.contentLayers.length}`)
  return {
    content: resolveLayer(model, options.contentLayers?.[0] ?? d.content, 'content'),
    style: (options.styleLayers ?? d.style).map((ref) => resolveLayer(model, ref, 'style'))
  }
}

/**
 * Stylises `content` with the style of `style` (both mono Float32Array at net.sampleRate, already
 * checked non-silent) through the WaveNet `net`. Refuses in one line: a model with an embedding
 * input (not one-hot), local or dense-vector conditioning, a layer out of range, an untrained speaker, bad
 * options. Returns the mu-law decode of the output levels (not renormalised: within [-1, 1]).
 */
export function stylizeWavenet(content: Float32Array, style: Float32Array, net: StyleWavenet, options: StylizeOptions, hooks: StyleHooks = {}, backend = 'unknown'): WavenetStyleOutput {
  const started = performance.now()
  const settings = wavenetSettings(options)
  const sig = wavenetSignature(net.model)
  if (sig.input !== 'onehot') throw new UserError(`model ${net.modelId}: takes mu-law level indices through an embedding, not a one-hot input, so there is no relaxed input to descend`)
  if (sig.localChannels > 0) throw new UserError(`model ${net.modelId}: takes local conditioning (mel frames), which the wavenet style method does not give`)
  if (sig.globalChannels > 0 && net.speakers.length === 0) throw new UserError(`model ${net.modelId}: conditioned on a dense vector (tags or GloVe), which the wavenet style method does not give; use a speaker-conditioned or unconditioned WaveNet`)
  if (content.length > WAVENET_STYLE_MAX_SAMPLES) {
    const max = (WAVENET_STYLE_MAX_SAMPLES / net.sampleRate).toFixed(1)
    throw new UserError(`content: ${(content.length / net.sampleRate).toFixed(1)} s at ${net.sampleRate} Hz is longer than the wavenet method takes (${max} s: its input holds 256 logits per sample); render it in parts`)
  }
  const layers = chosenLayers(net.model, options)
  const speaker = speakerOneHot(net, options.speaker)
  const reach = Math.max(layers.content.reach, ...layers.style.map((l) => l.reach))
  const q = sig.quantization
  const contentLevels = muLawEncode(content, q)
  const styleLevels = muLawEncode(style, q)
  const blocks = Math.ceil(content.length / settings.block) * settings.sweeps
  hooks.onProgress?.({ step: 0, total: blocks, phase: 'analyse' })
  const obj = buildObjective(
    {
      features: featureModel(net.model, [layers.content.name, ...layers.style.map((l) => l.name)]),
      reach,
      quantization: q,
      ...(speaker.global && { global: speaker.global }),
      weights: { content: settings.contentWeight, style: settings.styleWeight }
    },
    contentLevels,
    styleLevels
  )
  let result: ReturnType<typeof sweep>
  try {
    result = sweep(obj, contentLevels, q, settings, {
      ...(hooks.signal && { signal: hooks.signal }),
      onBlock: (done, total, loss) => hooks.onProgress?.({ step: done, total, phase: `sweep ${Math.ceil((done * settings.sweeps) / total)}/${settings.sweeps}`, loss })
    })
  } finally {
    disposeObjective(obj)
  }
  const audio = muLawDecode(result.levels, q)
  const totalMs = result.blockMs.reduce((a, b) => a + b, 0)
  const wavenet: WavenetStyleReport = {
    modelId: net.modelId,
    checkpointId: net.checkpointId,
    receptiveField: sig.receptiveField,
    reach,
    speaker: speaker.code,
    contentLayer: layers.content.name,
    styleLayers: layers.style.map((l) => l.name),
    block: settings.block,
    steps: settings.steps,
    sweeps: settings.sweeps,
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    tau: settings.tau,
    relaxation: settings.relaxation,
    init: settings.init,
    windowSamples: result.windowSamples,
    clipSamples: content.length,
    blocks: result.blockMs.length,
    blocksKept: result.blocksKept,
    loss: { before: result.before, after: result.after },
    blockMs: { mean: Math.round(totalMs / result.blockMs.length), total: Math.round(totalMs) }
  }
  hooks.onProgress?.({ step: blocks, total: blocks, phase: 'measure' })
  const report: StylizeReport = {
    method: 'wavenet',
    backend,
    optimizer: settings.optimizer,
    sampleRate: net.sampleRate,
    nFft: 0,
    hop: 0,
    filters: 0,
    iterations: settings.steps,
    wallMs: Math.round(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    finalLoss: result.after.total,
    ...styleMetrics(content, style, audio, net.sampleRate),
    wavenet
  }
  return { audio, sampleRate: net.sampleRate, report }
}
