/**
 * Worker side of the `trainVlae` job: opens the library of `dataDir`, cuts a VCTK-format import's
 * clips (silence trimmed, at the model's rate, a seeded train/test split by clip) into crops of T
 * mu-law levels, and trains the audio VLAE (engine/models/vae/vlae.ts) through engine/train's loop
 * on the negative ELBO with free bits. Recorded as it goes, as the other training jobs do: the
 * model, the run, per-batch loss and per-epoch ELBO per crop and per sample, KL, reconstruction and
 * the KL of each latent dimension (kl_0..kl_{L-1}, on the test crops) in run_metrics, each epoch's
 * checkpoint folder. "Per clip" in the figures means per crop of T samples.
 */
import { join, resolve } from 'node:path'
import type { Library } from '../library/library'
import type { JsonObject } from '../library/json'
import { AudioCache, DEFAULT_CACHE_BYTES } from '../datasets/audio-cache'
import { WavenetBatches, trimBounds, type WavenetClip } from '../datasets/wavenet-batches'
import { seededSplit } from '../datasets/split'
import { initialTrainState, train, type StopReason } from '../engine/train/loop'
import { loadCheckpoint, readCheckpointMeta, type CheckpointMeta } from '../engine/train/checkpoint'
import { disposeModel, type LayersModel } from '../engine/models/model-files'
import { buildVlaeForTraining, checkVlae, describeVlae, vlae, vlaeOptions } from '../engine/models/vae/vlae'
import { VLAE_ARCH, evaluateVlae, vlaeMetrics, vlaeStep, type VlaeFigures, type VlaeSpec } from '../engine/train/vlae'
import { UserError } from '../util/errors'
import { requireDatasetFolder } from '../datasets/validity'
import type { Samples } from '../util/units'
import type { JobContext } from './job-context'
import { inJobLibrary, recordRunOutcome, recordingHooks } from './run-outcome'

/** Params of a `trainVlae` job. */
export interface TrainVlaeJobParams {
  dataDir: string
  datasetId: number
  /** Width of z of a new model (a resumed run keeps its checkpoint's and refuses another). */
  latents?: number
  /** Samples per crop of a new model. */
  crop?: Samples
  /** WaveNet stacks and layers per stack of a new model's decoder (receptive field: vlaeReceptiveField); a resumed run keeps its checkpoint's. */
  stacks?: number
  layersPerStack?: number
  /** Sample rate of a new model (a resumed run keeps its checkpoint's). */
  sampleRate?: number
  /** Free bits λ, nats per latent dimension (0: the plain ELBO). */
  freeBits: number
  epochs: number
  maxMinutes?: number
  batch: number
  learningRate: number
  seed: number
  /** A checkpoint id from the library, or a checkpoint folder. */
  resume?: string
  cacheBytes?: number
}

/** What a VLAE training job did: the figures `train-vae --preset vlae --json` prints. */
export interface TrainVlaeJobResult {
  runId: number
  modelId: number
  checkpointId: number
  checkpointPath: string
  model: string
  latents: number
  crop: Samples
  sampleRate: number
  freeBits: number
  /** Test ELBO, nats per clip (crop of `crop` samples) and per sample. */
  testElbo: number
  testElboPerSample: number
  testReconstruction: number
  /** KL(q(z | x) ‖ p(z)) per clip on the test crops, and per latent dimension. */
  kl: number
  klDims: number[]
  trainElbo: number | null
  epochs: number
  steps: number
  reason: StopReason
  trainingSeconds: number
  /** Training crops per second. */
  examplesPerSecond: number
  /** Clips of each side of the split and crops per epoch. */
  clips: { train: number; test: number }
  crops: { train: number; test: number }
}

/** Runs one training job (see the file comment). Rejects with a UserError for bad input, JobCancelled when cancelled. */
export function trainVlaeJob(params: TrainVlaeJobParams, ctx: JobContext): Promise<TrainVlaeJobResult> {
  return inJobLibrary(params.dataDir, ctx, (lib) => runTraining(lib, params, ctx))
}

/** A loaded VLAE checkpoint. */
interface LoadedVlae {
  model: LayersModel
  meta: CheckpointMeta
  spec: VlaeSpec
  modelId: number | null
}

/**
 * A checkpoint by library id or folder; anything but a VLAE whose layers match its stored spec is
 * refused in one line. With `optimizer: false` (the explorer) the weights only, without Adam's state.
 */
export async function resolveVlaeCheckpoint(lib: Library, ref: string, what: string, opts: { optimizer?: boolean } = {}): Promise<LoadedVlae> {
  const byId = /^\d+$/.test(ref) ? lib.checkpoints.get(Number(ref)) : lib.checkpoints.list().find((c) => c.path === resolve(ref))
  if (/^\d+$/.test(ref) && !byId) throw new UserError(`${what}: no checkpoint with that id in the library`)
  const path = byId ? byId.path : resolve(ref)
  const meta = await readCheckpointMeta(path)
  const spec = meta.extra.spec as VlaeSpec | undefined
  if (meta.arch !== VLAE_ARCH || !spec) throw new UserError(`${what}: a checkpoint of ${meta.arch}, not of a VLAE`)
  const { model } = await loadCheckpoint(path, VLAE_ARCH, opts)
  try {
    checkVlae(model, spec.options, what)
  } catch (err) {
    disposeModel(model)
    throw err
  }
  const run = byId ? lib.runs.get(byId.runId) : undefined
  return { model, meta, spec, modelId: run?.modelId ?? null }
}

/** A resumed run refuses another shape than its checkpoint's. */
function checkResume(p: TrainVlaeJobParams, spec: VlaeSpec, done: number): void {
  const o = spec.options
  if (p.latents !== undefined && p.latents !== o.latents) throw new UserError(`--latents ${p.latents}: the checkpoint has ${o.latents}; a resumed run keeps its model's shape`)
  if (p.crop !== undefined && p.crop !== o.crop) throw new UserError(`--crop ${p.crop}: the checkpoint's crops are ${o.crop} samples; a resumed run keeps its model's shape`)
  if (p.stacks !== undefined && p.stacks !== o.stacks) throw new UserError(`--stacks ${p.stacks}: the checkpoint's decoder has ${o.stacks}; a resumed run keeps its model's shape`)
  if (p.layersPerStack !== undefined && p.layersPerStack !== o.layersPerStack) throw new UserError(`--layers-per-stack ${p.layersPerStack}: the checkpoint's decoder has ${o.layersPerStack}; a resumed run keeps its model's shape`)
  if (p.sampleRate !== undefined && p.sampleRate !== spec.sampleRate) throw new UserError(`--sample-rate ${p.sampleRate}: the checkpoint was trained at ${spec.sampleRate} Hz`)
  if (p.epochs <= done) throw new UserError(`--resume: the checkpoint has done ${done} epoch${done === 1 ? '' : 's'} already; ask for more with --epochs (e.g. --epochs ${done + 10})`)
}

/** A clip at least one crop long after trimming: where its speech lies in the decoded audio. */
export interface VlaeClip {
  clipId: number
  key: string
  path: string
  start: Samples
  end: Samples
  speakerId: number | null
}

/**
 * The dataset's clips at least one crop long after trimming, split by clip key (seeded: 10 %, at
 * least one, for test; the same split for a resumed run and for a probe of z afterwards).
 */
export async function splitVlaeClips(lib: Library, datasetId: number, spec: VlaeSpec, seed: number, cache: AudioCache, onClip?: (i: number, of: number) => void): Promise<{ train: VlaeClip[]; test: VlaeClip[] }> {
  const dataset = lib.datasets.get(datasetId)
  if (!dataset) throw new UserError(`dataset ${datasetId}: not in the library (an import prints its dataset id)`)
  if (dataset.kind !== 'vctk') throw new UserError(`dataset ${datasetId}: a ${dataset.kind} dataset; the audio VLAE trains on VCTK-format imports (import-vctk)`)
  requireDatasetFolder(dataset)
  const crop = spec.options.crop
  const clips = lib.clips.list({ datasetId })
  const usable: VlaeClip[] = []
  for (const [i, c] of clips.entries()) {
    onClip?.(i, clips.length)
    const { start, end } = trimBounds((await cache.get(c.path, spec.sampleRate)).samples)
    if (end - start >= crop) usable.push({ clipId: c.id, key: c.sourceKey, path: c.path, start, end, speakerId: c.speakerId })
  }
  if (usable.length < 2) throw new UserError(`dataset ${datasetId}: ${usable.length} clip${usable.length === 1 ? ' is' : 's are'} at least ${crop} samples long after trimming; training needs two (use a shorter --crop)`)
  const split = seededSplit(usable.map((c) => c.key), seed, Math.max(0.1, 1 / usable.length))
  return { train: usable.filter((c) => split.get(c.key) === 'train'), test: usable.filter((c) => split.get(c.key) === 'valid') }
}

/** The split clips cut into crops of the model's length. */
async function prepare(lib: Library, p: TrainVlaeJobParams, spec: VlaeSpec, seed: number, ctx: JobContext) {
  const cache = new AudioCache(join(lib.dataDir, 'cache', 'audio'), p.cacheBytes ?? DEFAULT_CACHE_BYTES)
  const speakers = new Map(lib.speakers.list({ datasetId: p.datasetId }).map((s, i) => [s.id, i]))
  const { train: trainClips, test: testClips } = await splitVlaeClips(lib, p.datasetId, spec, seed, cache, (i, of) => {
    ctx.throwIfCancelled()
    ctx.progress({ step: i, total: of, phase: 'preparing clips' })
  })
  const batches = (list: VlaeClip[], batchSeed: number): WavenetBatches =>
    new WavenetBatches({
      clips: list.map((c): WavenetClip => ({ clipId: c.clipId, length: c.end - c.start, speaker: speakers.get(c.speakerId ?? -1) ?? 0 })),
      load: async (i) => (await cache.get(list[i]!.path, spec.sampleRate)).samples.subarray(list[i]!.start, list[i]!.end),
      // Receptive field 1: every batch carries its crops whole (engine/train/vlae.ts cropLevels).
      receptiveField: 1,
      targets: spec.options.crop - 1,
      batch: p.batch,
      seed: batchSeed,
      quantization: spec.options.quantization
    })
  return { train: batches(trainClips, seed), test: batches(testClips, seed + 1), clips: { train: trainClips.length, test: testClips.length } }
}

async function runTraining(lib: Library, p: TrainVlaeJobParams, ctx: JobContext): Promise<TrainVlaeJobResult> {
  ctx.progress({ step: 0, total: 1, phase: 'loading' })
  const resumed = p.resume === undefined ? null : await resolveVlaeCheckpoint(lib, p.resume, `--resume ${p.resume}`)
  let data: Awaited<ReturnType<typeof prepare>>
  const spec: VlaeSpec = resumed?.spec ?? { options: vlaeOptions({ crop: p.crop ?? 2048, latents: p.latents ?? 16, seed: p.seed, ...(p.stacks !== undefined && { stacks: p.stacks }), ...(p.layersPerStack !== undefined && { layersPerStack: p.layersPerStack }) }), sampleRate: p.sampleRate ?? 16000 }
  const seed = resumed?.meta.state.seed ?? p.seed
  try {
    if (resumed) checkResume(p, resumed.spec, resumed.meta.state.epoch)
    data = await prepare(lib, p, spec, seed, ctx)
  } catch (err) {
    if (resumed) disposeModel(resumed.model) // the worker outlives the job: a refused resume leaves no weights behind
    throw err
  }
  const dataset = lib.datasets.get(p.datasetId)!
  const modelId = resumed?.modelId ?? lib.models.create({ name: `${describeVlae(spec.options)} on ${dataset.name}`, kind: VLAE_ARCH, config: { ...spec } as unknown as JsonObject })
  const runId = lib.runs.createForTraining({ modelId, datasetId: p.datasetId, config: { ...p, seed, resume: p.resume ?? null } as unknown as JsonObject })
  ctx.progress({ step: 0, total: 1, phase: 'starting', metrics: { runId, modelId } })
  return recordRunOutcome(lib, runId, ctx, () => trainAndMeasure(lib, p, ctx, { spec, seed, runId, modelId, resumed, data }))
}

interface RunSetup {
  spec: VlaeSpec
  seed: number
  runId: number
  modelId: number
  resumed: LoadedVlae | null
  data: Awaited<ReturnType<typeof prepare>>
}

async function trainAndMeasure(lib: Library, p: TrainVlaeJobParams, ctx: JobContext, s: RunSetup): Promise<TrainVlaeJobResult> {
  const { spec, runId, modelId, data } = s
  const o = spec.options
  const model = s.resumed?.model ?? buildVlaeForTraining(o, p.learningRate)
  try {
    const v = vlae(model, o)
    const rec = recordingHooks(lib, ctx, { runId, modelId, epochs: p.epochs, total: p.epochs * data.train.batchesPerEpoch, maxMinutes: p.maxMinutes, arch: VLAE_ARCH, modelOptions: { ...o }, extra: { spec, datasetId: p.datasetId, runId } as unknown as JsonObject })
    let sums = { elbo: 0, kl: 0, reconstruction: 0, n: 0 }
    let lastTrain: number | null = null
    let lastTest: VlaeFigures | null = null
    const started = performance.now()
    const report = await train({
      model,
      data: data.train,
      step: (m, b) => {
        const f = vlaeStep(m, v, o, b, p.freeBits)
        sums = { elbo: sums.elbo + f.elbo * b.size, kl: sums.kl + f.kl * b.size, reconstruction: sums.reconstruction + f.reconstruction * b.size, n: sums.n + b.size }
        return -f.elbo / o.crop
      },
      state: s.resumed?.meta.state ?? initialTrainState(s.seed),
      ...rec.hooks,
      validate: async () => {
        const trainFigures: VlaeFigures = { elbo: sums.elbo / sums.n, kl: sums.kl / sums.n, reconstruction: sums.reconstruction / sums.n, klDims: [] }
        lastTrain = trainFigures.elbo
        sums = { elbo: 0, kl: 0, reconstruction: 0, n: 0 }
        ctx.throwIfCancelled()
        // The same test crops every epoch (epoch 0 of its own stream), so the figures compare.
        lastTest = await evaluateVlae(v, o, data.test.epoch(0), () => ctx.throwIfCancelled())
        return { ...vlaeMetrics('train', trainFigures, o.crop), ...vlaeMetrics('test', lastTest, o.crop) }
      }
    })
    if (report.reason === 'cancelled') ctx.throwIfCancelled()
    const checkpoint = rec.last()
    const test = lastTest as VlaeFigures | null
    if (!checkpoint || !test) throw new UserError('training stopped before its first epoch finished: no checkpoint was written (give it more time)')
    return {
      runId,
      modelId,
      checkpointId: checkpoint.id,
      checkpointPath: checkpoint.path,
      model: describeVlae(o),
      latents: o.latents,
      crop: o.crop,
      sampleRate: spec.sampleRate,
      freeBits: p.freeBits,
      testElbo: test.elbo,
      testElboPerSample: test.elbo / o.crop,
      testReconstruction: test.reconstruction,
      kl: test.kl,
      klDims: test.klDims,
      trainElbo: lastTrain,
      epochs: report.state.epoch,
      steps: report.state.step,
      reason: report.reason,
      trainingSeconds: (performance.now() - started) / 1000,
      examplesPerSecond: report.examplesPerSecond,
      clips: data.clips,
      crops: { train: data.train.cropsPerEpoch, test: data.test.cropsPerEpoch }
    }
  } finally {
    disposeModel(model)
  }
}
