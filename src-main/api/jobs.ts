import { JobPool } from '../jobs/pool'

/** The process-wide job pool (services, CLI and web host share it); created on first use. */
let pool: JobPool | undefined

/** The process-wide job pool, created with the defaults on first use (one worker). */
export function getJobPool(): JobPool {
  pool ??= new JobPool()
  return pool
}

/** Closes the process-wide pool (cancelling its jobs); the next getJobPool() makes a fresh one. */
export async function closeJobPool(): Promise<void> {
  const p = pool
  pool = undefined
  await p?.close()
}
