import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { JobFinished, JobProgress, RenderRequest } from '../../../src-preload/api'

/** What the render panel shows about one job. */
export interface JobView {
  jobId: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  step: number
  total: number
  etaMs?: number
  phase?: string
  loss?: number
  error?: string
  request: RenderRequest
}

/** Render jobs: started, progressing, finished; the newest one is the one the panel shows. */
export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<JobView[]>([])

  const latest = computed(() => jobs.value[jobs.value.length - 1])
  const running = computed(() => jobs.value.filter((j) => j.status === 'running'))

  /** Records a job the host accepted. */
  function started(jobId: string, request: RenderRequest): void {
    jobs.value.push({ jobId, status: 'running', step: 0, total: request.options.iterations ?? 0, request })
  }
  /** Applies a progress event (ignored for unknown or finished jobs, which can arrive late). */
  function progress(p: JobProgress): void {
    const j = jobs.value.find((x) => x.jobId === p.jobId)
    if (!j || j.status !== 'running') return
    j.step = p.step
    j.total = p.total
    j.etaMs = p.etaMs
    if (p.phase !== undefined) j.phase = p.phase
    if (p.loss !== undefined) j.loss = p.loss
  }
  /** Applies the end of a job; a finished job shows a full bar. Returns the job, if known. */
  function finished(f: JobFinished): JobView | undefined {
    const j = jobs.value.find((x) => x.jobId === f.jobId)
    if (!j) return undefined
    j.status = f.status
    if (f.status === 'done') {
      j.step = j.total = Math.max(j.total, 1)
      j.etaMs = 0
    }
    if (f.error !== undefined) j.error = f.error
    return j
  }
  function $reset(): void {
    jobs.value = []
  }
  return { jobs, latest, running, started, progress, finished, $reset }
})
