/**
 * Worker side: finding and loading a trained audio VLAE by model id (its newest checkpoint) or by
 * checkpoint id (a latent code names the one it came from). The checkpoint is loaded by the training
 * job's own loader (resolveVlaeCheckpoint), so a folder whose layers are not those of its stored
 * configuration (checkVlae) is refused here too, in one line.
 */
import type { Library } from '../library/library'
import type { Checkpoint } from '../library/checkpoints'
import { disposeModel, type LayersModel } from '../engine/models/model-files'
import { VLAE_ARCH, type VlaeSpec } from '../engine/train/vlae'
import { resolveModelRef, type ModelFamily } from './model-ref'
import { resolveVlaeCheckpoint } from './train-vlae-job'

/** The newest of a model's checkpoints: the most steps, then the latest recorded. */
export const newestCheckpoint = (all: Checkpoint[]): Checkpoint => all.reduce((a, b) => (b.step > a.step || (b.step === a.step && b.id > a.id) ? b : a))

/** VLAEs: a model id stands for its newest checkpoint (the one the explorer encodes and decodes with). */
const VLAES: ModelFamily = { label: 'VLAE', trainWith: 'train-vae --preset vlae', is: (arch) => arch === VLAE_ARCH, best: newestCheckpoint }

/** A loaded VLAE checkpoint, weights only (no optimizer state); the caller calls `dispose`. */
export interface LoadedVlaeModel {
  model: LayersModel
  spec: VlaeSpec
  modelId: number
  checkpointId: number
  /** Frees the weights (disposeModel: an optimizer too, should the model hold one). */
  dispose(): void
}

/** The checkpoint a VLAE reference names (the model's newest, or the one given, which must be of that model), without loading it. */
export async function resolveVlae(lib: Library, ref: { modelId: number; checkpointId?: number }): Promise<{ checkpoint: Checkpoint; spec: VlaeSpec; modelId: number }> {
  const { checkpoint, spec, modelId } = await resolveModelRef<VlaeSpec>(lib, ref, VLAES)
  return { checkpoint, spec, modelId }
}

/**
 * Loads VLAE `modelId` (its newest checkpoint, or `checkpointId`, which must be one of its). Refuses in
 * one line a model that is not in the library, is not a VLAE, has no checkpoint, and a checkpoint
 * whose weights are not those of its stored configuration.
 */
export async function loadVlaeModel(lib: Library, ref: { modelId: number; checkpointId?: number }): Promise<LoadedVlaeModel> {
  const { checkpoint, modelId } = await resolveVlae(lib, ref)
  // Encoding and decoding need the weights alone: Adam's moments (twice the weights) are never made.
  const loaded = await resolveVlaeCheckpoint(lib, String(checkpoint.id), `checkpoint ${checkpoint.id} of model ${modelId}`, { optimizer: false })
  const { model } = loaded
  return {
    model,
    spec: loaded.spec,
    modelId,
    checkpointId: checkpoint.id,
    dispose() {
      disposeModel(model)
    }
  }
}
