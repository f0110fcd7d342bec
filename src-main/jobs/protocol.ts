import type { Milliseconds } from '../util/units'

/**
 * The typed job protocol shared by the pool (caller side) and the worker (thin adapter).
 * Every long computation (render, training) is a job of some `kind` with JSON-safe params;
 * audio and large arrays travel as transferable ArrayBuffers inside params/results.
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

/** Caller -> worker. */
export type ToWorker =
  | { type: 'start'; jobId: string; kind: string; params: unknown }
  | { type: 'cancel'; jobId: string }

/** Worker -> caller. `ready` is sent once after the worker has loaded, before any job. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'result'; jobId: string; result: unknown }
  | { type: 'error'; jobId: string; message: string; cancelled?: boolean }
