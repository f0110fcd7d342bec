import { resolve } from 'node:path'
import type { JobKind, JobParams } from './kinds'

/**
 * What a job reads from the library's checkpoints, as its params name it: a model (its best
 * checkpoint, chosen in the worker), a checkpoint id, or a checkpoint folder (a training job's
 * `resume` by path). All absent: the job reads none, or the family's first model (a reference the
 * params do not pin down).
 */
export interface CheckpointRead {
  modelId?: number
  checkpointId?: number
  checkpointPath?: string
}

/** A model reference's ids (ModelRef, generation and latent params). */
const refOf = (p: { modelId?: number; checkpointId?: number }): CheckpointRead => ({
  ...(p.modelId !== undefined && { modelId: p.modelId }),
  ...(p.checkpointId !== undefined && { checkpointId: p.checkpointId })
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
  stylize: (p) => refOf({ modelId: p.options.model, checkpointId: p.options.checkpoint }),
  tagAudio: refOf,
  evaluateTagger: refOf,
  exportModel: refOf,
  fool: refOf,
  generateWavenet: refOf,
  latentCode: refOf,
  decodeLatent: refOf,
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
