/**
 * Worker side of the `trainTagger` job: opens the library of `dataDir` (its own connection; WAL lets
 * the app and CLI keep reading), turns a MagnaTagATune dataset into labelled clips and splits, runs
 * engine/train's loop on a Dieleman or sample-level tagger, and records everything as it happens: the
 * model, the run, per-batch loss and per-epoch validation figures in run_metrics, each epoch's
 * checkpoint folder with its metrics and size. At the end the best checkpoint (by validation
 * ROC-AUC) is evaluated on the test split.
 */
import { join, resolve } from 'node:path'
import type { Library } from '../library/library'
import type { Split } from '../library/clips'
import { requireDatasetFolder } from '../datasets/validity'
import type { JsonObject } from '../library/json'
import { AudioCache, DEFAULT_CACHE_BYTES } from '../datasets/audio-cache'
import { TaggerBatches, type LabelledClip, type SkippedClip } from '../datasets/tagger-batches'
import { labelledSplits, type TaggerSplit } from '../datasets/mtat/training-splits'
import { tf } from '../engine/tf'
import { initialTrainState, train, trainOnBatch, type Batch, type BatchSource, type StepFn, type StopReason, type TrainOptions } from '../engine/train/loop'
import { DataParallel } from '../engine/train/data-parallel'
import type { ArrayBatch } from '../datasets/tagger-batches'
import { availableParallelism } from 'node:os'
import { loadCheckpoint, readCheckpointMeta, saveCheckpoint, type CheckpointMeta } from '../engine/train/checkpoint'
import { disposeModel, loadModel, type LayersModel } from '../engine/models/model-files'
import {
  buildTaggerModel,
  compileTagger,
  defaultCrop,
  evaluateTagger,
  taggerArchId,
  type EvalClip,
  type TaggerArch,
  type TaggerSpec
} from '../engine/train/tagger'
import { UserError, describeError } from '../util/errors'
import type { JobContext } from './job-context'
import { inJobLibrary, startRun } from './run-outcome'

/** Params of a `trainTagger` job. */
export interface TrainTaggerJobParams {
  dataDir: string
  datasetId: number
  /** Architecture of a new model; a resumed run takes its checkpoint's (and refuses another). */
  arch?: TaggerArch
  /** The split (default 'standard'; a resumed run without one keeps its checkpoint's). */
  split?: TaggerSplit
  /** Epochs to reach, counted from the run's start (a resumed run continues towards the same number). */
  epochs: number
  maxMinutes?: number
  batch: number
  learningRate: number
  seed: number
  /** Tags to learn: the top N merged tags by usable-clip count (50, as the report). */
  top: number
  /** Epochs without a better validation ROC-AUC before stopping. */
  patience: number
  /** A checkpoint id from the library, or a checkpoint folder. */
  resume?: string
  /** Architecture options (filters, width...). */
  modelOptions?: TaggerSpec['options']
  /** Sample rate of the model's input (16000, MagnaTagATune's own). */
  sampleRate?: number
  cacheBytes?: number
  /** Windows per clip in evaluation (all windows covering the clip when absent). */
  evalMaxWindows?: number
  /**
   * Threads of data-parallel training on the wasm and cpu backends (each a backend instance on its
   * own core). Default: 2 where the machine has two cores or more; the native backends thread
   * inside TensorFlow already and always use 1 here.
   */
  threads?: number
}

/** What a training job did: the figures `train-tagger --json` prints. */
export interface TrainTaggerJobResult {
  runId: number
  modelId: number
  arch: TaggerArch
  /** The best checkpoint by validation ROC-AUC. */
  checkpoint: { id: number; path: string; epoch: number }
  epochs: number
  steps: number
  reason: StopReason
  valRocAuc: number | null
  valPrAuc: number | null
  testRocAuc: number | null
  testPrAuc: number | null
  /** The split the test figures come from ('valid' for the shuffled split, which has no test part). */
  testSplit: Split
  /** Clips per second of training (examples through forward and backward, data loading included). */
  clipsPerSecond: number
  /** Threads the run trained on (data-parallel when more than 1). */
  threads: number
  clips: Record<Split, number>
  tags: string[]
  /** Tags without a ROC-AUC in the test split, and why. */
  leftOutTags: { tag: string; reason: string }[]
  skipped: SkippedClip[]
}

/** Runs one training job (see the file comment). Rejects with a UserError for bad input, JobCancelled when cancelled. */
export async function trainTaggerJob(params: TrainTaggerJobParams, ctx: JobContext): Promise<TrainTaggerJobResult> {
  return inJobLibrary(params.dataDir, ctx, (lib, backend) => runTraining(lib, params, ctx, backend))
}

/** Threads a run trains on: see TrainTaggerJobParams.threads. */
function trainingThreads(p: TrainTaggerJobParams, backend: string): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1
  const t = p.threads ?? Math.min(2, availableParallelism())
  if (!Number.isInteger(t) || t < 1 || t > 64) throw new UserError(`threads: ${t} is not a whole number in 1..64`)
  return t
}

async function runTraining(lib: Library, p: TrainTaggerJobParams, ctx: JobContext, backend: string): Promise<TrainTaggerJobResult> {
  const dataset = lib.datasets.get(p.datasetId)
  if (!dataset) throw new UserError(`dataset ${p.datasetId}: not in the library (an import prints its dataset id)`)
  if (dataset.kind !== 'mtat') throw new UserError(`dataset ${p.datasetId}: a ${dataset.kind} dataset; the tagger trains on MagnaTagATune imports`)
  // Before any model or run is written: with its folder gone every clip would fail to decode and be marked unusable.
  requireDatasetFolder(dataset)

  // The model: a checkpoint's (resume) or a new one. The library is written to (model, run) only
  // once every check of the request has passed, so a refused request leaves it as it was.
  const resumed = p.resume === undefined ? null : await resolveCheckpoint(lib, p.resume, p.arch)
  const spec: TaggerSpec = resumed?.meta.extra.spec as TaggerSpec | undefined ?? newSpec(lib, p)
  const done = resumed?.meta.state.epoch ?? 0
  if (resumed && p.epochs <= done) {
    disposeModel(resumed.model)
    throw new UserError(`--resume: the checkpoint has done ${done} epoch${done === 1 ? '' : 's'} already; ask for more with --epochs (e.g. --epochs ${done + 10})`)
  }
  // A resumed run keeps its data order (shuffled split, epoch order, crops): the checkpoint's seed.
  const seed = resumed?.meta.state.seed ?? p.seed
  const split: TaggerSplit = p.split ?? (resumed?.meta.extra.splitChoice as TaggerSplit | undefined) ?? 'standard'

  let splits: Record<Split, LabelledClip[]>
  let threads: number
  try {
    splits = labelledSplits(lib, dataset, split, seed, spec.tags)
    for (const s of ['train', 'valid'] as const) {
      if (splits[s].length === 0) throw new UserError(`dataset ${p.datasetId}: no usable clip with a top-${spec.tags.length} tag in the ${s} split (${describeSplit(split)})`)
    }
    threads = trainingThreads(p, backend)
  } catch (err) {
    if (resumed) disposeModel(resumed.model) // the worker outlives the job: a refused resume leaves no weights behind
    throw err
  }
  const testSplit: Split = splits.test.length > 0 ? 'test' : 'valid'

  const cache = new AudioCache(join(lib.dataDir, 'cache', 'audio'), p.cacheBytes ?? DEFAULT_CACHE_BYTES)
  const batches = new TaggerBatches({ clips: splits.train, cache, sampleRate: spec.sampleRate, crop: spec.crop, batch: p.batch, seed })
  const evalClips = (clips: LabelledClip[]): EvalClip[] =>
    clips.map((c) => ({ labels: c.labels, audio: async () => cache.get(c.path, spec.sampleRate).then((a) => a.samples).catch(() => null) }))
  const arraySource: BatchSource<ArrayBatch> = {
    get batchesPerEpoch() {
      return batches.batchesPerEpoch
    },
    epoch: (e) => batches.epoch(e)
  }
  const tensorSource: BatchSource<Batch> = {
    get batchesPerEpoch() {
      return batches.batchesPerEpoch
    },
    async *epoch(e) {
      for await (const b of batches.epoch(e)) {
        yield { x: tf.tensor3d(b.x, [b.size, spec.crop, 1]), y: tf.tensor2d(b.y, [b.size, spec.tags.length]), size: b.size }
      }
    }
  }

  const modelId =
    resumed?.modelId ??
    lib.models.create(
      resumed
        ? { name: `tagger resumed from ${resumed.path}`, kind: resumed.meta.arch, config: { ...spec } as unknown as JsonObject }
        : { name: `${spec.arch} tagger on ${dataset.name}`, kind: taggerArchId(spec.arch), config: { ...spec } as unknown as JsonObject }
    )
  // splitChoice: the split as chosen, so `evaluate` scores the run's own test part by default.
  const runConfig = { ...p, seed, resume: p.resume ?? null, split: describeSplit(split), splitChoice: split }
  const runId = lib.runs.createForTraining({ modelId, datasetId: dataset.id, config: runConfig as unknown as JsonObject })
  await startRun(lib, runId)
  // The app shows this run's curves from its first batch: it learns the run and model ids here.
  ctx.progress({ step: 0, total: 1, phase: 'starting', metrics: { runId, modelId } })
  let model: LayersModel | null = null
  let parallel: DataParallel | null = null
  try {
    if (resumed) model = resumed.model
    else {
      model = buildTaggerModel(spec)
      compileTagger(model, p.learningRate)
    }
    if (threads > 1) parallel = await DataParallel.start(model, { threads, maxBatch: p.batch, loss: 'binaryCrossentropy', backend })
    const state = resumed?.meta.state ?? initialTrainState(seed)
    const total = p.epochs * Math.max(1, batches.batchesPerEpoch)
    const common: Omit<TrainOptions, 'data' | 'step'> = {
      model,
      epochs: p.epochs,
      state,
      ...(p.maxMinutes !== undefined && { maxMs: p.maxMinutes * 60_000 }),
      earlyStopping: { metric: 'valRocAuc', mode: 'max', patience: p.patience },
      shouldStop: () => ctx.isCancelled(),
      onBatchEnd: (b) => {
        lib.runs.addMetrics(runId, b.step, { loss: b.loss })
        ctx.progress({ step: Math.min(b.step, total), total, phase: `epoch ${b.epoch + 1}/${p.epochs}`, loss: b.loss, metrics: { clipsPerSecond: b.examplesPerSecond, runId, modelId } })
      },
      validate: async (m) => {
        const v = await evaluateTagger(m, evalClips(splits.valid), spec, {
          maxWindows: p.evalMaxWindows,
          onClip: () => ctx.throwIfCancelled()
        })
        return { valRocAuc: v.macroRocAuc ?? Number.NaN, valPrAuc: v.macroPrAuc ?? Number.NaN }
      },
      checkpoint: async (m, end) => {
        const dir = join(lib.dataDir, 'checkpoints', `run-${runId}`, `epoch-${String(end.epoch + 1).padStart(3, '0')}`)
        const meta: CheckpointMeta = { arch: taggerArchId(spec.arch), modelOptions: { ...spec.options }, extra: { spec, datasetId: dataset.id, runId, splitChoice: split }, state: end.state }
        const saved = await saveCheckpoint(m, dir, meta)
        const metrics = { epoch: end.epoch + 1, loss: end.loss, ...end.metrics }
        lib.checkpoints.add({ runId, path: dir, step: end.step, metrics: finiteOnly(metrics), sizeBytes: saved.bytes })
        // end.metrics.loss is the epoch's mean: recorded as epochLoss, never over the last batch's loss.
        const { loss: _epochMean, ...validation } = end.metrics
        lib.runs.addMetrics(runId, end.step, finiteOnly({ epochLoss: end.loss, ...validation }))
      }
    }
    const dp = parallel
    const parallelStep: StepFn<ArrayBatch> = (_m, b) => dp!.step(b.x, b.y, b.size)
    const report = dp ? await train<ArrayBatch>({ ...common, data: arraySource, step: parallelStep }) : await train<Batch>({ ...common, data: tensorSource, step: trainOnBatch })
    await parallel?.close()
    parallel = null
    if (report.reason === 'cancelled') ctx.throwIfCancelled()
    for (const s of batches.skipped) lib.clips.markUnreadable(s.clipId, s.reason, s.missing)

    // Test figures come from the best checkpoint by validation ROC-AUC (over this run and, when it
    // resumed one, the run before it), not from the last epoch's weights; without a validation
    // figure, from the newest checkpoint.
    const chosen = bestCheckpoint(lib, runId, resumed)
    const lastPath = lib.checkpoints.list({ runId })[0]?.path
    const bestModel = chosen.path === lastPath ? model : await loadModel(chosen.path, { optimizer: false })
    const test = await evaluateTagger(bestModel, evalClips(splits[testSplit]), spec, { maxWindows: p.evalMaxWindows, onClip: () => ctx.throwIfCancelled() })
    if (bestModel !== model) bestModel.dispose()
    const testFigures = { testRocAuc: test.macroRocAuc ?? Number.NaN, testPrAuc: test.macroPrAuc ?? Number.NaN }
    lib.runs.addMetrics(runId, report.state.step, finiteOnly(testFigures))
    lib.checkpoints.addMetrics(chosen.id, finiteOnly(testFigures))
    lib.runs.setStatus(runId, report.reason === 'time' ? 'stopped' : 'completed')
    const bestMetrics = lib.checkpoints.get(chosen.id)?.metrics
    return {
      runId,
      modelId,
      arch: spec.arch,
      checkpoint: { id: chosen.id, path: chosen.path, epoch: bestMetrics?.epoch ?? report.state.epoch },
      epochs: report.state.epoch,
      steps: report.state.step,
      reason: report.reason,
      valRocAuc: finiteOrNull(bestMetrics?.valRocAuc),
      valPrAuc: finiteOrNull(bestMetrics?.valPrAuc),
      testRocAuc: test.macroRocAuc,
      testPrAuc: test.macroPrAuc,
      testSplit,
      clipsPerSecond: report.examplesPerSecond,
      threads,
      clips: { train: splits.train.length, valid: splits.valid.length, test: splits.test.length },
      tags: spec.tags,
      leftOutTags: test.leftOut,
      skipped: batches.skipped
    }
  } catch (err) {
    lib.runs.setStatus(runId, ctx.isCancelled() ? 'stopped' : 'failed', ctx.isCancelled() ? 'cancelled' : describeError(err))
    throw err
  } finally {
    await parallel?.close()
    if (model) disposeModel(model)
  }
}

/** The finite values of a metrics object: a split without positives has no AUC (NaN), which is not recorded. */
function finiteOnly(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)))
}

const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null)

function describeSplit(s: TaggerSplit): string {
  return s === 'standard' ? 'standard split by folder: 0-b train, c valid, d-f test' : s === 'shuffled' ? 'shuffled 95/5 split' : `split file ${s.file}`
}

/** A new model's description: architecture, the dataset's top tags, 16 kHz, the architecture's input length. */
function newSpec(lib: Library, p: TrainTaggerJobParams): TaggerSpec {
  const arch = p.arch ?? 'dieleman'
  const tags = lib.tags.counts({ datasetId: p.datasetId, limit: p.top }).map((t) => t.name)
  if (tags.length === 0) throw new UserError(`dataset ${p.datasetId}: no tagged usable clips`)
  const options = p.modelOptions ?? {}
  return { arch, tags, sampleRate: p.sampleRate ?? 16000, crop: defaultCrop(arch, options), options }
}

/** A checkpoint to resume from, by library id or folder: its model, metadata and model record (null for a folder the library does not know). */
async function resolveCheckpoint(
  lib: Library,
  ref: string,
  arch: TaggerArch | undefined
): Promise<{ model: LayersModel; meta: CheckpointMeta; modelId: number | null; checkpointId: number | null; path: string }> {
  // A folder the library records is the same checkpoint as its id: the run continues the same model.
  const byId = /^\d+$/.test(ref) ? lib.checkpoints.get(Number(ref)) : lib.checkpoints.list().find((c) => c.path === resolve(ref))
  if (/^\d+$/.test(ref) && !byId) throw new UserError(`--resume ${ref}: no checkpoint with that id in the library`)
  const path = byId ? byId.path : resolve(ref)
  const meta = await readCheckpointMeta(path)
  if (!meta.arch.startsWith('tagger/')) throw new UserError(`--resume ${ref}: a checkpoint of ${meta.arch}, not of a tagger`)
  const { model } = await loadCheckpoint(path, arch === undefined ? undefined : taggerArchId(arch))
  const run = byId ? lib.runs.get(byId.runId) : undefined
  return { model, meta, modelId: run?.modelId ?? null, checkpointId: byId?.id ?? null, path }
}

/**
 * The checkpoint to report and test: the best by validation ROC-AUC among this run's and, when it
 * resumed a recorded checkpoint, that run's up to it; ties and the no-figure case go to the newest.
 */
function bestCheckpoint(lib: Library, runId: number, resumed: { checkpointId: number | null; path: string } | null): { id: number; path: string } {
  const before = resumed?.checkpointId != null ? lib.checkpoints.get(resumed.checkpointId) : undefined
  const candidates = [...lib.checkpoints.list({ runId }), ...(before ? lib.checkpoints.list({ runId: before.runId }).filter((c) => c.step <= before.step) : [])]
  if (candidates.length === 0) {
    throw new UserError('training stopped before its first epoch finished: no checkpoint was written (give it more time or fewer clips per epoch)')
  }
  const score = (c: (typeof candidates)[number]): number => c.metrics.valRocAuc ?? -1
  const best = candidates.reduce((a, b) => (score(b) > score(a) || (score(b) === score(a) && b.step > a.step) ? b : a))
  return { id: best.id, path: best.path }
}
