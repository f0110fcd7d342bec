/**
 * Checkpoints: a model folder in the TF.js Layers format (models/model-files) whose model.json also
 * carries the optimizer's state (includeOptimizer) and, in userDefinedMetadata, the TrainState and
 * the caller's description of the model (architecture, options, tags...). Resuming from one restores
 * weights, optimizer moments and step, and the data order (the state's seed and epoch).
 */
import { join } from 'node:path'
import { loadModel, readModelArtifacts, saveModel, type LayersModel, type SavedModel } from '../models/model-files'
import type { TrainState } from './loop'
import { UserError } from '../../util/errors'
import { tf } from '../tf'

/** What a checkpoint says about itself besides its weights. */
export interface CheckpointMeta {
  /** The model family and architecture, e.g. 'tagger/dieleman': a resume must match it. */
  arch: string
  /** The options the model was built with (JSON). */
  modelOptions: Record<string, unknown>
  /** Anything else the model's users need (tag names, sample rate...). */
  extra: Record<string, unknown>
  state: TrainState
}

/** Key of the metadata inside model.json's userDefinedMetadata. */
const META_KEY = 'electricBeats'

/** Writes a checkpoint folder `dir` atomically (refusing an existing one); returns its size. */
export async function saveCheckpoint(model: LayersModel, dir: string, meta: CheckpointMeta): Promise<SavedModel> {
  // tfjs's optimizer.getWeights() makes a fresh `iter` scalar on every call, and LayersModel.save
  // never disposes it: one tensor lost per checkpoint. Those made while saving are disposed here.
  const save = () => saveModel(model, dir, { includeOptimizer: true, metadata: { [META_KEY]: meta as unknown as Record<string, unknown> } })
  const optimizer = model.optimizer as typeof model.optimizer | null
  if (!optimizer) return save()
  const getWeights = optimizer.getWeights
  const made: tf.Tensor[] = []
  optimizer.getWeights = async function (this: typeof optimizer) {
    const weights = await getWeights.call(this)
    for (const w of weights) if (w.name === 'iter') made.push(w.tensor)
    return weights
  }
  try {
    return await save()
  } finally {
    optimizer.getWeights = getWeights
    tf.dispose(made)
  }
}

/** Reads only a checkpoint's metadata (no weights decoded): a UserError when it has none. */
export async function readCheckpointMeta(dir: string): Promise<CheckpointMeta> {
  const artifacts = await readModelArtifacts(dir)
  const meta = (artifacts.userDefinedMetadata as Record<string, unknown> | undefined)?.[META_KEY] as CheckpointMeta | undefined
  if (!meta || typeof meta.arch !== 'string' || typeof meta.state !== 'object') {
    throw new UserError(`${join(dir, 'model.json')}: not an Electric Beats checkpoint (no training state in its metadata)`)
  }
  return meta
}

/**
 * Loads a checkpoint to resume: the compiled model with its optimizer state (free it with
 * disposeModel), and its metadata; with `optimizer: false`, for inference, the weights alone.
 * `expectArch` refuses a checkpoint of another architecture with one line naming both.
 */
export async function loadCheckpoint(dir: string, expectArch?: string, opts: { optimizer?: boolean } = {}): Promise<{ model: LayersModel; meta: CheckpointMeta }> {
  const meta = await readCheckpointMeta(dir)
  if (expectArch !== undefined && meta.arch !== expectArch) throw new UserError(`${dir}: a checkpoint of ${meta.arch}, not ${expectArch}`)
  return { model: await loadModel(dir, opts), meta }
}
