/**
 * How a training run ends, recorded in the library the same way by every training job: 'stopped'
 * when its time budget ran out, 'completed' otherwise; on an error 'stopped' (cancelled) or 'failed'
 * with the error's one line. And the opening every training job shares: the backend, then the library.
 */
import { Library } from '../library/library'
import { claimRun } from '../library/run-owner'
import { initBackend } from '../engine/backend'
import { join } from 'node:path'
import type { LayersModel } from '../engine/models/model-files'
import { saveCheckpoint } from '../engine/train/checkpoint'
import type { BatchEnd, EpochEnd, StopReason } from '../engine/train/loop'
import type { JsonObject } from '../library/json'
import { describeError } from '../util/errors'
import type { JobContext } from './job-context'

/**
 * Marks run `runId` running, this process its owner (library/run-owner: a kill of the process then
 * fails the run on the next open); a run that cannot be claimed (a full or read-only disk) is failed
 * with the reason, which is rethrown.
 */
export async function startRun(lib: Library, runId: number): Promise<void> {
  try {
    await claimRun(lib.dataDir, runId)
  } catch (err) {
    lib.runs.setStatus(runId, 'failed', describeError(err))
    throw err
  }
  lib.runs.setStatus(runId, 'running')
}

/** Runs `train` and records run `runId`'s outcome; rethrows its error. */
export async function recordRunOutcome<T extends { reason: StopReason }>(lib: Library, runId: number, ctx: JobContext, train: () => Promise<T>): Promise<T> {
  await startRun(lib, runId)
  try {
    const r = await train()
    lib.runs.setStatus(runId, r.reason === 'time' ? 'stopped' : 'completed')
    return r
  } catch (err) {
    lib.runs.setStatus(runId, ctx.isCancelled() ? 'stopped' : 'failed', ctx.isCancelled() ? 'cancelled' : describeError(err))
    throw err
  }
}

/** Starts the job's backend, opens the library of `dataDir` for `fn` (given the backend's name), and closes it however `fn` ends. */
export async function inJobLibrary<T>(dataDir: string, ctx: JobContext, fn: (lib: Library, backend: string) => Promise<T>): Promise<T> {
  const backend = (await initBackend(ctx.backend === 'none' ? undefined : ctx.backend)).name
  const lib = Library.open(dataDir)
  try {
    return await fn(lib, backend)
  } finally {
    lib.close()
  }
}

/** What the recording hooks need to know of a run. */
export interface RecordedRun {
  runId: number
  modelId: number
  /** Epochs asked for, and the steps they make (for progress). */
  epochs: number
  total: number
  maxMinutes?: number | undefined
  /** The checkpoints' `arch`, model options and extra fields. */
  arch: string
  modelOptions: JsonObject
  extra: JsonObject
}

/**
 * The hooks of engine/train's loop that record a run as every training job does: per-batch loss in
 * run_metrics and progress (with cancel and the time budget), and each epoch's checkpoint folder
 * with its figures in the library. `last()` is the newest checkpoint written.
 */
export function recordingHooks(lib: Library, ctx: JobContext, r: RecordedRun) {
  let last: { id: number; path: string } | null = null
  return {
    last: () => last,
    hooks: {
      epochs: r.epochs,
      ...(r.maxMinutes !== undefined && { maxMs: r.maxMinutes * 60_000 }),
      shouldStop: () => ctx.isCancelled(),
      onBatchEnd: (b: BatchEnd) => {
        lib.runs.addMetrics(r.runId, b.step, { loss: b.loss })
        ctx.progress({ step: Math.min(b.step, r.total), total: r.total, phase: `epoch ${b.epoch + 1}/${r.epochs}`, loss: b.loss, metrics: { examplesPerSecond: b.examplesPerSecond, runId: r.runId, modelId: r.modelId } })
      },
      checkpoint: async (m: LayersModel, end: EpochEnd) => {
        const dir = join(lib.dataDir, 'checkpoints', `run-${r.runId}`, `epoch-${String(end.epoch + 1).padStart(3, '0')}`)
        const saved = await saveCheckpoint(m, dir, { arch: r.arch, modelOptions: r.modelOptions, extra: r.extra, state: end.state })
        const { loss: _loss, ...figures } = end.metrics
        const id = lib.checkpoints.add({ runId: r.runId, path: dir, step: end.step, metrics: { epoch: end.epoch + 1, ...figures }, sizeBytes: saved.bytes })
        lib.runs.addMetrics(r.runId, end.step, figures)
        last = { id, path: dir }
      }
    }
  }
}
