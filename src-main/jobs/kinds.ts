import type { GriffinLimJobParams, GriffinLimJobResult } from './griffin-lim-job'
import type { EngineMap } from './job-context'
import type { StylizeJobParams, StylizeJobResult } from '../engine/style/job'
import type { TrainTaggerJobParams, TrainTaggerJobResult } from './train-tagger-job'
import type { TrainWavenetJobParams, TrainWavenetJobResult } from './train-wavenet-job'
import type { EvaluateParams, EvaluateResult, ExportParams, ExportResult, TagAudioParams, TagAudioResult } from './model-jobs'
import type { FoolParams, FoolResult } from './fool-job'
import type { ApplyChainJobParams, ApplyChainJobResult } from './apply-chain-job'

/**
 * Every job kind: its params and result types. The caller side (JobPool, api/jobs) imports only these
 * types; the worker imports `engines` below. Whole typed arrays inside params and results are moved
 * between threads, not copied.
 *
 * To add a kind: one entry here, one entry in `engines`, the work itself in its engine/ or dsp/ module.
 */
export interface JobKinds {
  /** Phase reconstruction of a magnitude spectrogram (dsp/griffin-lim), one step per iteration. */
  griffinLim: { params: GriffinLimJobParams; result: GriffinLimJobResult }
  /** Offline style transfer of one content file with one style file (engine/style). */
  stylize: { params: StylizeJobParams; result: StylizeJobResult }
  /** Training a music tagger on an imported MagnaTagATune dataset (engine/train), one step per batch. */
  trainTagger: { params: TrainTaggerJobParams; result: TrainTaggerJobResult }
  /** Training a mu-law WaveNet on an imported VCTK-format dataset (engine/train), one step per batch. */
  trainWavenet: { params: TrainWavenetJobParams; result: TrainWavenetJobResult }
  /** Song-level tags of one file from a trained tagger. */
  tagAudio: { params: TagAudioParams; result: TagAudioResult }
  /** A trained tagger's per-tag and macro ROC-AUC / PR-AUC on one split. */
  evaluateTagger: { params: EvaluateParams; result: EvaluateResult }
  /** A trained model's TF.js Layers files written to a folder of the user's. */
  exportModel: { params: ExportParams; result: ExportResult }
  /** One clip changed to maximise a tag of a trained tagger (the research report's "fooling"). */
  fool: { params: FoolParams; result: FoolResult }
  /** An effect chain (the match method's, or a preset) applied to one file at its own rate, and the output measured. */
  applyChain: { params: ApplyChainJobParams; result: ApplyChainJobResult }
}

/** The name of a job kind. */
export type JobKind = keyof JobKinds
/** The params of job kind K. */
export type JobParams<K extends JobKind> = JobKinds[K]['params']
/** The result of job kind K. */
export type JobResult<K extends JobKind> = JobKinds[K]['result']

/**
 * Worker side: kind -> engine function. Each engine module is imported on the first job of its kind,
 * so a worker answers the ready handshake without loading every engine first.
 */
export const engines: EngineMap<JobKinds> = {
  griffinLim: async (params, ctx) => (await import('./griffin-lim-job')).griffinLimJob(params, ctx),
  stylize: async (params, ctx) => (await import('../engine/style/job')).stylizeJob(params, ctx),
  trainTagger: async (params, ctx) => (await import('./train-tagger-job')).trainTaggerJob(params, ctx),
  trainWavenet: async (params, ctx) => (await import('./train-wavenet-job')).trainWavenetJob(params, ctx),
  tagAudio: async (params, ctx) => (await import('./model-jobs')).tagAudioJob(params, ctx),
  evaluateTagger: async (params, ctx) => (await import('./model-jobs')).evaluateTaggerJob(params, ctx),
  exportModel: async (params, ctx) => (await import('./model-jobs')).exportModelJob(params, ctx),
  fool: async (params, ctx) => (await import('./fool-job')).foolJob(params, ctx),
  applyChain: async (params, ctx) => (await import('./apply-chain-job')).applyChainJob(params, ctx)
}
