import { availableParallelism } from 'node:os'
import type { Hz, Seconds } from '../../util/units'
import type { OptimizerName } from './types'
import { STYLE_METHOD_DEFAULTS } from '../../../src-preload/style-defaults'

/**
 * Settings of the texture method (Ulyanov & Lebedev 2016). Defaults were picked by measurement on
 * the 2-core wasm machine against the PyTorch peer (../shared/peers/texture_torch.py at its own
 * defaults: 4096 filters, 300 L-BFGS iterations, 22.05 kHz, n_fft 2048, hop 512); see README
 * "How the defaults were chosen" and `npm run bench` for the figures.
 */
export interface TextureSettings {
  sampleRate: Hz
  nFft: number
  hop: number
  /** Number of random filters N. */
  filters: number
  /** Filter width over time, in frames (11 in the paper). */
  kernel: number
  /** Content weight alpha (0 = pure texture synthesis). */
  alpha: number
  /** Scale of the style term (1 = the reference loss). */
  styleWeight: number
  iterations: number
  optimizer: OptimizerName
  /**
   * L-BFGS line search: 'wolfe' (see engine/optim/lbfgs), or 'none' for the peer's fixed step, which
   * stalls near the small-noise start on clips of a few seconds (README, "Known limits").
   */
  lineSearch: 'none' | 'wolfe'
  /** Adam's step size when optimizer is adam. */
  learningRate: number
  /** Start the optimisation from the content's log-magnitude, or from small seeded noise. */
  init: 'content' | 'noise'
  /** Start Griffin-Lim from the content's phase, or from seeded random phase. */
  phaseInit: 'content' | 'random'
  /** Fast Griffin-Lim iterations for the phase. */
  griffinLimIterations: number
  seed: number
  /**
   * Threads the filter bank is split across on the single-core backends (wasm, cpu): this one plus
   * threads - 1 helpers. Same seed and thread count give the same output.
   */
  threads: number
  /** Content longer than this is processed in overlapping segments joined by crossfade. */
  segmentSeconds: Seconds
  /** Overlap between content segments (equal-power crossfade). */
  overlapSeconds: Seconds
  /** Frames per chunk when accumulating the style Gram (bounds memory for any style length). */
  styleChunkFrames: number
}

export const textureDefaults: TextureSettings = {
  sampleRate: 22050,
  nFft: 2048,
  hop: 512,
  filters: STYLE_METHOD_DEFAULTS.texture.filters,
  kernel: 11,
  alpha: STYLE_METHOD_DEFAULTS.texture.contentWeight,
  styleWeight: STYLE_METHOD_DEFAULTS.texture.styleWeight,
  iterations: STYLE_METHOD_DEFAULTS.texture.iterations,
  optimizer: 'lbfgs',
  lineSearch: 'wolfe',
  learningRate: 0.05,
  init: 'noise',
  phaseInit: 'random',
  griffinLimIterations: 100,
  seed: 0,
  threads: Math.max(1, Math.min(4, availableParallelism())),
  segmentSeconds: 20,
  overlapSeconds: 1,
  styleChunkFrames: 1024
}

/** Settings of the report's spectrogram Gram baseline (Foote, Yang, Rohaninejad 2016). */
export interface GramSettings {
  sampleRate: Hz
  nFft: number
  hop: number
  contentWeight: number
  styleWeight: number
  learningRate: number
  iterations: number
  seed: number
  segmentSeconds: Seconds
  overlapSeconds: Seconds
  styleChunkFrames: number
}

export const gramDefaults: GramSettings = {
  sampleRate: 16000,
  nFft: 2048,
  hop: 512,
  contentWeight: STYLE_METHOD_DEFAULTS.gram.contentWeight,
  styleWeight: STYLE_METHOD_DEFAULTS.gram.styleWeight,
  learningRate: 1e-3,
  iterations: STYLE_METHOD_DEFAULTS.gram.iterations,
  seed: 0,
  segmentSeconds: 30,
  overlapSeconds: 1,
  styleChunkFrames: 1024
}
