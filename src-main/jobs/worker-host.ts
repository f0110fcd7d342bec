import { parentPort, workerData } from 'node:worker_threads'
import { describeError } from '../util/errors'
import { JobCancelledError } from './errors'
import type { EngineMap, JobContext, KindRegistry } from './job-context'
import type { FromWorker, JobProgress, ToWorker, WorkerBoot } from './protocol'
import { collectTransferables } from './transfer'

/** How a worker entry starts: `init` runs before `ready` (backend set-up) and returns the backend name. */
export interface ServeOptions {
  init?: (backend: string | undefined) => Promise<string>
}

/** At most one progress message per this many ms (a phase's first and the last always go), to spare the caller. */
const PROGRESS_INTERVAL_MS = 100

/**
 * The worker side of the job protocol: runs `init`, posts `ready`, then runs each `start` through its
 * engine and posts progress, result or error. Worker entry files are this call and nothing else.
 */
export async function serveJobs<R extends KindRegistry<R>>(engines: EngineMap<R>, opts: ServeOptions = {}): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('serveJobs: must run inside a worker thread')
  const boot = workerData as WorkerBoot
  const backend = opts.init ? await opts.init(boot.backend) : 'none'
  const running = new Map<string, AbortController>()
  const post = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer)

  const run = async (msg: Extract<ToWorker, { type: 'start' }>): Promise<void> => {
    const controller = new AbortController()
    running.set(msg.jobId, controller)
    const cancelled = (): JobCancelledError => new JobCancelledError(`job ${msg.jobId} (${msg.kind}) cancelled`)
    // The shared flag is set before the cancel message is sent: reading it lets a synchronous engine
    // see the cancel, and aborting here makes its `signal.aborted` checks see it as well.
    const isCancelled = (): boolean => {
      if (!controller.signal.aborted && Atomics.load(boot.cancelFlag, 0) === msg.seq) controller.abort(cancelled())
      return controller.signal.aborted
    }
    let lastPost = -Infinity
    let lastPhase: string | undefined
    const ctx: JobContext = {
      signal: controller.signal,
      backend,
      isCancelled,
      throwIfCancelled() {
        if (isCancelled()) throw cancelled()
      },
      progress(p) {
        isCancelled()
        const now = performance.now()
        if (now - lastPost < PROGRESS_INTERVAL_MS && p.step < p.total && p.phase === lastPhase) return
        lastPost = now
        lastPhase = p.phase
        const progress: JobProgress = { ...p, jobId: msg.jobId }
        post({ type: 'progress', progress })
      }
    }
    try {
      const engine = Object.hasOwn(engines, msg.kind) ? engines[msg.kind as keyof R] : undefined
      if (!engine) throw new Error(`unknown job kind "${msg.kind}"`)
      const result = await engine(msg.params as R[keyof R]['params'], ctx)
      post({ type: 'result', jobId: msg.jobId, result }, collectTransferables(result))
    } catch (err) {
      const name = err instanceof Error ? err.name : undefined
      post({ type: 'error', jobId: msg.jobId, message: describeError(err), name, cancelled: isCancelled() })
    } finally {
      running.delete(msg.jobId)
    }
  }

  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'start') void run(msg)
    else if (msg.type === 'cancel') running.get(msg.jobId)?.abort(new JobCancelledError(`job ${msg.jobId} cancelled`))
  })
  post({ type: 'ready', backend })
}
