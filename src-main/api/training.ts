/**
 * The training service: start a tagger training run through the job pool (the same path for the
 * CLI, the app and the web host), with progress events and cancel. The worker records the run in the
 * library of `dataDir` as it goes, so a run's curves and checkpoints are there even if this side
 * goes away.
 */
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { resolveDataDir } from '../library/data-dir'
import type { JobProgress } from '../jobs/protocol'
import type { JobParams, JobResult } from '../jobs/kinds'
import type { TrainTaggerJobParams, TrainTaggerJobResult } from '../jobs/train-tagger-job'
import { UserError, describeError } from '../util/errors'
import { Library } from '../library/library'
import { isJobCancelled } from '../jobs/errors'
import { getJobPool } from './jobs'

/** A training request: the job's params, with every default but the dataset filled in. */
export type TrainTaggerRequest = Partial<Omit<TrainTaggerJobParams, 'datasetId'>> & { datasetId: number }

/**
 * The default training preset: the Dieleman net widened to 64 frame and block filters with batch
 * normalisation after each convolution, Adam at 1e-3, batch 16, up to 100 epochs with early
 * stopping after 20 epochs without a better validation ROC-AUC, on the standard split. Chosen on
 * the MagnaTagATune training fixture (test/fixtures/mtat-train; docs/performance.md, "Tagger
 * training preset"): the report's own 32-filter net without normalisation reached a test ROC-AUC
 * of 0.86-0.92 in 100 epochs there, this one 0.95.
 */
export const TAGGER_PRESET = {
  split: 'standard',
  epochs: 100,
  batch: 16,
  learningRate: 1e-3,
  seed: 2016,
  top: 50,
  patience: 20
} as const satisfies Partial<TrainTaggerJobParams>

/** The preset's Dieleman options (a sample-level CNN takes the paper's own shape). */
export const DIELEMAN_PRESET_OPTIONS = { frameFilters: 64, blockFilters: 64, batchNorm: true } as const

/** Hooks of a run: progress events, cancel, and the job id once it has one. */
export interface TrainHooks {
  onProgress?(p: JobProgress): void
  signal?: AbortSignal
  onJobId?(id: string): void
}

/** Trains a tagger; resolves with the run's figures, rejects with a one-line UserError for bad input. */
export async function trainTagger(req: TrainTaggerRequest, hooks: TrainHooks = {}): Promise<TrainTaggerJobResult> {
  const dataDir = resolveDataDir(req.dataDir)
  // The split is the checkpoint's own (the job reads it), never the run's description of it.
  const { split: _split, ...settings } = TAGGER_PRESET
  const params: TrainTaggerJobParams = { ...TAGGER_PRESET, ...resumedRunSettings(dataDir, req.resume, settings), ...req, dataDir }
  // A new Dieleman run gets the preset's widths unless the request names its own options.
  if ((req.arch ?? 'dieleman') === 'dieleman' && req.modelOptions === undefined && req.resume === undefined) params.modelOptions = { ...DIELEMAN_PRESET_OPTIONS }
  // A resumed run without a split of its own keeps the split it was trained on (the job reads it).
  if (req.resume !== undefined && req.split === undefined) delete params.split
  // The run records its split; a later `evaluate` (from any folder) finds the file by this path.
  if (typeof params.split === 'object') params.split = { file: resolve(params.split.file) }
  await checkTrainingParams(params)
  if (typeof params.split === 'object') await assertFile(params.split.file, 'split file')
  return runTrainingJob('trainTagger', params, hooks)
}

/**
 * A resumed run continues its own run: each training setting of `defaults` (epochs, batch, learning
 * rate, patience...) that the request leaves out is taken from the run that wrote the checkpoint
 * `resume` (an id, or a folder the library knows), not from the preset. Found by issue 18's fault
 * suite: a run of batch 4 killed at epoch 1 and resumed without --batch went on at the preset's 16
 * (and towards the preset's 100 epochs), so it never gave the uninterrupted run's weights.
 * Nothing (an empty object) for a new run, or a checkpoint folder the library does not know.
 */
export function resumedRunSettings<T extends object>(dataDir: string, resume: string | undefined, defaults: T): Partial<T> {
  if (resume === undefined) return {}
  let config: Record<string, unknown> | undefined
  try {
    const lib = Library.open(dataDir)
    try {
      const byId = /^\d+$/.test(resume) ? lib.checkpoints.get(Number(resume)) : lib.checkpoints.list().find((c) => resolve(c.path) === resolve(resume))
      config = byId && lib.runs.get(byId.runId)?.config
    } finally {
      lib.close()
    }
  } catch {
    // The job opens the library too and reports what is wrong with it in its own line.
    return {}
  }
  if (!config) return {}
  const kept: Partial<T> = {}
  for (const [key, value] of Object.entries(defaults)) {
    if (typeof config[key] === typeof value) kept[key as keyof T] = config[key] as T[keyof T]
  }
  return kept
}

/** The checks every training request shares: epochs, batch, time budget, learning rate, a resume folder. */
export async function checkTrainingParams(params: Pick<TrainTaggerJobParams, 'epochs' | 'batch' | 'maxMinutes' | 'learningRate' | 'resume'>): Promise<void> {
  if (!Number.isInteger(params.epochs) || params.epochs < 1) throw new UserError(`epochs: ${params.epochs} is not a whole number >= 1`)
  if (!Number.isInteger(params.batch) || params.batch < 1 || params.batch > 1024) throw new UserError(`batch: ${params.batch} is not a whole number in 1..1024`)
  if (params.maxMinutes !== undefined && !(params.maxMinutes > 0)) throw new UserError(`max minutes: ${params.maxMinutes} is not a positive number`)
  if (!(params.learningRate > 0 && params.learningRate < 1)) throw new UserError(`learning rate: ${params.learningRate} is not in (0, 1)`)
  if (params.resume !== undefined && !/^\d+$/.test(params.resume)) await assertFolder(params.resume, '--resume')
}

/** Refuses `v` (named `name`) unless it is absent or a whole number in lo..hi. */
export function checkWhole(name: string, v: number | undefined, lo: number, hi: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < lo || v > hi)) throw new UserError(`${name}: ${v} is not a whole number in ${lo}..${hi}`)
}

/** Runs a training job on the pool with the hooks; a run left 'running' by a terminated worker is closed. */
export async function runTrainingJob<K extends 'trainTagger' | 'trainWavenet' | 'trainVae' | 'trainVlae'>(kind: K, params: JobParams<K>, hooks: TrainHooks): Promise<JobResult<K>> {
  let runId: number | undefined
  // Every training job records its params as the run's config: the token finds this job's run in
  // the library even when the worker dies before it reports the run's id.
  const runToken = randomUUID()
  const job = getJobPool().run(kind, { ...params, runToken } as JobParams<K>, {
    onProgress: (p) => {
      runId ??= p.metrics?.runId
      hooks.onProgress?.(p)
    },
    ...(hooks.signal && { signal: hooks.signal })
  })
  hooks.onJobId?.(job.id)
  try {
    return await job.result
  } catch (err) {
    closeAbandonedRun(params.dataDir, runId, runToken, err)
    throw err
  }
}

/** Where a run stands before it ends: a worker terminated there leaves it so. */
const UNFINISHED: ReadonlySet<string> = new Set(['queued', 'running'])

/**
 * A worker that did not stop within the pool's grace period after a cancel (or that died, or was
 * killed) is terminated before it can record how its run ended; the run must not stay 'queued' or
 * 'running' for ever. The run is `runId` when the job reported it, else the one whose config holds
 * `runToken` (issue 18's fault suite killed a worker between creating its run and reporting it).
 */
export function closeAbandonedRun(dataDir: string, runId: number | undefined, runToken: string, err: unknown): void {
  try {
    const lib = Library.open(dataDir)
    try {
      const runs = runId !== undefined ? [lib.runs.get(runId)] : lib.runs.list().filter((r) => UNFINISHED.has(r.status) && r.config.runToken === runToken)
      for (const run of runs) {
        if (!run || !UNFINISHED.has(run.status)) continue
        const cancelled = isJobCancelled(err)
        lib.runs.setStatus(run.id, cancelled ? 'stopped' : 'failed', cancelled ? 'cancelled' : describeError(err))
      }
    } finally {
      lib.close()
    }
  } catch {
    // The library itself is unreachable: the job's own error is the one to report.
  }
}

async function assertFile(path: string, what: string): Promise<void> {
  const s = await stat(path).catch(() => null)
  if (!s?.isFile()) throw new UserError(`${what} ${path}: ${s ? 'not a file' : 'does not exist'}`)
}

async function assertFolder(path: string, what: string): Promise<void> {
  const s = await stat(path).catch(() => null)
  if (!s?.isDirectory()) throw new UserError(`${what} ${path}: ${s ? 'not a checkpoint folder' : 'does not exist'}`)
}
