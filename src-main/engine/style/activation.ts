/**
 * Activation style transfer on a trained tagger, the research report's experiment in the manner of
 * Gatys et al. (2016) on raw audio: the waveform itself is optimised so that
 *   - its deep-layer activations match the content's (MSE), and
 *   - the Gram matrices over time of its shallow-layer activations match the style's (MSE),
 * with L-BFGS (weak Wolfe line search). The signal reaches the tagger as its input windows
 * (`crop` samples, the last zero-padded) in one batch per segment.
 */
import { tf } from '../tf'
import { createRng } from '../../util/random'
import type { Hz, Seconds } from '../../util/units'
import { STYLE_METHOD_DEFAULTS } from '../../../src-preload/style-defaults'
import { applyModel, checkLayerNames, clipWindows, defaultActivationLayers, featureModel, tileWindows, windowBatch, type ActivationLayers, type TaggerNet } from './activation-net'
import { optimiseWaveform, SEGMENT_TILES, segmentOverlap } from './activation-optimise'
import type { SegmentResult } from './texture'

/** Settings of the activation method. */
export interface ActivationSettings {
  sampleRate: Hz
  contentWeight: number
  styleWeight: number
  iterations: number
  /** Start from the content waveform, or from seeded Gaussian noise at the content's RMS. */
  init: 'content' | 'noise'
  seed: number
  /** Layers to read; the architecture's defaults (defaultActivationLayers) when absent. */
  layers?: Partial<ActivationLayers>
  /** Content longer than this is processed in overlapping segments (SEGMENT_TILES input windows). */
  segmentSeconds: Seconds
  overlapSeconds: Seconds
  /** Style windows read, evenly spaced across the style clip (bounds analysis time for long styles). */
  styleMaxWindows: number
  /** Style windows per forward pass while accumulating the style Grams. */
  styleBatch: number
}

/** The method's defaults at the tagger's 16 kHz and 59049-sample windows (segments of ~29.5 s). */
export const activationDefaults: ActivationSettings = {
  sampleRate: 16000,
  contentWeight: STYLE_METHOD_DEFAULTS.activation.contentWeight,
  styleWeight: STYLE_METHOD_DEFAULTS.activation.styleWeight,
  iterations: STYLE_METHOD_DEFAULTS.activation.iterations,
  init: 'content',
  seed: 0,
  segmentSeconds: (SEGMENT_TILES * 59049) / 16000,
  overlapSeconds: segmentOverlap(16000, SEGMENT_TILES * 59049) / 16000,
  styleMaxWindows: 64,
  styleBatch: 8
}

/** The settings for one tagger: its sample rate, segments of SEGMENT_TILES of its windows. */
export function activationSettingsFor(net: TaggerNet, base: ActivationSettings): ActivationSettings {
  const segment = SEGMENT_TILES * net.crop
  return { ...base, sampleRate: net.sampleRate, segmentSeconds: segment / net.sampleRate, overlapSeconds: segmentOverlap(net.sampleRate, segment) / net.sampleRate }
}

/** A prepared run: the feature model, the style's Grams and what each term is normalised by. */
export interface ActivationPlan {
  settings: ActivationSettings
  net: TaggerNet
  layers: ActivationLayers
  dispose(): void
  /** The sub-model to the content and style layers (it shares the tagger's weights; never dispose it). */
  features: ReturnType<typeof featureModel>
  styleGrams: tf.Tensor2D[]
  /** Mean square of each style Gram (the style terms' normalisers). */
  styleScales: number[]
}

/** Forward passes spent analysing a style clip of `length` samples (one progress step each). */
export function activationStyleSteps(length: number, settings: ActivationSettings, crop: number): number {
  return Math.ceil(clipWindows(new Float32Array(Math.max(1, length)), crop, settings.styleMaxWindows).length / settings.styleBatch)
}

/** Gram over time of activations [batch, time, channels]: A^T A / (batch * time), [channels, channels]. */
export function gramOverTime(a: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const channels = a.shape[a.shape.length - 1]!
    const flat = tf.reshape(a, [-1, channels]) as tf.Tensor2D
    return tf.div(tf.matMul(flat, flat, true, false), flat.shape[0]) as tf.Tensor2D
  })
}

/**
 * Builds the feature model and accumulates the style's Grams over its windows (evenly spaced across
 * the whole clip, at most styleMaxWindows), `afterChunk` after each batch of windows.
 */
export function prepareActivation(style: Float32Array, settings: ActivationSettings, net: TaggerNet, afterChunk?: () => void): ActivationPlan {
  const defaults = defaultActivationLayers(net.model)
  const layers: ActivationLayers = { content: settings.layers?.content ?? defaults.content, style: settings.layers?.style ?? defaults.style }
  checkLayerNames(net.model, layers.content, 'content')
  checkLayerNames(net.model, layers.style, 'style')
  const styleFeatures = featureModel(net.model, layers.style)
  const starts = clipWindows(style, net.crop, settings.styleMaxWindows)
  let sums: tf.Tensor2D[] = []
  try {
    for (let b = 0; b < starts.length; b += settings.styleBatch) {
      const part = starts.slice(b, b + settings.styleBatch)
      const next = tf.tidy(() =>
        applyModel(styleFeatures, windowBatch(style, part, net.crop)).map((a, i) => {
          // Each batch's Gram weighted by its share of the windows: the sum is the mean over all.
          const g = tf.mul(gramOverTime(a), part.length / starts.length)
          return (sums.length > 0 ? tf.add(sums[i]!, g) : g) as tf.Tensor2D
        })
      )
      tf.dispose(sums)
      sums = next
      afterChunk?.()
    }
  } catch (err) {
    tf.dispose(sums)
    throw err
  }
  return {
    settings,
    net,
    layers,
    features: featureModel(net.model, unique([...layers.content, ...layers.style])),
    styleGrams: sums,
    styleScales: sums.map(meanSquare),
    dispose: () => tf.dispose(sums)
  }
}

/**
 * The loss of one waveform x against the targets:
 *   contentWeight * sum_l mse(A_l(x), A_l(content)) / ms(A_l(content))
 * + styleWeight * sum_l mse(G_l(x), G_l(style)) / ms(G_l(style)),
 * each MSE relative to its target's mean square, so the weights are unitless whatever the model's
 * activation scale (a term whose target is all zeros, a dead layer, is divided by 1 instead).
 */
function activationLoss(plan: ActivationPlan, x: tf.Tensor1D, contentTargets: tf.Tensor[], contentScales: number[]): tf.Scalar {
  const names = unique([...plan.layers.content, ...plan.layers.style])
  const outs = applyModel(plan.features, tileWindows(x, plan.net.crop))
  const byName = (n: string): tf.Tensor => outs[names.indexOf(n)]!
  const s = plan.settings
  let loss: tf.Scalar = tf.scalar(0)
  plan.layers.content.forEach((n, i) => {
    loss = tf.add(loss, tf.mul(s.contentWeight / contentScales[i]!, tf.mean(tf.squaredDifference(byName(n), contentTargets[i]!))))
  })
  plan.layers.style.forEach((n, i) => {
    const target = plan.styleGrams[i]!
    loss = tf.add(loss, tf.mul(s.styleWeight / plan.styleScales[i]!, tf.mean(tf.squaredDifference(gramOverTime(byName(n)), target))))
  })
  return loss
}

/** Stylises one content segment: L-BFGS on its waveform from the content (or seeded noise). */
export function activationSegment(
  plan: ActivationPlan,
  content: Float32Array,
  onIteration: (phase: 'optimise', i: number, loss: number) => void,
  signal?: AbortSignal
): SegmentResult {
  const s = plan.settings
  const names = unique([...plan.layers.content, ...plan.layers.style])
  const targets = tf.tidy(() => {
    const outs = applyModel(plan.features, tileWindows(tf.tensor1d(content), plan.net.crop))
    return plan.layers.content.map((n) => outs[names.indexOf(n)]!)
  })
  try {
    const scales = targets.map(meanSquare)
    const x0 = s.init === 'content' ? content : noiseLike(content, s.seed)
    const { x, losses } = optimiseWaveform(x0, (v) => activationLoss(plan, v, targets, scales), {
      iterations: s.iterations,
      onIteration: (i, loss) => onIteration('optimise', i, loss),
      ...(signal && { signal })
    })
    return { audio: x, losses }
  } finally {
    tf.dispose(targets)
  }
}

/** A tensor's mean square as a number; 1 for an all-zero tensor (nothing to normalise by). */
function meanSquare(t: tf.Tensor): number {
  const m = tf.tidy(() => tf.mean(tf.square(t)))
  const v = m.dataSync()[0]!
  m.dispose()
  return v > 0 ? v : 1
}

/** Seeded Gaussian noise with the RMS of `x`. */
function noiseLike(x: Float32Array, seed: number): Float32Array {
  let energy = 0
  for (const v of x) energy += v * v
  const rms = Math.sqrt(energy / x.length)
  const rng = createRng(seed)
  return Float32Array.from(x, () => rms * rng.normal())
}

function unique(names: string[]): string[] {
  return [...new Set(names)]
}
