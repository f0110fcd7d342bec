import { defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import type { GenerationOutput, JobFinished, JobProgress } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { canGenerate, defaultGenerateSettings, generateProblem, generateRequest, speakerFor } from '../lib/wavenet'
import { applyProgress, cancelFollowed } from './job-view'
import { useLibraryStore } from './library'
import { useTrainingStore } from './training'

/** What the generate panel shows about the current (or last) generation. */
export interface GenerateJobView {
  jobId: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  /** Samples made of `total` (per stream). */
  step: number
  total: number
  etaMs?: number
  samplesPerSecond?: number
  realtimeFactor?: number
  error?: string
  output?: GenerationOutput
}

/**
 * WaveNet generation: the fields, the models it can use (the training store's list, so a model
 * trained a moment ago appears without another request), and the running job.
 */
export const useGenerateStore = defineStore('generate', () => {
  const training = useTrainingStore()
  const settings = reactive(defaultGenerateSettings())
  const job = ref<GenerateJobView | null>(null)
  const error = ref<string | null>(null)
  /**
   * Ends of jobs that were not ours when they arrived: a generation refused in its worker can end
   * before its start call returns, so the newest few are kept for start() to apply.
   */
  const early = new Map<string, JobFinished>()
  const EARLY_KEPT = 8

  /** WaveNets with a checkpoint, newest first. */
  const models = computed(() => training.models.filter(canGenerate))
  const model = computed(() => models.value.find((m) => m.id === settings.modelId))
  const running = computed(() => job.value?.status === 'running')
  const problem = computed(() => generateProblem(settings, model.value))

  // A model that went away (or none chosen yet) gives way to the newest; its speaker list replaces the old one's.
  watch(
    models,
    (list) => {
      if (!list.some((m) => m.id === settings.modelId)) settings.modelId = list[0]?.id ?? null
    },
    { immediate: true }
  )
  watch(model, (m) => (settings.speaker = speakerFor(m, settings.speaker)), { immediate: true })

  /** Starts a generation with the fields for the open project (which gets the track); a refusal is kept in `error` in the service's words. */
  async function start(): Promise<void> {
    const m = model.value
    if (problem.value !== null || !m || running.value) return
    error.value = null
    const projectId = useLibraryStore().currentId
    try {
      const { jobId } = await useApi().startGeneration({ ...generateRequest({ ...settings, modelId: m.id }, m), ...(projectId !== null && { projectId }) })
      job.value = { jobId, status: 'running', step: 0, total: 0 }
      const ended = early.get(jobId)
      if (ended) finished(ended)
    } catch (err) {
      fail(err)
    }
  }

  function fail(err: unknown): void {
    error.value = err instanceof Error ? err.message : String(err)
  }

  async function cancel(): Promise<void> {
    await cancelFollowed(job.value, fail)
  }

  /** Applies a progress event of our job (others' are ignored). */
  function progress(p: JobProgress): void {
    const j = job.value
    if (!applyProgress(j, p)) return
    if (p.metrics?.samplesPerSecond !== undefined) j.samplesPerSecond = p.metrics.samplesPerSecond
    // A run as long as its mel frames gets no realtime factor from the host: the model's rate gives it.
    const rate = model.value?.sampleRate
    if (p.metrics?.realtimeFactor !== undefined) j.realtimeFactor = p.metrics.realtimeFactor
    else if (j.samplesPerSecond !== undefined && rate) j.realtimeFactor = j.samplesPerSecond / rate
  }

  /** Applies the end of our job; false when it is not ours. A done job shows a full bar and the final figures. */
  function finished(f: JobFinished): boolean {
    const j = job.value
    if (!j || j.jobId !== f.jobId) {
      early.set(f.jobId, f)
      for (const id of early.keys()) if (early.size > EARLY_KEPT) early.delete(id)
      return false
    }
    early.delete(f.jobId)
    j.status = f.status
    j.etaMs = undefined
    if (f.error !== undefined) j.error = f.error
    if (f.generated) {
      j.output = f.generated
      j.step = j.total = Math.max(j.total, 1)
      j.samplesPerSecond = f.generated.samplesPerSecond
      j.realtimeFactor = f.generated.realtimeFactor
    }
    return true
  }

  function $reset(): void {
    Object.assign(settings, { ...defaultGenerateSettings(), modelId: models.value[0]?.id ?? null })
    settings.speaker = speakerFor(model.value, '')
    job.value = null
    error.value = null
    early.clear()
  }

  return { settings, job, error, models, model, running, problem, start, cancel, progress, finished, $reset }
})
