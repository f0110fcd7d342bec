import type { JobProgress } from './protocol'

/** The params and result types of one job kind. */
export interface KindSpec {
  params: unknown
  result: unknown
}

/** A registry of job kinds (JobKinds, or a test registry that extends it). */
export type KindRegistry<R> = { [K in keyof R]: KindSpec }

/** What an engine function gets besides its params: a progress sink and the cancel state. */
export interface JobContext {
  /** Reports progress; the worker adapter adds the job id and limits the rate of messages. */
  progress(p: Omit<JobProgress, 'jobId'>): void
  /**
   * Aborted when the job is cancelled: by the cancel message when the engine awaits, or, inside a
   * synchronous loop, at its next progress() or isCancelled() call (they read the shared cancel flag).
   */
  signal: AbortSignal
  /** True once the job is cancelled; works inside a synchronous loop too. */
  isCancelled(): boolean
  /** Throws a JobCancelledError when cancelled: call it once per step. */
  throwIfCancelled(): void
  /** The TensorFlow.js backend this worker initialised (its ready message), 'none' if it has none. */
  backend: string
}

/** An engine function run by the worker for one job kind. */
export type JobEngine<P, R> = (params: P, ctx: JobContext) => Promise<R>

/** The worker-side map from each kind in a registry to its engine function. */
export type EngineMap<R extends KindRegistry<R>> = { [K in keyof R]: JobEngine<R[K]['params'], R[K]['result']> }
