/** The abort controllers of the jobs a service has running, by job id: what its cancel and shutdown reach. */
export interface JobControllers {
  /** A new controller for `jobId`, registered until `done(jobId)`. */
  start(jobId: string): AbortController
  done(jobId: string): void
  has(jobId: string): boolean
  /** Aborts the job; false when the id is not one of ours. */
  cancel(jobId: string): boolean
  /** Aborts every job (on shutdown). */
  cancelAll(): void
}

/** An empty registry of job controllers. */
export function createJobControllers(): JobControllers {
  const running = new Map<string, AbortController>()
  return {
    start(jobId) {
      const c = new AbortController()
      running.set(jobId, c)
      return c
    },
    done: (jobId) => void running.delete(jobId),
    has: (jobId) => running.has(jobId),
    cancel(jobId) {
      const c = running.get(jobId)
      c?.abort()
      return c !== undefined
    },
    cancelAll() {
      for (const c of running.values()) c.abort()
    }
  }
}
