/**
 * The audio VLAE training service: a `trainVlae` run through the job pool (the same path for every
 * door), with progress events and cancel. The worker records the run in the library as it goes.
 */
import { resolveDataDir } from '../library/data-dir'
import type { TrainVlaeJobParams, TrainVlaeJobResult } from '../jobs/train-vlae-job'
import { UserError } from '../util/errors'
import { checkTrainingParams, resumedRunSettings, checkWhole, runTrainingJob, type TrainHooks } from './training'

/** A VLAE training request: the job's params over the preset's, every default but the dataset filled in. */
export type TrainVlaeRequest = Partial<Omit<TrainVlaeJobParams, 'datasetId'>> & { datasetId: number }

/**
 * The `vlae` preset: 16 latents, crops of 2,048 samples (128 ms at 16 kHz; the decoder's receptive
 * field is 32), free bits 0.25 nats per dimension (Kingma et al. 2016 used 0.125..0.5 per group),
 * Adam at 1e-3 on batches of 8.
 */
export const VLAE_PRESET = { latents: 16, crop: 2048, sampleRate: 16000, freeBits: 0.25, epochs: 20, batch: 8, learningRate: 1e-3, seed: 2017 } as const satisfies Partial<TrainVlaeJobParams>

/**
 * The most decoder depth a request may ask for: 8 stacks of up to 14 layers (at 14 a stack's dilations
 * reach 2^13, about 2^14 samples of receptive field, already 8x the preset's crop). The service (so
 * the CLI's train-vae) and the bench's vlae section check the same bounds.
 */
export const VLAE_DEPTH_LIMITS = { stacks: 8, layersPerStack: 14 } as const

/** Trains an audio VLAE; resolves with the run's figures, rejects with a one-line UserError for bad input. */
export async function trainVlae(req: TrainVlaeRequest, hooks: TrainHooks = {}): Promise<TrainVlaeJobResult> {
  // A resumed run keeps its checkpoint's shape and rate: the preset's are not imposed on it.
  const { latents, crop, sampleRate, ...training } = VLAE_PRESET
  const shape = req.resume === undefined ? { latents, crop, sampleRate } : {}
  const dataDir = resolveDataDir(req.dataDir)
  // A resumed run also keeps its run's training settings (batch, epochs...) where the request names none.
  const params: TrainVlaeJobParams = { ...training, ...resumedRunSettings(dataDir, req.resume, training), ...shape, ...req, dataDir }
  await checkTrainingParams(params)
  checkWhole('latents', params.latents, 1, 512)
  checkWhole('crop', params.crop, 64, 1 << 20)
  checkWhole('stacks', params.stacks, 1, VLAE_DEPTH_LIMITS.stacks)
  checkWhole('layers per stack', params.layersPerStack, 1, VLAE_DEPTH_LIMITS.layersPerStack)
  checkWhole('sample rate', params.sampleRate, 4000, 192000)
  if (!(params.freeBits >= 0 && params.freeBits <= 100)) throw new UserError(`free bits: ${params.freeBits} is not a number of nats in 0..100`)
  return runTrainingJob('trainVlae', params, hooks)
}
