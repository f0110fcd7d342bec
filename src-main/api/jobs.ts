import { JobPool } from '../jobs/pool'
import { UserError } from '../util/errors'

/** The process-wide job pool (services, CLI and web host share it); created on first use. */
let pool: JobPool | undefined

/**
 * The process-wide job pool, created on first use: EB_JOB_WORKERS workers (default 1), each on the
 * backend EB_BACKEND names (default: the best available, see engine/backend).
 */
export function getJobPool(): JobPool {
  pool ??= new JobPool({ size: workersFromEnv() })
  return pool
}

/** Closes the process-wide pool (cancelling its jobs); the next getJobPool() makes a fresh one. */
export async function closeJobPool(): Promise<void> {
  const p = pool
  pool = undefined
  await p?.close()
}

function workersFromEnv(): number | undefined {
  const raw = process.env.EB_JOB_WORKERS
  if (raw === undefined || raw.trim() === '') return undefined
  if (!/^\d+$/.test(raw.trim())) throw new UserError(`EB_JOB_WORKERS "${raw}" is not a whole number of workers`)
  return Number(raw)
}
