/**
 * Worker side: a trained WaveNet loaded for the wavenet style method, which differentiates through
 * it. The library of `dataDir` is opened only to find the checkpoint (a model's lowest validation
 * NLL, or the checkpoint given), then closed.
 */
import { Library } from '../library/library'
import type { Checkpoint } from '../library/checkpoints'
import { readCheckpointMeta } from '../engine/train/checkpoint'
import { loadModel } from '../engine/models/model-files'
import { WAVENET_ARCH, type WavenetSpec } from '../engine/train/wavenet'
import type { StyleWavenet } from '../engine/style/wavenet/index'
import { UserError } from '../util/errors'
import type { ModelRef } from './model-jobs'
import { lowestValidNll } from './train-wavenet-job'

/** The checkpoint `ref` names; a model that is not a WaveNet, or has no checkpoint, is refused in one line. */
function wavenetCheckpoint(lib: Library, ref: ModelRef): Checkpoint {
  if (ref.checkpointId !== undefined) {
    const c = lib.checkpoints.get(ref.checkpointId)
    if (!c) throw new UserError(`checkpoint ${ref.checkpointId}: not in the library (see \`npm run cli -- models\`)`)
    const owner = lib.runs.get(c.runId)?.modelId
    if (ref.modelId !== undefined && owner !== ref.modelId) throw new UserError(`checkpoint ${c.id}: belongs to model ${owner ?? '(none)'}, not model ${ref.modelId}`)
    return c
  }
  const model = ref.modelId === undefined ? lib.models.list().find((m) => m.kind === WAVENET_ARCH) : lib.models.get(ref.modelId)
  if (!model) throw new UserError(ref.modelId === undefined ? 'no trained WaveNet in the library (train one with `train-wavenet`)' : `model ${ref.modelId}: not in the library`)
  if (model.kind !== WAVENET_ARCH) throw new UserError(`model ${model.id}: a ${model.kind} model, not a WaveNet`)
  const all = lib.runs.list({ modelId: model.id }).flatMap((r) => lib.checkpoints.list({ runId: r.id }))
  if (all.length === 0) throw new UserError(`model ${model.id}: has no checkpoint yet (its training has not finished an epoch)`)
  return lowestValidNll(all)
}

/** Loads the WaveNet `ref` names, with its rate and speakers; the caller disposes `model`. */
export async function loadStyleWavenet(ref: ModelRef): Promise<StyleWavenet> {
  const lib = Library.open(ref.dataDir)
  try {
    const checkpoint = wavenetCheckpoint(lib, ref)
    const meta = await readCheckpointMeta(checkpoint.path)
    const spec = meta.extra.spec as WavenetSpec | undefined
    if (meta.arch !== WAVENET_ARCH || !spec) throw new UserError(`checkpoint ${checkpoint.id}: not a WaveNet (${meta.arch})`)
    const model = await loadModel(checkpoint.path)
    return { model, sampleRate: spec.sampleRate, speakers: spec.speakers.map((s) => s.code), modelId: lib.runs.get(checkpoint.runId)?.modelId ?? -1, checkpointId: checkpoint.id }
  } finally {
    lib.close()
  }
}
