import { UserError } from '../util/errors'

/** Rejection of a job's result when it was cancelled (cancel(), its AbortSignal, or close()). */
export class JobCancelledError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JobCancelled'
  }
}

/** True for a JobCancelledError, also one rebuilt across a thread boundary (checked by name). */
export function isJobCancelled(err: unknown): boolean {
  return err instanceof Error && err.name === 'JobCancelled'
}

/** The caller-side error for a job that failed in its worker: one line, UserError kept as such. */
export function jobFailure(message: string, name?: string): Error {
  const line = message.split('\n')[0] ?? message
  return name === 'UserError' ? new UserError(line) : new Error(line)
}
