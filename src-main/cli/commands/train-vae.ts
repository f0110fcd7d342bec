import { CliUsageError, numberFlag, stringFlag, type Command, type CommandContext } from '../command'
import { trainVlae, type TrainVlaeRequest } from '../../api/vlae-training'
import type { TrainHooks } from '../../api/training'
import { trainVae, VAE_PRESETS, VAE_PRIORS, type TrainVaeRequest, type VaePresetName } from '../../api/vae-training'
import type { PriorName } from '../../engine/models/vae/latent'
import { closeJobPool } from '../../api/jobs'
import { isJobCancelled } from '../../jobs/errors'
import { UserError } from '../../util/errors'
import { dataDirOption, positiveIntFlag } from './data-dir'

/** Flags of whole numbers >= 1 and of any number, by the request field they set. */
const WHOLE_FLAGS = { latents: 'latents', hidden: 'hidden', epochs: 'epochs', batch: 'batch', 'train-limit': 'trainLimit', 'test-limit': 'testLimit', 'iwae-limit': 'iwaeLimit' } as const
const NUMBER_FLAGS = { 'max-minutes': 'maxMinutes', lr: 'learningRate', seed: 'seed' } as const

/** `train-vae`: trains the MNIST VAE and reports its test ELBO and importance-weighted log p(x) estimate. */
export const trainVaeCommand: Command = {
  name: 'train-vae',
  summary: 'Train a VAE: the 784-400-20 MNIST model on an MNIST import (test ELBO, k-sample log p(x)), or the audio VLAE on a VCTK-format import (--preset vlae: ELBO per clip and per sample, KL per latent)',
  usage:
    'train-vae --dataset ID [--preset mnist|vlae] [--latents N] [--free-bits X] [--crop SAMPLES] [--sample-rate HZ] [--stacks N] [--layers-per-stack N] (vlae) [--hidden N] [--prior standard-normal|learned] [--epochs N] [--max-minutes M] [--batch B] [--lr X] [--seed N] [--iwae-k K] [--train-limit N] [--test-limit N] [--iwae-limit N] [--resume CHECKPOINT] [--data-dir D] [--json]',
  options: {
    ...dataDirOption,
    dataset: { type: 'string' },
    preset: { type: 'string' },
    latents: { type: 'string' },
    hidden: { type: 'string' },
    prior: { type: 'string' },
    epochs: { type: 'string' },
    'max-minutes': { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    'iwae-k': { type: 'string' },
    'train-limit': { type: 'string' },
    'test-limit': { type: 'string' },
    'iwae-limit': { type: 'string' },
    resume: { type: 'string' },
    'free-bits': { type: 'string' },
    crop: { type: 'string' },
    'sample-rate': { type: 'string' },
    stacks: { type: 'string' },
    'layers-per-stack': { type: 'string' }
  },
  async run(ctx) {
    const datasetId = positiveIntFlag(ctx, 'dataset')
    if (datasetId === undefined) throw new CliUsageError('--dataset ID is required (the id `import-mnist` printed)')
    const preset = stringFlag(ctx, 'preset')
    if (preset === 'vlae') return runVlae(ctx, datasetId)
    if (preset !== undefined && !Object.hasOwn(VAE_PRESETS, preset)) throw new CliUsageError(`--preset: "${preset}" is not one of ${[...Object.keys(VAE_PRESETS), 'vlae'].join(', ')}`)
    for (const flag of VLAE_ONLY) if (ctx.values[flag] !== undefined) throw new CliUsageError(`--${flag}: the vlae preset's; the mnist preset does not take it`)
    const prior = stringFlag(ctx, 'prior')
    if (prior !== undefined && !(VAE_PRIORS as readonly string[]).includes(prior)) throw new CliUsageError(`--prior: "${prior}" is not one of ${VAE_PRIORS.join(', ')}`)
    const k = stringFlag(ctx, 'iwae-k')
    if (k !== undefined && !/^\d+$/.test(k)) throw new CliUsageError(`--iwae-k: "${k}" is not a whole number (0 skips the estimate)`)
    const request: TrainVaeRequest = { datasetId }
    const set = <K extends keyof TrainVaeRequest>(key: K, value: TrainVaeRequest[K] | undefined): void => {
      if (value !== undefined) request[key] = value
    }
    set('preset', preset as VaePresetName | undefined)
    set('prior', prior as PriorName | undefined)
    set('iwaeK', k === undefined ? undefined : Number(k))
    for (const [flag, key] of Object.entries(WHOLE_FLAGS)) set(key, positiveIntFlag(ctx, flag))
    for (const [flag, key] of Object.entries(NUMBER_FLAGS)) set(key, numberFlag(ctx, flag))
    set('resume', stringFlag(ctx, 'resume'))
    set('dataDir', stringFlag(ctx, 'data-dir'))
    const r = await withTrainingBar(ctx, (hooks) => trainVae(request, hooks))
    const f = (v: number | null, digits = 2): string => (v === null ? 'n/a' : v.toFixed(digits))
    ctx.print(`run ${r.runId} of model ${r.modelId} (${r.model}): ${r.epochs} epochs, ${r.steps} steps, stopped by ${r.reason}; ${f(r.secondsPerEpoch, 1)} s per epoch, ${f(r.examplesPerSecond, 0)} examples/s`)
    ctx.print(`images: ${r.examples.train} training, ${r.examples.test} test; checkpoint ${r.checkpointId}: ${r.checkpointPath}`)
    ctx.print(`test ELBO ${f(r.testElbo)} nats (reconstruction ${f(r.testReconstruction)}, KL ${f(r.testKl)}); last epoch's training ELBO ${f(r.trainElbo)}`)
    if (r.testIwae !== null) ctx.print(`test log p(x) >= ${f(r.testIwae)} nats (importance-weighted, k = ${r.k}, on ${r.iwaeImages} test images, ${f(r.iwaeSeconds, 0)} s): -log p(x) <= ${f(r.testNll)}`)
    return { ...r }
  }
}

/** Flags only the MNIST preset reads: refused with --preset vlae rather than silently ignored. */
const MNIST_ONLY = ['hidden', 'prior', 'iwae-k', 'train-limit', 'test-limit', 'iwae-limit'] as const
/** Flags only the VLAE preset reads. */
const VLAE_ONLY = ['free-bits', 'crop', 'sample-rate', 'stacks', 'layers-per-stack'] as const

/** `train-vae --preset vlae`: the audio VLAE on a VCTK-format import. */
async function runVlae(ctx: CommandContext, datasetId: number): Promise<Record<string, unknown>> {
  for (const flag of MNIST_ONLY) if (ctx.values[flag] !== undefined) throw new CliUsageError(`--${flag}: the mnist preset's; the vlae preset does not take it`)
  const request: TrainVlaeRequest = { datasetId }
  const set = <K extends keyof TrainVlaeRequest>(key: K, value: TrainVlaeRequest[K] | undefined): void => {
    if (value !== undefined) request[key] = value
  }
  for (const [flag, key] of Object.entries({ latents: 'latents', epochs: 'epochs', batch: 'batch', crop: 'crop', 'sample-rate': 'sampleRate', stacks: 'stacks', 'layers-per-stack': 'layersPerStack' } as const)) set(key, positiveIntFlag(ctx, flag))
  for (const [flag, key] of Object.entries({ ...NUMBER_FLAGS, 'free-bits': 'freeBits' } as const)) set(key, numberFlag(ctx, flag))
  set('resume', stringFlag(ctx, 'resume'))
  set('dataDir', stringFlag(ctx, 'data-dir'))
  const r = await withTrainingBar(ctx, (hooks) => trainVlae(request, hooks))
  const f = (v: number | null, digits = 2): string => (v === null ? 'n/a' : v.toFixed(digits))
  ctx.print(`run ${r.runId} of model ${r.modelId} (${r.model}): ${r.epochs} epochs, ${r.steps} steps, stopped by ${r.reason}; ${f(r.trainingSeconds, 0)} s, ${f(r.examplesPerSecond, 1)} crops/s`)
  ctx.print(`clips: ${r.clips.train} training, ${r.clips.test} test (${r.crops.train} and ${r.crops.test} crops of ${r.crop} samples at ${r.sampleRate} Hz); checkpoint ${r.checkpointId}: ${r.checkpointPath}`)
  ctx.print(`test ELBO ${f(r.testElbo)} nats per clip, ${f(r.testElboPerSample, 4)} per sample (reconstruction ${f(r.testReconstruction)}, KL ${f(r.kl)}; free bits ${r.freeBits})`)
  ctx.print(`KL per latent: ${r.klDims.map((v) => v.toFixed(2)).join(' ')}`)
  return { ...r }
}

/** Runs a training call with a progress bar and Ctrl-C as cancel; a cancelled run is one line. */
async function withTrainingBar<T>(ctx: CommandContext, fn: (hooks: TrainHooks) => Promise<T>): Promise<T> {
  const bar = ctx.progress('train-vae', 1)
  // Ctrl-C cancels the run (within one batch): the run is marked stopped and its checkpoints stay.
  const abort = new AbortController()
  const onInterrupt = (): void => abort.abort()
  process.once('SIGINT', onInterrupt)
  let runId: number | undefined
  try {
    const r = await fn({
      signal: abort.signal,
      onProgress: (p) => {
        runId ??= p.metrics?.runId
        bar.setTotal(p.total)
        const rate = p.metrics?.examplesPerSecond
        bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }), ...(p.loss !== undefined && { loss: p.loss }), ...(rate !== undefined && { 'examples/s': rate }) }, p.etaMs)
      }
    })
    bar.stop()
    return r
  } catch (err) {
    if (!isJobCancelled(err)) throw err
    const where = runId === undefined ? 'before its first batch' : `run ${runId} is stopped; its checkpoints are listed by \`models\` (continue one with --resume ID)`
    throw new UserError(`train-vae: cancelled, ${where}`)
  } finally {
    process.off('SIGINT', onInterrupt)
    bar.stop()
    await closeJobPool()
  }
}
