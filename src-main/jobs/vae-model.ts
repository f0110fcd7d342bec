/**
 * Finding and loading a trained VAE: a checkpoint by library id or folder (to resume), or a model's
 * newest checkpoint by model id (to draw samples and maps). Anything that is not a VAE of this
 * module's kind, or whose layers disagree with its stored description, is refused in one line.
 */
import { resolve } from 'node:path'
import type { Library } from '../library/library'
import type { Checkpoint } from '../library/checkpoints'
import { loadCheckpoint, readCheckpointMeta, type CheckpointMeta } from '../engine/train/checkpoint'
import { disposeModel, type LayersModel } from '../engine/models/model-files'
import { checkMlpVae, mlpVae } from '../engine/models/vae/mlp'
import type { Vae } from '../engine/models/vae/vae'
import { VAE_ARCH, type VaeSpec } from '../engine/train/vae'
import { UserError } from '../util/errors'

/** A loaded VAE checkpoint. */
export interface LoadedVae {
  model: LayersModel
  vae: Vae
  spec: VaeSpec
  meta: CheckpointMeta
  path: string
  checkpointId: number | null
  modelId: number | null
}

/**
 * Loads the checkpoint folder `path` as a VAE (`what` names it in refusals), with its optimizer state
 * unless `optimizer` is false (pictures need the weights alone); the caller frees `model` with disposeModel.
 */
export async function loadVaeCheckpoint(lib: Library, path: string, what: string, checkpoint?: Checkpoint, opts: { optimizer?: boolean } = {}): Promise<LoadedVae> {
  const meta = await readCheckpointMeta(path)
  const spec = meta.extra.spec as VaeSpec | undefined
  if (meta.arch !== VAE_ARCH || !spec) throw new UserError(`${what}: a checkpoint of ${meta.arch}, not of the MNIST VAE (${VAE_ARCH})`)
  const { model } = await loadCheckpoint(path, VAE_ARCH, opts)
  try {
    checkMlpVae(model, spec.options, what)
  } catch (err) {
    disposeModel(model)
    throw err
  }
  const run = checkpoint ? lib.runs.get(checkpoint.runId) : undefined
  return { model, vae: mlpVae(model, spec.options), spec, meta, path, checkpointId: checkpoint?.id ?? null, modelId: run?.modelId ?? null }
}

/** A checkpoint named by library id or by folder (the --resume door). */
export async function resolveVaeCheckpoint(lib: Library, ref: string, what: string): Promise<LoadedVae> {
  const byId = /^\d+$/.test(ref) ? lib.checkpoints.get(Number(ref)) : lib.checkpoints.list().find((c) => c.path === resolve(ref))
  if (/^\d+$/.test(ref) && !byId) throw new UserError(`${what}: no checkpoint with that id in the library`)
  return loadVaeCheckpoint(lib, byId ? byId.path : resolve(ref), what, byId)
}

/** The newest checkpoint of VAE model `modelId` (the pictures' door). */
export async function resolveVaeModel(lib: Library, modelId: number): Promise<LoadedVae> {
  const model = lib.models.get(modelId)
  if (!model) throw new UserError(`model ${modelId}: not in the library (see \`npm run cli -- models\`)`)
  if (model.kind !== VAE_ARCH) throw new UserError(`model ${modelId}: a ${model.kind} model, not the MNIST VAE (${VAE_ARCH}; train one with \`train-vae --preset mnist\`)`)
  const all = lib.runs.list({ modelId }).flatMap((r) => lib.checkpoints.list({ runId: r.id }))
  if (all.length === 0) throw new UserError(`model ${modelId}: has no checkpoint yet (its training has not finished an epoch)`)
  const newest = all.reduce((a, b) => (b.step > a.step || (b.step === a.step && b.id > a.id) ? b : a))
  return loadVaeCheckpoint(lib, newest.path, `model ${modelId}`, newest, { optimizer: false })
}
