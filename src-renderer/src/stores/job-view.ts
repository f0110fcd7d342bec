/** What the training and generate stores share about the one job each panel follows. */
import type { JobProgress } from '../../../src-preload/api'
import { useApi } from '../api/client'

/** The fields every followed job has. */
export interface FollowedJob {
  jobId: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  step: number
  total: number
  etaMs?: number
}

/** Applies a progress event's step, total and ETA when it is this job's and the job still runs; true when it did. */
export function applyProgress(j: FollowedJob | null, p: JobProgress): j is FollowedJob {
  if (!j || j.jobId !== p.jobId || j.status !== 'running') return false
  j.step = p.step
  j.total = p.total
  j.etaMs = p.etaMs
  return true
}

/** Asks the host to cancel the job if it still runs; a failed request goes to `fail`. */
export async function cancelFollowed(j: FollowedJob | null, fail: (err: unknown) => void): Promise<void> {
  if (!j || j.status !== 'running') return
  try {
    await useApi().cancelJob({ jobId: j.jobId })
  } catch (err) {
    fail(err)
  }
}
