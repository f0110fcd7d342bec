import { tf } from '../tf'
import { griffinLim } from '../../dsp/griffin-lim'
import { phase as phaseOf, stft } from '../../dsp/stft'
import { minimizeAdam } from '../optim/adam'
import { minimizeLbfgs } from '../optim/lbfgs'
import type { MinimizeResult } from '../optim/types'
import { createRng } from '../../util/random'
import type { TextureSettings } from './defaults'
import { GramAccumulator } from './gram-accumulator'
import { capInPlace, maxOf } from './texture-level'
import { SplitTexture } from './texture-split'
import { throwIfCancelled } from './progress'
import { allFrames, centredFrameCount, expm1ClampInPlace, log1pInPlace, magnitudeChunks } from './spectra'
import {
  activations,
  createTextureNet,
  disposeStyleTarget,
  featureStyleTarget,
  gramStyleTarget,
  textureLossAndGrad,
  type StyleTarget,
  type TextureNet
} from './texture-net'

/**
 * A prepared texture run, reused for every content segment: on this thread, the fixed network and
 * the style target; or split, the filter bank sharded across this thread and helper threads.
 */
export type TexturePlan = (
  | { kind: 'local'; settings: TextureSettings; net: TextureNet; style: StyleTarget; dispose(): void }
  | { kind: 'split'; settings: TextureSettings; split: SplitTexture; dispose(): void }
) & {
  /** The style's loudest log1p-magnitude: with the content's, the cap of the output's (texture-level.ts). */
  styleMaxLog: number
}

/**
 * Whether to split the filter bank across threads: only on the backends whose kernels run on one
 * core (wasm, cpu; tfjs-node threads its own kernels), and only on the kernel-trick route, whose
 * per-iteration exchange between threads is small.
 */
export function shouldSplit(route: StyleTarget['kind'], threads: number, backend: string): boolean {
  return route === 'features' && threads > 1 && (backend === 'wasm' || backend === 'cpu')
}

/** Most style activations kept for the kernel-trick route (floats; 64 MB): longer styles use the Gram. */
export const MAX_KEPT_STYLE_FLOATS = 16 * 1024 * 1024

/**
 * Which form of the style target to use for content of up to `contentFrames` frames: the N x N
 * Gram (4 T N^2 FLOPs per evaluation, 2 T N (N + 2 T) when 2 T < N) or the style activations
 * (4 T N (T + Ts)), the latter while T + Ts < N and they fit in MAX_KEPT_STYLE_FLOATS, so memory
 * stays bounded for any style. The activations route also splits across threads.
 */
export function chooseStyleRoute(styleFrames: number, contentFrames: number, filters: number): StyleTarget['kind'] {
  if (styleFrames * filters > MAX_KEPT_STYLE_FLOATS) return 'gram'
  return contentFrames + styleFrames < filters ? 'features' : 'gram'
}

/**
 * Builds the random network and the style target chunk by chunk (bounded memory): the style's
 * activations when they are small and cheaper to use (see chooseStyleRoute), else their Gram.
 * `contentSamples` (the longest content segment) informs that choice; `afterChunk` runs after each
 * chunk (memory probes in tests, progress).
 */
export function prepareTexture(
  style: Float32Array,
  settings: TextureSettings,
  afterChunk?: () => void,
  contentSamples: number = Math.round(settings.segmentSeconds * settings.sampleRate)
): TexturePlan {
  const bins = settings.nFft / 2 + 1
  const rows = (samples: number): number => centredFrameCount(samples, settings.hop) - (settings.kernel - 1)
  const route = chooseStyleRoute(rows(style.length), rows(contentSamples), settings.filters)
  const tooShort = (): Error => new Error(`style: clip is too short for the texture method (needs at least ${settings.kernel} frames)`)
  const backend = tf.getBackend()
  if (shouldSplit(route, settings.threads, backend)) {
    // The kernel-trick route keeps the style short by construction: its frames fit in memory at once.
    const frames = allFrames(style, settings.nFft, settings.hop, 'style', log1pInPlace)
    if (frames.frames < settings.kernel) throw tooShort()
    const split = SplitTexture.open({
      threads: Math.min(settings.threads, settings.filters),
      bins,
      filters: settings.filters,
      kernel: settings.kernel,
      seed: settings.seed,
      backend,
      styleFrames: frames.data,
      styleFrameCount: frames.frames,
      maxRows: centredFrameCount(contentSamples, settings.hop)
    })
    try {
      afterChunk?.()
    } catch (err) {
      split.dispose()
      throw err
    }
    return { kind: 'split', settings, split, styleMaxLog: maxOf(frames.data), dispose: () => split.dispose() }
  }
  const net = createTextureNet(bins, settings.filters, settings.kernel, settings.seed)
  const acc = new GramAccumulator((frames) => activations(net, frames), settings.kernel - 1, route === 'gram' ? 'gram' : 'features')
  let styleMaxLog = Number.NEGATIVE_INFINITY
  try {
    for (const block of magnitudeChunks(style, settings.nFft, settings.hop, settings.styleChunkFrames, 'style', log1pInPlace)) {
      styleMaxLog = Math.max(styleMaxLog, maxOf(block.data))
      acc.add(block)
      afterChunk?.()
    }
    if (acc.rows === 0) throw tooShort()
    const styleTarget: StyleTarget = route === 'gram' ? gramStyleTarget(acc.result()) : featureStyleTarget(acc.featureRows())
    return {
      kind: 'local',
      settings,
      net,
      style: styleTarget,
      styleMaxLog,
      dispose() {
        net.dispose()
        disposeStyleTarget(styleTarget)
      }
    }
  } catch (err) {
    net.dispose()
    throw err
  } finally {
    acc.dispose()
  }
}

/** Result of one content segment: audio at the plan's sample rate and the optimisation's losses. */
export interface SegmentResult {
  audio: Float32Array
  losses: number[]
}

/** The optimised spectrogram of one content segment: magnitudes (not log), frame-major. */
export interface TextureMagnitude {
  mag: Float32Array
  frames: number
  bins: number
  losses: number[]
  /** Bins lowered to the louder input's loudest log1p-magnitude (texture-level.ts). */
  capped: number
}

/**
 * Stylises one content segment: optimise its log-magnitude against the style Gram (and the
 * content's activations, weighted by alpha), then recover a phase with Griffin-Lim.
 */
export function textureSegment(
  plan: TexturePlan,
  content: Float32Array,
  onIteration: (phase: 'optimise' | 'phase', i: number, loss?: number) => void,
  signal?: AbortSignal
): SegmentResult {
  const opt = textureMagnitude(plan, content, onIteration, signal)
  const audio = texturePhase(plan.settings, opt, content, (i) => {
    if (signal?.aborted) throwIfCancelled(signal)
    onIteration('phase', i)
  })
  return { audio, losses: opt.losses }
}

/** The optimisation half of textureSegment: the stylised magnitude, before any phase. */
export function textureMagnitude(
  plan: TexturePlan,
  content: Float32Array,
  onIteration: (phase: 'optimise', i: number, loss?: number) => void,
  signal?: AbortSignal
): TextureMagnitude {
  const s = plan.settings
  const frames = allFrames(content, s.nFft, s.hop, 'content', log1pInPlace)
  if (frames.frames < s.kernel) {
    const minSeconds = ((s.kernel - 1) * s.hop) / s.sampleRate
    throw new Error(`content: clip is too short for the texture method (at least ${minSeconds.toFixed(2)} s needed)`)
  }
  // The level rule (texture-level.ts): no output bin louder than the louder input's loudest.
  const cap = Math.max(plan.styleMaxLog, maxOf(frames.data))
  const rng = createRng(s.seed + 1)
  const contentLog = tf.tensor2d(frames.data, [frames.frames, frames.bins])
  // L = alpha * content + w_s * style is minimised as w_s * ((alpha / w_s) * content + style): the
  // reference's Gram term keeps its scale (which L-BFGS's first step is tuned to), losses are reported x w_s.
  const alpha = s.alpha / s.styleWeight
  let contentActs: tf.Tensor2D | null = null
  let f: (x: tf.Tensor2D) => { loss: tf.Scalar; grad: tf.Tensor2D }
  if (plan.kind === 'split') {
    const { split } = plan
    split.setContent(frames.data, frames.frames, alpha)
    f = (x) => split.lossAndGrad(x)
  } else {
    const { net } = plan
    contentActs = alpha > 0 ? activations(net, contentLog) : null
    const targets = { style: plan.style, contentActs, alpha }
    f = (x) => textureLossAndGrad(net, targets, x)
  }
  let x0: tf.Tensor2D
  if (s.init === 'content') x0 = tf.clone(contentLog)
  else {
    const noise = new Float32Array(frames.data.length)
    for (let i = 0; i < noise.length; i++) noise[i] = rng.normal() * 1e-3
    x0 = tf.tensor2d(noise, [frames.frames, frames.bins])
  }
  const onIter = (i: number, loss: number): boolean => {
    onIteration('optimise', i, loss * s.styleWeight)
    return !signal?.aborted
  }
  let result: MinimizeResult<tf.Tensor2D>
  try {
    result =
      s.optimizer === 'lbfgs'
        ? minimizeLbfgs(f, x0, { iterations: s.iterations, lineSearch: s.lineSearch, onIteration: onIter })
        : minimizeAdam(f, x0, { iterations: s.iterations, learningRate: s.learningRate, onIteration: onIter })
  } finally {
    x0.dispose()
    contentLog.dispose()
    contentActs?.dispose()
  }
  throwIfCancelled(signal)
  const mag = result.x.dataSync() as Float32Array
  result.x.dispose()
  const capped = capInPlace(mag, cap)
  expm1ClampInPlace(mag)
  return { mag, frames: frames.frames, bins: frames.bins, losses: result.losses.map((l) => l * s.styleWeight), capped }
}

/** The phase half of textureSegment: a signal of `content`'s length whose STFT magnitude approaches `opt.mag`. */
export function texturePhase(
  s: TextureSettings,
  opt: Pick<TextureMagnitude, 'mag' | 'frames' | 'bins'>,
  content: Float32Array,
  onIteration?: (i: number) => void
): Float32Array {
  const initPhase =
    s.phaseInit === 'content' ? phaseOf(stft(content, { nFft: s.nFft, hop: s.hop })) : undefined
  return griffinLim(opt.mag, opt.frames, opt.bins, {
    nFft: s.nFft,
    hop: s.hop,
    iterations: s.griffinLimIterations,
    momentum: 0.99,
    initPhase,
    seed: s.seed + 2,
    length: content.length,
    ...(onIteration && { onIteration })
  })
}
