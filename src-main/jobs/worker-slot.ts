import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerBoot } from './protocol'
import { workerEntry } from './worker-entry'

/** How to start one worker thread. */
export interface SlotOptions {
  url: URL
  env?: Record<string, string>
  backend?: string
  resourceLimits?: ResourceLimits
}

/** What the pool hears from a slot: its messages, and its death (not counting terminate()). */
export interface SlotHandlers {
  message(slot: WorkerSlot, msg: FromWorker): void
  died(slot: WorkerSlot, err: Error): void
}

/**
 * One worker thread and its state: 'booting' until it posts ready, then 'idle' or 'busy' with one
 * job. Knows nothing of queues; the pool decides what runs where.
 */
export class WorkerSlot {
  state: 'booting' | 'idle' | 'busy' | 'gone' = 'booting'
  /** Backend from the ready message. */
  backend: string | undefined
  /** Id of the job it runs while busy. */
  jobId: string | undefined
  /** Whether it ever reached ready (a worker that dies while booting is a start-up failure). */
  wasReady = false
  readonly threadId: number
  private readonly worker: Worker
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
  private lastError: Error | undefined
  private terminating = false
  private readonly exited: Promise<void>

  constructor(opts: SlotOptions, handlers: SlotHandlers) {
    const boot: WorkerBoot = { cancelFlag: this.cancelFlag, backend: opts.backend }
    this.worker = new Worker(workerEntry(opts.url), {
      workerData: boot,
      env: { ...process.env, ...opts.env },
      resourceLimits: opts.resourceLimits,
      // Worker stdout goes to our stderr: library banners must not break the CLI's --json last line.
      stdout: true
    })
    this.worker.stdout.pipe(process.stderr, { end: false })
    this.threadId = this.worker.threadId
    this.worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        this.state = 'idle'
        this.wasReady = true
        this.backend = msg.backend
      }
      handlers.message(this, msg)
    })
    this.worker.on('error', (err) => {
      this.lastError = err
    })
    this.worker.on('messageerror', (err) => {
      // A message that cannot be read loses a job's result: fail it and start afresh.
      this.lastError = new Error(`job worker sent an unreadable message: ${err.message}`)
      void this.worker.terminate()
    })
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        this.state = 'gone'
        resolve()
        if (this.terminating) return
        handlers.died(this, this.lastError ?? new Error(`job worker exited with code ${code}`))
      })
    })
  }

  /** Starts a job on this idle slot; params' whole-buffer arrays in `transfer` are moved. */
  start(msg: Extract<ToWorker, { type: 'start' }>, transfer: ArrayBuffer[]): void {
    this.state = 'busy'
    this.jobId = msg.jobId
    this.worker.postMessage(msg, transfer)
  }

  /** Marks the job done on the slot side; it can take the next one. */
  release(): void {
    if (this.state === 'busy') this.state = 'idle'
    this.jobId = undefined
  }

  /** Asks the running job to stop: the shared flag first (seen by synchronous loops), then the message. */
  cancel(jobId: string, seq: number): void {
    Atomics.store(this.cancelFlag, 0, seq)
    this.worker.postMessage({ type: 'cancel', jobId } satisfies ToWorker)
  }

  /**
   * Ends the thread at once, from outside, as a crash would: the pool hears `died` with `reason` (its
   * job fails with it) and replaces the worker. Resolves once the thread has exited.
   */
  async crash(reason: string): Promise<void> {
    this.lastError = new Error(reason)
    await this.worker.terminate()
    await this.exited
  }

  /** Stops the thread (its memory goes with it); resolves once it has exited. */
  async terminate(): Promise<void> {
    this.terminating = true
    this.state = 'gone'
    await this.worker.terminate()
    await this.exited
  }
}
