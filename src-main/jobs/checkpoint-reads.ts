import { resolve } from 'node:path'
import type { JobKind, JobParams } from './kinds'

/**
 * What a job reads from the library's checkpoints, as its params name it: a model (its best
 * checkpoint, chosen in the worker), a checkpoint id, or a checkpoint folder (a training job's
 * `resume` by path); or, where the params name none, the first model of a family (`firstOf`: the
 * worker takes the first the library lists, model-ref's rule: `tag` with no model, the newest tagger).
 */
export interface CheckpointRead {
  modelId?: number
  checkpointId?: number
  checkpointPath?: string
  firstOf?: ModelFamilyName
}

/** The model families a job may read without naming a model. */
export type ModelFamilyName = 'tagger' | 'wavenet'

/**
 * Whether a model of `kind` (the models table's, its checkpoints' arch) is of `family`, as the
 * worker's families decide it (model-jobs' TAGGERS, load-wavenet's WAVENETS: WAVENET_ARCH); the
 * strings are repeated here so the main process need not load the engine (a test holds them equal).
 */
export function isOfFamily(kind: string, family: ModelFamilyName): boolean {
  return family === 'tagger' ? kind.startsWith('tagger/') : kind === 'wavenet/mulaw'
}

/** A model reference's ids (ModelRef, generation and latent params); with neither, the first model of `family`. */
const refOf =
  (family: ModelFamilyName | undefined) =>
  (p: { modelId?: number; checkpointId?: number }): CheckpointRead => ({
    ...(p.modelId !== undefined && { modelId: p.modelId }),
    ...(p.checkpointId !== undefined && { checkpointId: p.checkpointId }),
    ...(p.modelId === undefined && p.checkpointId === undefined && family !== undefined && { firstOf: family })
  })

/** A training job's `resume` (a checkpoint id in digits, or its folder); none when it starts afresh. */
const resumeOf = (p: { resume?: string }): CheckpointRead | undefined =>
  p.resume === undefined ? undefined : /^\d+$/.test(p.resume) ? { checkpointId: Number(p.resume) } : { checkpointPath: resolve(p.resume) }

/**
 * Each kind's reads, one entry per kind of JobKinds, so a new kind must say what it reads. Training
 * kinds name only the checkpoint they resume from (the run they write is guarded by its status).
 */
const readers: { [K in JobKind]: (p: JobParams<K>) => CheckpointRead | undefined } = {
  griffinLim: () => undefined,
  applyChain: () => undefined,
  importDataset: () => undefined,
  // Only the activation and wavenet methods load a model (engine/style/job.ts).
  stylize: (p) => refOf(p.options.method === 'activation' ? 'tagger' : p.options.method === 'wavenet' ? 'wavenet' : undefined)({ modelId: p.options.model, checkpointId: p.options.checkpoint }),
  tagAudio: refOf('tagger'),
  evaluateTagger: refOf('tagger'),
  // Export with no reference exports a tagger (a WaveNet is exported only when named).
  exportModel: refOf('tagger'),
  fool: refOf('tagger'),
  generateWavenet: refOf('wavenet'),
  latentCode: refOf(undefined),
  decodeLatent: refOf(undefined),
  trainTagger: resumeOf,
  trainWavenet: resumeOf,
  trainVae: resumeOf,
  trainVlae: resumeOf
}

/** What job `kind` with `params` reads (see CheckpointRead); undefined for a kind that reads none or is not a production kind. */
export function checkpointReadOf(kind: string, params: unknown): CheckpointRead | undefined {
  if (!Object.hasOwn(readers, kind) || typeof params !== 'object' || params === null) return undefined
  const read = (readers[kind as JobKind] as (p: unknown) => CheckpointRead | undefined)(params)
  return read && Object.keys(read).length > 0 ? read : undefined
}
