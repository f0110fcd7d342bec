import type { LatentCode, ModelSummary } from '../../../src-preload/api'

type Checkpoint = ModelSummary['runs'][number]['checkpoints'][number]

/** A checkpoint of a VLAE run with the figures `metrics` (kl_0.. for its KL per latent). */
export const vlaeCheckpoint = (id: number, step: number, metrics: Record<string, number>): Checkpoint => ({ id, epoch: 1, step, sizeBytes: 1, valRocAuc: null, validNll: null, metrics, createdAt: '' })

/** A trained audio VLAE as listModels gives it: model 3, 3 latents, one completed run with `checkpoints`. */
export const vlaeModel = (over: Partial<ModelSummary> = {}, checkpoints = [vlaeCheckpoint(1, 10, { kl_0: 0.5, kl_1: 0.001, kl_2: 2 })]): ModelSummary => ({
  id: 3,
  name: 'VLAE',
  kind: 'vae/vlae',
  tags: [],
  speakers: [],
  sampleRate: 8000,
  receptiveField: null,
  melBands: null,
  latents: 3,
  createdAt: '',
  runs: [{ id: 1, status: 'completed', error: null, datasetId: 1, epochs: 1, split: null, createdAt: '', startedAt: null, finishedAt: null, bestValRocAuc: null, bestValidNll: null, testRocAuc: null, config: {}, checkpoints }],
  ...over
}) as ModelSummary

/** A code of model 3's checkpoint 7, encoded from a clip (sigma given). */
export const latentCode = (over: Partial<LatentCode> = {}): LatentCode => ({ modelId: 3, checkpointId: 7, model: 'VLAE', z: [0.5, -1, 0], sigma: [1, 0.5, 1], source: '/data/imports/0a1b2c3d-p225_001.wav', sampleRate: 8000, ...over })
