import { randomUUID } from 'node:crypto'
import type { ResourceLimits } from 'node:worker_threads'
import { UserError, describeError } from '../util/errors'
import type { Milliseconds } from '../util/units'
import { JobCancelledError, jobFailure } from './errors'
import { createEtaEstimator, type EtaEstimator } from './eta'
import type { KindRegistry } from './job-context'
import type { JobKinds } from './kinds'
import type { FromWorker, JobInfo, JobProgress, JobStatus } from './protocol'
import { collectTransferables } from './transfer'
import { checkpointReadOf, type CheckpointRead } from './checkpoint-reads'
import { defaultWorkerUrl } from './worker-entry'
import { WorkerSlot, type SlotOptions } from './worker-slot'

/** Options of a JobPool; every field has a default. */
export interface JobPoolOptions {
  /** Worker threads at most; more jobs wait in a queue (default 1: one engine job fills this 2-core machine). */
  size?: number
  /** Worker entry (default: the production worker beside this module, see worker-entry.ts). */
  workerUrl?: URL
  /** Extra environment variables for the workers (on top of this process's). */
  env?: Record<string, string>
  /** TensorFlow.js backend each worker initialises before its first job (engine/backend's default if unset). */
  backend?: string
  /** Heap limits per worker: exceeding them fails the job instead of killing the whole process. */
  resourceLimits?: ResourceLimits
  /** How long a cancelled job may take to stop before its worker is terminated. */
  cancelGraceMs?: Milliseconds
}

/** Per-job callbacks: progress (with ETA) and an AbortSignal that cancels the job. */
export interface RunHooks {
  onProgress?(p: JobProgress): void
  signal?: AbortSignal
}

/** A worker as the pool sees it. */
export interface WorkerInfo {
  threadId: number
  state: 'booting' | 'idle' | 'busy' | 'gone'
  backend?: string
}

const DEFAULT_SIZE = 1
/** Each worker holds its own engine and model memory; beyond this many threads they only contend. */
const MAX_SIZE = 32
/** Under 1 s with room for the terminate itself, so a cancel always ends within about a second. */
const DEFAULT_CANCEL_GRACE_MS = 750
/** Finished jobs kept for list(), so a store that subscribes late still sees recent outcomes. */
const HISTORY = 50

interface Job {
  info: JobInfo
  /** The pool's own copy of the params (their arrays moved in at run()). */
  params: unknown
  seq: number
  hooks: RunHooks
  resolve(value: unknown): void
  reject(err: Error): void
  slot?: WorkerSlot
  eta?: EtaEstimator
  cancelRequested: boolean
  killTimer?: ReturnType<typeof setTimeout>
  unlisten?: () => void
  /** The checkpoints its params name (kept: the params themselves go to the worker). */
  reads?: CheckpointRead
}

/**
 * Runs engine jobs on worker threads: a FIFO queue in front of at most `size` workers, each of which
 * gets no job before its ready message. The caller-side proxy of the job protocol (protocol.ts).
 * Params' whole-buffer typed arrays are moved, not copied: after run() they are detached in the caller.
 */
export class JobPool<R extends KindRegistry<R> = JobKinds> {
  /** Worker threads at most. */
  readonly size: number
  private readonly slotOptions: SlotOptions
  private readonly graceMs: Milliseconds
  private readonly slots = new Set<WorkerSlot>()
  private readonly queue: Job[] = []
  private readonly active = new Map<string, Job>()
  private readonly history: JobInfo[] = []
  private readonly listeners = new Set<(info: JobInfo) => void>()
  /** Terminations under way for cancels that were not honoured, so close() can wait for them too. */
  private readonly stopping = new Set<Promise<void>>()
  private seq = 0
  private closing: Promise<void> | undefined

  constructor(opts: JobPoolOptions = {}) {
    const size = opts.size ?? DEFAULT_SIZE
    if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) {
      throw new UserError(`job pool size ${size} is not an integer in 1..${MAX_SIZE}`)
    }
    const grace = opts.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS
    if (!(grace >= 0)) throw new UserError(`job pool cancel grace ${grace} ms is not a number >= 0`)
    this.size = size
    this.graceMs = grace
    this.slotOptions = {
      url: opts.workerUrl ?? defaultWorkerUrl(),
      env: opts.env,
      backend: opts.backend,
      resourceLimits: opts.resourceLimits
    }
  }

  /** Queues a job; `result` settles with its result, a JobCancelled error, or Error(worker's message). */
  run<K extends keyof R & string>(kind: K, params: R[K]['params'], hooks: RunHooks = {}): { id: string; result: Promise<R[K]['result']> } {
    const id = randomUUID()
    let resolve!: (value: unknown) => void
    let reject!: (err: Error) => void
    const result = new Promise<R[K]['result']>((res, rej) => {
      resolve = res as (value: unknown) => void
      reject = rej
    })
    if (this.closing) {
      reject(new Error(`job ${kind}: the job pool is closed`))
      return { id, result }
    }
    let owned: unknown
    try {
      owned = structuredClone(params, { transfer: collectTransferables(params) })
    } catch (err) {
      reject(new Error(`job ${kind}: params cannot be sent to a worker: ${describeError(err)}`))
      return { id, result }
    }
    const info: JobInfo = { id, kind, status: 'queued', queuedAt: Date.now() }
    const job: Job = { info, params: owned, seq: ++this.seq, hooks, resolve, reject, cancelRequested: false, reads: checkpointReadOf(kind, owned) }
    this.active.set(id, job)
    this.queue.push(job)
    this.emit(job)
    const signal = hooks.signal
    if (signal) {
      const onAbort = (): void => this.cancel(id)
      signal.addEventListener('abort', onAbort, { once: true })
      job.unlisten = () => signal.removeEventListener('abort', onAbort)
      if (signal.aborted) this.cancel(id)
    }
    this.pump()
    return { id, result }
  }

  /** Cancels a job: a queued one at once, a running one when it stops (its worker is terminated after the grace period). */
  cancel(id: string): void {
    const job = this.active.get(id)
    if (!job || job.cancelRequested) return
    job.cancelRequested = true
    const slot = job.slot
    if (!slot) {
      this.queue.splice(this.queue.indexOf(job), 1)
      this.finish(job, 'cancelled', cancelledError(job))
      return
    }
    slot.cancel(id, job.seq)
    job.killTimer = setTimeout(() => void this.kill(job, slot), this.graceMs)
  }

  /** Queued, running and recently finished jobs, oldest first. */
  list(): JobInfo[] {
    return [...this.history, ...[...this.active.values()].map((j) => snapshot(j.info))]
  }

  /** Queued and running jobs that read a checkpoint, with what their params name (see checkpointReadOf). */
  checkpointReads(): { info: JobInfo; read: CheckpointRead }[] {
    return [...this.active.values()].flatMap((j) => (j.reads ? [{ info: snapshot(j.info), read: j.reads }] : []))
  }

  /** The worker threads now alive. */
  workers(): WorkerInfo[] {
    return [...this.slots].map((s) => ({ threadId: s.threadId, state: s.state, backend: s.backend }))
  }

  /**
   * Kills worker `threadId` from outside, mid-job if it is busy (fault injection in
   * bench/reliability; a worker stuck in native code): its job fails with `reason`, a new worker
   * takes the next job. False when no such worker is alive.
   */
  async killWorker(threadId: number, reason: string): Promise<boolean> {
    const slot = [...this.slots].find((s) => s.threadId === threadId && s.state !== 'gone')
    if (!slot) return false
    await slot.crash(reason)
    return true
  }

  /** Calls `listener` on every change of a job (status or progress); returns the unsubscribe function. */
  on(event: 'job', listener: (info: JobInfo) => void): () => void {
    if (event !== 'job') throw new Error(`JobPool.on: unknown event "${String(event)}"`)
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Cancels every job and terminates every worker; later run() calls reject. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    for (const job of this.queue.splice(0)) this.finish(job, 'cancelled', cancelledError(job, 'the job pool closed'))
    const slots = [...this.slots]
    this.slots.clear()
    await Promise.all([...slots.map((s) => s.terminate()), ...this.stopping])
    for (const job of [...this.active.values()]) this.finish(job, 'cancelled', cancelledError(job, 'the job pool closed'))
  }

  /** Gives queued jobs to idle workers and starts workers while jobs wait and there is room. */
  private pump(): void {
    if (this.closing) return
    for (const slot of this.slots) {
      const job = slot.state === 'idle' ? this.queue.shift() : undefined
      if (job) this.dispatch(slot, job)
    }
    let booting = [...this.slots].filter((s) => s.state === 'booting').length
    while (this.queue.length > booting && this.slots.size < this.size) {
      if (!this.spawn()) break
      booting++
    }
  }

  private spawn(): boolean {
    if (this.closing || this.slots.size >= this.size) return false
    try {
      const slot = new WorkerSlot(this.slotOptions, {
        message: (s, msg) => this.onMessage(s, msg),
        died: (s, err) => this.onDied(s, err)
      })
      this.slots.add(slot)
      return true
    } catch (err) {
      const job = this.queue.shift()
      if (job) this.finish(job, 'failed', new Error(`job worker failed to start: ${describeError(err)}`))
      return false
    }
  }

  private dispatch(slot: WorkerSlot, job: Job): void {
    job.slot = slot
    job.eta = createEtaEstimator(performance.now())
    Object.assign(job.info, { status: 'running', startedAt: Date.now(), workerId: slot.threadId, backend: slot.backend })
    const { params } = job
    job.params = undefined
    try {
      slot.start({ type: 'start', jobId: job.info.id, kind: job.info.kind, params, seq: job.seq }, collectTransferables(params))
    } catch (err) {
      slot.release()
      this.finish(job, 'failed', new Error(`job ${job.info.kind}: could not be sent to its worker: ${describeError(err)}`))
      return
    }
    this.emit(job)
  }

  private onMessage(slot: WorkerSlot, msg: FromWorker): void {
    if (!this.slots.has(slot)) return
    if (msg.type === 'ready') {
      this.pump()
      return
    }
    const jobId = msg.type === 'progress' ? msg.progress.jobId : msg.jobId
    const job = this.active.get(jobId)
    if (!job || job.slot !== slot) return
    if (msg.type === 'progress') {
      const p = msg.progress
      const progress: JobProgress = { ...p, etaMs: p.etaMs ?? job.eta?.(p, performance.now()) }
      job.info.progress = progress
      safely(() => job.hooks.onProgress?.(progress))
      this.emit(job)
      return
    }
    slot.release()
    if (job.cancelRequested || (msg.type === 'error' && msg.cancelled)) this.finish(job, 'cancelled', cancelledError(job))
    else if (msg.type === 'error') this.finish(job, 'failed', jobFailure(msg.message, msg.name))
    else this.finish(job, 'done', undefined, msg.result)
    this.pump()
  }

  private onDied(slot: WorkerSlot, err: Error): void {
    if (!this.slots.delete(slot)) return
    const job = slot.jobId === undefined ? undefined : this.active.get(slot.jobId)
    if (job) {
      if (job.cancelRequested) this.finish(job, 'cancelled', cancelledError(job))
      else this.finish(job, 'failed', jobFailure(err.message, err.name))
    } else if (!slot.wasReady) {
      // A worker that cannot start would fail forever: fail one waiting job per attempt instead of looping.
      const head = this.queue.shift()
      if (head) this.finish(head, 'failed', jobFailure(`job worker failed to start: ${describeError(err)}`, err.name))
    }
    if (slot.wasReady) this.spawn()
    this.pump()
  }

  /** Terminates a worker whose job did not honour its cancel in time, then replaces it. */
  private async kill(job: Job, slot: WorkerSlot): Promise<void> {
    if (job.slot !== slot || !this.active.has(job.info.id) || !this.slots.delete(slot)) return
    const stopped = slot.terminate()
    this.stopping.add(stopped)
    await stopped
    this.stopping.delete(stopped)
    this.finish(job, 'cancelled', cancelledError(job))
    this.spawn()
    this.pump()
  }

  private finish(job: Job, status: JobStatus, err?: Error, value?: unknown): void {
    if (!this.active.delete(job.info.id)) return
    clearTimeout(job.killTimer)
    job.unlisten?.()
    job.params = undefined
    Object.assign(job.info, { status, endedAt: Date.now(), ...(err && { error: err.message }) })
    this.history.push(snapshot(job.info))
    if (this.history.length > HISTORY) this.history.shift()
    this.emit(job)
    if (status === 'done') job.resolve(value)
    else job.reject(err ?? new Error(`job ${job.info.kind} ${status}`))
  }

  private emit(job: Job): void {
    for (const listener of this.listeners) {
      const info = snapshot(job.info)
      safely(() => listener(info))
    }
  }
}

function cancelledError(job: Job, why?: string): JobCancelledError {
  return new JobCancelledError(`job ${job.info.id} (${job.info.kind}) cancelled${why ? `: ${why}` : ''}`)
}

function snapshot(info: JobInfo): JobInfo {
  return { ...info }
}

/** A throwing listener must not break the pool's bookkeeping: report it as a process warning instead. */
function safely(fn: () => void): void {
  try {
    fn()
  } catch (err) {
    process.emitWarning(`job listener threw: ${describeError(err)}`)
  }
}
