/**
 * The WaveNet training service: a `trainWavenet` run through the job pool (the same path for every
 * door), with progress events and cancel. The worker records the run in the library as it goes.
 */
import { resolveDataDir } from '../library/data-dir'
import type { TrainWavenetJobParams, TrainWavenetJobResult, WavenetCondition } from '../jobs/train-wavenet-job'
import { UserError } from '../util/errors'
import { checkTrainingParams, resumedRunSettings, runTrainingJob, type TrainHooks } from './training'

/** A WaveNet training request: the job's params over a preset's, every default but the dataset filled in. */
export type TrainWavenetRequest = Partial<Omit<TrainWavenetJobParams, 'datasetId'>> & { datasetId: number; preset?: WavenetPresetName }

/**
 * The default preset: the target model (2 stacks x 10 layers, dilations 1-512, 32 residual
 * and dilation channels, 128 skip; receptive field 2048 samples, 128 ms at 16 kHz) conditioned on
 * the speaker for VCTK and unconditioned for MTAT unless asked (the job's default), crops of RF + 2048 samples (half of each crop carries the loss), batch 2 (batch 4
 * of these crops runs out of the wasm heap; about 33 s an epoch on the VCTK fixture), Adam at
 * 1e-3 (ibab/tensorflow-wavenet's rate), up to 100 epochs with early stopping after 10 epochs
 * without a lower validation NLL.
 */
export const WAVENET_PRESET = {
  targets: 2048,
  epochs: 100,
  batch: 2,
  learningRate: 1e-3,
  seed: 2016,
  patience: 10,
  sampleRate: 16000
} as const satisfies Partial<TrainWavenetJobParams>

/**
 * The presets: `default` above; `tiny` for tests and a first look (1 stack x 4 layers, 8 channels,
 * receptive field 17 samples, crops of RF + 256, 2 epochs at 8 kHz, the VCTK fixture's own rate,
 * batch 16, Adam at 3e-3 so two short epochs show the loss falling: about 5 s an epoch there).
 */
export const WAVENET_PRESETS = {
  default: { ...WAVENET_PRESET, stacks: 2, layers: 10, channels: 32 },
  tiny: { ...WAVENET_PRESET, stacks: 1, layers: 4, channels: 8, targets: 256, epochs: 2, sampleRate: 8000, batch: 16, learningRate: 3e-3 }
} as const satisfies Record<string, Partial<TrainWavenetJobParams>>

/**
 * What a WaveNet can be conditioned on: the speaker, the tags' multi-hot or a mean GloVe vector
 * (global), log-mel frames (local), a global and the local, or nothing.
 */
export const WAVENET_CONDITIONS: readonly WavenetCondition[] = ['speaker', 'none', 'mel', 'speaker+mel', 'tags', 'tags+mel', 'glove', 'glove+mel']

/** How mel frames reach the sample rate: repetition, or a learned transposed convolution. */
export const WAVENET_UPSAMPLING = ['repeat', 'transposed'] as const

/** The name of a preset. */
export type WavenetPresetName = keyof typeof WAVENET_PRESETS

const SHAPE_LIMITS = { stacks: 8, layers: 14, channels: 512 } as const

/** Trains a WaveNet; resolves with the run's figures, rejects with a one-line UserError for bad input. */
export async function trainWavenet(req: TrainWavenetRequest, hooks: TrainHooks = {}): Promise<TrainWavenetJobResult> {
  const { preset = 'default', ...rest } = req
  if (!Object.hasOwn(WAVENET_PRESETS, preset)) throw new UserError(`preset: "${String(preset)}" is not one of ${Object.keys(WAVENET_PRESETS).join(', ')}`)
  // A resumed run keeps its checkpoint's shape: the preset's shape is not imposed on it.
  const { stacks, layers, channels, ...training } = WAVENET_PRESETS[preset]
  const shape = req.resume === undefined ? { stacks, layers, channels } : {}
  const dataDir = resolveDataDir(req.dataDir)
  // A resumed run also keeps its run's training settings (batch, epochs...) where the request names none.
  const params: TrainWavenetJobParams = { ...training, ...resumedRunSettings(dataDir, req.resume, training), ...shape, ...rest, dataDir }
  await checkTrainingParams(params)
  if (!Number.isInteger(params.targets) || params.targets < 1) throw new UserError(`targets: ${params.targets} is not a whole number >= 1`)
  for (const k of ['stacks', 'layers', 'channels'] as const) {
    const v = params[k]
    // 2^14 = 16384: a dilation beyond a second of audio at 16 kHz is a typo, not a model.
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > SHAPE_LIMITS[k])) throw new UserError(`${k}: ${v} is not a whole number in 1..${SHAPE_LIMITS[k]}`)
  }
  if (params.glove !== undefined && (!Number.isInteger(params.glove) || params.glove < 1)) throw new UserError(`glove: ${params.glove} is not a dataset id (a whole number >= 1)`)
  if (params.condition !== undefined && !WAVENET_CONDITIONS.includes(params.condition)) throw new UserError(`condition: "${String(params.condition)}" is not one of ${WAVENET_CONDITIONS.join(', ')}`)
  if (params.upsampling !== undefined && !WAVENET_UPSAMPLING.includes(params.upsampling)) throw new UserError(`upsampling: "${String(params.upsampling)}" is not one of ${WAVENET_UPSAMPLING.join(', ')}`)
  // 256 bands would be finer than the bins of any nFft worth using; a hop beyond a second is a typo.
  if (params.melBands !== undefined && (!Number.isInteger(params.melBands) || params.melBands < 1 || params.melBands > 256)) throw new UserError(`melBands: ${params.melBands} is not a whole number in 1..256`)
  if (params.melHop !== undefined && (!Number.isInteger(params.melHop) || params.melHop < 1 || params.melHop > params.sampleRate)) throw new UserError(`melHop: ${params.melHop} is not a whole number of samples in 1..${params.sampleRate} (one second)`)
  return runTrainingJob('trainWavenet', params, hooks)
}
