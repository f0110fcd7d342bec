/**
 * Worker side: a trained tagger loaded for the methods that differentiate through it (activation
 * style, fooling). The library of `dataDir` is opened only to find the checkpoint, then closed.
 */
import { Library } from '../library/library'
import { loadModel } from '../engine/models/model-files'
import type { StyleTagger } from '../engine/style/stylize'
import { resolveTagger, type ModelRef } from './model-jobs'

/** Loads the tagger `ref` names (its best checkpoint, or the checkpoint given); the caller disposes `model`. */
export async function loadTagger(ref: ModelRef): Promise<StyleTagger> {
  const lib = Library.open(ref.dataDir)
  try {
    const { checkpoint, spec, modelId } = await resolveTagger(lib, ref)
    const model = await loadModel(checkpoint.path, { optimizer: false })
    return { model, crop: spec.crop, sampleRate: spec.sampleRate, tags: spec.tags, modelId, checkpointId: checkpoint.id, arch: spec.arch }
  } finally {
    lib.close()
  }
}
