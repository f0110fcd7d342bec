import type { EffectChain, StageName } from '../effects/chain'
import type { Decibels, Hz, Milliseconds, Samples, Seconds } from '../../util/units'

/**
 * Style methods: texture (random filters, log-magnitude), gram (spectrogram Gram baseline),
 * activation (a trained tagger's layers), match (a fitted vocal effect chain), wavenet (coordinate
 * descent over a trained WaveNet's one-hot input).
 */
export type StyleMethod = 'texture' | 'gram' | 'activation' | 'match' | 'wavenet'
export type OptimizerName = 'lbfgs' | 'adam' | 'nelder-mead' | 'gradient'

/** What the user may set for one render; everything has a documented default. */
export interface StylizeOptions {
  method?: StyleMethod
  iterations?: number
  contentWeight?: number
  styleWeight?: number
  filters?: number
  seed?: number
  /** Texture method only: L-BFGS (default, measured faster to equal loss) or Adam. */
  optimizer?: OptimizerName
  /** Texture method with L-BFGS: 'wolfe' (default, a line search; steady on short clips) or 'none' (the peer's fixed step). */
  lineSearch?: 'none' | 'wolfe'
  /** Texture method only: start from the content's log-magnitude or from small seeded noise. */
  init?: 'content' | 'noise'
  /** Texture method only: start Griffin-Lim from the content's phase or from seeded random phase. */
  phaseInit?: 'content' | 'random'
  /** TensorFlow.js backend name (see engine/backend). */
  backend?: string
  /** Texture method on wasm/cpu: threads to split the filter bank across (default: cores, at most 4). */
  threads?: number
  /** Activation and wavenet methods: the trained tagger or WaveNet, by model id (its best checkpoint); default the newest. */
  model?: number
  /** Activation and wavenet methods: the model by checkpoint id instead of model id. */
  checkpoint?: number
  /** Activation method: layers whose activations carry the content (default: the last conv block's output). Wavenet: one layer, an index i (layer{i}_residual) or a name (default: the deepest residual). */
  contentLayers?: string[]
  /** Activation method: layers whose Gram over time carries the style (default: the first two conv layers). Wavenet: indices or names (default: 0, 1). */
  styleLayers?: string[]
  /** Wavenet method: samples per block of the coordinate descent (default 1024); iterations are its gradient steps per block. */
  wavenetBlock?: number
  /** Wavenet method: passes over the whole clip (default 1). */
  wavenetSweeps?: number
  /** Wavenet method: the speaker code to condition on (default the model's first; none for an unconditioned model). */
  speaker?: string
  /** Match method: the stages to fit (default all: eq, compressor, saturation, reverb); the others stay neutral. */
  matchStages?: StageName[]
  /** Match method: output integrated loudness, LUFS (default: the style's, clamped to -30..-9). */
  loudness?: number
  /** Match method: true-peak ceiling, dBTP (default -1). */
  truePeak?: number
}

/** Objective measures of one signal (dsp/measures), reported for content, style and output of every render. */
export interface SignalMeasures {
  /** Integrated loudness, LUFS (ITU-R BS.1770-4); null when every block is gated out (silence). */
  loudness: number | null
  /** True peak, dBTP (BS.1770 Annex 2); null for digital silence. */
  truePeak: Decibels | null
  /** Peak-to-RMS ratio in dB over the whole signal (a sine: 3.01). */
  crestFactor: Decibels
  /** Energy-weighted mean frequency of the spectrum over the signal's active frames. */
  spectralCentroid: Hz
  /** Blind reverberation-time estimate (RT60); null when the signal has no free decays to measure. */
  rt60: Seconds | null
}

/** The three signals of a render, measured alike. */
export interface RenderMeasures {
  content: SignalMeasures
  style: SignalMeasures
  output: SignalMeasures
}

/** Spectral flatness (dsp/flatness: Wiener entropy, 0 for a tone, 0.56 for white noise) of each signal of a render. */
export interface FlatnessReport {
  content: number
  style: number
  output: number
}

/** Objective measures of one render (dsp/metrics), independent of the optimised loss. */
export interface StyleMetrics {
  /** Frechet distance of log-mel statistics to the style: of the content (baseline) and of the output. */
  styleDistance: { content: number; output: number }
  /** Mean absolute difference of per-band z-scored log-mel frames, output vs content. */
  contentDistance: number
}

/** Everything a render reports (the CLI's --json object, the app's output-track label). */
export interface StylizeReport extends StyleMetrics {
  method: StyleMethod
  backend: string
  optimizer: OptimizerName
  sampleRate: Hz
  nFft: number
  hop: number
  filters: number
  /** Threads the render's loss ran on (1 unless the texture filter bank was split; absent in older reports). */
  threads?: number
  iterations: number
  wallMs: Milliseconds
  peakRssMb: number
  finalLoss: number
  /** What the decoder repaired in the inputs (NaN/Inf samples), one line per file; absent when nothing. */
  inputNotes?: string[]
  /** Activation method: the tagger and the layers read. */
  tagger?: { modelId: number; checkpointId: number; arch: string; contentLayers: string[]; styleLayers: string[] }
  /** Activation method: spectral flatness of content, style and output (the report heard white noise). */
  spectralFlatness?: FlatnessReport
  /** Level and room measures of content, style and output (every method; absent in older reports). */
  measures?: RenderMeasures
  /** Wavenet method: its model, layers, settings, losses before and after, and time per block. */
  wavenet?: WavenetStyleReport
  /** Match method: the fitted effect chain (editable, savable as a preset, applied by `apply-chain`). */
  chain?: EffectChain
  /** Match method: what the fit did (stages fitted, evaluations, fallbacks it took, each as one line). */
  fit?: { stages: StageName[]; evaluations: number; fitMs: Milliseconds; notes: string[] }
}

/** The wavenet method's figures in the report (engine/style/wavenet). */
export interface WavenetStyleReport {
  modelId: number
  checkpointId: number
  receptiveField: Samples
  /** Receptive field of the deepest layer read: how far a block's change reaches. */
  reach: Samples
  speaker: string | null
  contentLayer: string
  styleLayers: string[]
  block: Samples
  steps: number
  sweeps: number
  optimizer: 'adam' | 'gradient'
  learningRate: number
  tau: number
  relaxation: 'straight-through' | 'softmax'
  init: 'content' | 'noise'
  /** Input samples the network ran over per step, at most, against the clip's length. */
  windowSamples: Samples
  clipSamples: Samples
  blocks: number
  /** Blocks whose descent found nothing better than their start, and kept it. */
  blocksKept: number
  /** Content, style (Gram) and total loss of the (one-hot) start and of the output. */
  loss: { before: { content: number; style: number; total: number }; after: { content: number; style: number; total: number } }
  /** Wall time per block: mean and the whole of the descent. */
  blockMs: { mean: Milliseconds; total: Milliseconds }
}
