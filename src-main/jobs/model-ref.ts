/**
 * Worker side: which checkpoint a model reference names, for every model family. A reference is a
 * model id (its best checkpoint by the family's rule), a checkpoint id, or neither (the family's
 * first model in the library); a checkpoint of another model than the one named, a model of another
 * family and a checkpoint whose stored description is of another family are refused in one line.
 */
import type { Library } from '../library/library'
import type { Checkpoint } from '../library/checkpoints'
import { readCheckpointMeta, type CheckpointMeta } from '../engine/train/checkpoint'
import { UserError } from '../util/errors'

/** Which model: a model id (its best checkpoint) or a checkpoint id, in the library of `dataDir`. */
export interface ModelRef {
  dataDir: string
  modelId?: number
  checkpointId?: number
}

/** A model family as a reference resolves it. */
export interface ModelFamily {
  /** "tagger", "WaveNet": how messages name the family. */
  label: string
  /** The command that trains one (named when the library has none). */
  trainWith: string
  /** Whether a model or checkpoint `arch` is of the family. */
  is: (arch: string) => boolean
  /** The checkpoint a model id stands for, of a non-empty list of its checkpoints. */
  best: (all: Checkpoint[]) => Checkpoint
}

/** The checkpoint `ref` names, its metadata and stored description (`spec`), and its model's id (-1 when its run has none). */
export async function resolveModelRef<Spec>(lib: Library, ref: Omit<ModelRef, 'dataDir'>, family: ModelFamily): Promise<{ checkpoint: Checkpoint; meta: CheckpointMeta; spec: Spec; modelId: number }> {
  let checkpoint: Checkpoint | undefined
  if (ref.checkpointId !== undefined) {
    checkpoint = lib.checkpoints.get(ref.checkpointId)
    if (!checkpoint) throw new UserError(`checkpoint ${ref.checkpointId}: not in the library (see \`npm run cli -- models\`)`)
  } else {
    const model = ref.modelId === undefined ? lib.models.list().find((m) => family.is(m.kind)) : lib.models.get(ref.modelId)
    if (!model) throw new UserError(ref.modelId === undefined ? `no trained ${family.label} in the library (train one with \`${family.trainWith}\`)` : `model ${ref.modelId}: not in the library`)
    if (!family.is(model.kind)) throw new UserError(`model ${model.id}: a ${model.kind} model, not a ${family.label}`)
    const all = lib.runs.list({ modelId: model.id }).flatMap((r) => lib.checkpoints.list({ runId: r.id }))
    if (all.length === 0) throw new UserError(`model ${model.id}: has no checkpoint yet (its training has not finished an epoch)`)
    checkpoint = family.best(all)
  }
  const run = lib.runs.get(checkpoint.runId)
  if (ref.checkpointId !== undefined && ref.modelId !== undefined && run?.modelId !== ref.modelId) {
    throw new UserError(`checkpoint ${checkpoint.id}: belongs to model ${run?.modelId ?? '(none)'}, not model ${ref.modelId}`)
  }
  const meta = await readCheckpointMeta(checkpoint.path)
  const spec = meta.extra.spec as Spec | undefined
  if (!family.is(meta.arch) || !spec) throw new UserError(`checkpoint ${checkpoint.id}: not a ${family.label} (${meta.arch})`)
  return { checkpoint, meta, spec, modelId: run?.modelId ?? -1 }
}
