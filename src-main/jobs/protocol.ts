import type { Milliseconds } from '../util/units'

/**
 * The typed job protocol shared by the pool (caller side) and the worker (thin adapter).
 * Every long computation (render, training) is a job of some `kind` with structured-cloneable params;
 * audio and large arrays travel as transferable ArrayBuffers inside params/results (see transfer.ts).
 */

/** Progress of a running job: step of total, current loss and metrics, estimated time left. */
export interface JobProgress {
  jobId: string
  step: number
  total: number
  loss?: number
  metrics?: Record<string, number>
  etaMs?: Milliseconds
  /** Short phase name shown beside the bar ("analyse", "optimise", "phase"...). */
  phase?: string
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

/** Caller -> worker. `seq` is the job's number in the shared cancel flag (see WorkerBoot). */
export type ToWorker =
  | { type: 'start'; jobId: string; kind: string; params: unknown; seq: number }
  | { type: 'cancel'; jobId: string }

/** Worker -> caller. `ready` is sent once after the worker has loaded, before any job. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'result'; jobId: string; result: unknown }
  /** `name` is the thrown error's name, so a UserError stays a UserError on the caller side. */
  | { type: 'error'; jobId: string; message: string; cancelled?: boolean; name?: string }

/** What a worker receives as `workerData`. */
export interface WorkerBoot {
  /**
   * One Int32 the pool sets to the `seq` of the job it cancels: an engine in a synchronous loop sees
   * the cancel through `ctx.isCancelled()` without yielding to the event loop for the message.
   */
  cancelFlag: Int32Array
  /** TensorFlow.js backend to initialise before the first job (engine/backend); undefined = default. */
  backend?: string
}

/** One job as the pool reports it (list(), the 'job' event): JSON-safe, for stores and the CLI. */
export interface JobInfo {
  id: string
  kind: string
  status: JobStatus
  /** Epoch milliseconds. */
  queuedAt: number
  startedAt?: number
  endedAt?: number
  /** Latest progress, with etaMs filled in by the pool when the job gave none. */
  progress?: JobProgress
  /** One-line reason when failed or cancelled. */
  error?: string
  /** threadId of the worker that ran it. */
  workerId?: number
  /** Backend the worker reported in its ready message. */
  backend?: string
}
