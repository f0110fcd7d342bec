/**
 * Worker side: which WaveNet checkpoint a reference names, and a trained WaveNet loaded for the
 * wavenet style method, which differentiates through it. The library of `dataDir` is opened only
 * to find the checkpoint (a model's lowest validation NLL, or the checkpoint given), then closed.
 */
import { Library } from '../library/library'
import type { Checkpoint } from '../library/checkpoints'
import { loadModel } from '../engine/models/model-files'
import { WAVENET_ARCH, type WavenetSpec } from '../engine/train/wavenet'
import type { StyleWavenet } from '../engine/style/wavenet/index'
import { resolveModelRef, type ModelFamily, type ModelRef } from './model-ref'
import { lowestValidNll } from './train-wavenet-job'

/** WaveNets: a model id stands for its checkpoint of lowest validation NLL. */
const WAVENETS: ModelFamily = { label: 'WaveNet', trainWith: 'train-wavenet', is: (arch) => arch === WAVENET_ARCH, best: lowestValidNll }

/** The WaveNet checkpoint `ref` names (generation, mel files, the style method), with its stored description. */
export async function resolveWavenet(lib: Library, ref: Omit<ModelRef, 'dataDir'>): Promise<{ checkpoint: Checkpoint; spec: WavenetSpec; modelId: number }> {
  const { checkpoint, spec, modelId } = await resolveModelRef<WavenetSpec>(lib, ref, WAVENETS)
  return { checkpoint, spec, modelId }
}

/** Loads the WaveNet `ref` names, with its rate and speakers; the caller disposes `model`. */
export async function loadStyleWavenet(ref: ModelRef): Promise<StyleWavenet> {
  const lib = Library.open(ref.dataDir)
  try {
    const { checkpoint, spec, modelId } = await resolveWavenet(lib, ref)
    const model = await loadModel(checkpoint.path, { optimizer: false })
    return { model, sampleRate: spec.sampleRate, speakers: spec.speakers.map((s) => s.code), modelId, checkpointId: checkpoint.id }
  } finally {
    lib.close()
  }
}
