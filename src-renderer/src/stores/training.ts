import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type {
  JobFinished,
  JobProgress,
  ModelSummary,
  RunCurves,
  TrainingDataset,
  TrainingJob,
  TrainingOutcome,
  TrainingRequest,
  VaeTrainingOutcome,
  VaeTrainingRequest,
  WavenetTrainingOutcome,
  WavenetTrainingRequest
} from '../../../src-preload/api'
import { useApi } from '../api/client'
import { defaultSettings, pickTagger, settingsProblem, trainingRequest } from '../lib/training'
import { datasetsFor, defaultWavenetSettings, wavenetSettingsProblem, wavenetTrainingRequest } from '../lib/wavenet'
import { PRESET_LATENTS, defaultVaeSettings, vaeDatasets, vaeSettingsProblem, vaeTrainingRequest } from '../lib/vae'
import { applyProgress, cancelFollowed } from './job-view'

/** The model families the panel trains. */
export type ModelFamily = 'tagger' | 'wavenet' | 'vae'

/** Any request the panel starts a run with. */
export type AnyTrainingRequest = TrainingRequest | WavenetTrainingRequest | VaeTrainingRequest

/** What the panel shows about the current (or last) training job. */
export interface TrainingJobView {
  jobId: string
  runId: number | null
  status: 'running' | 'done' | 'failed' | 'cancelled'
  request: AnyTrainingRequest
  step: number
  total: number
  etaMs?: number
  phase?: string
  loss?: number
  clipsPerSecond?: number
  /** WaveNet: loss-carrying samples per second of training. */
  samplesPerSecond?: number
  /** VAE: training images (MNIST) or crops (VLAE) per second. */
  examplesPerSecond?: number
  error?: string
  outcome?: TrainingOutcome
  /** A finished WaveNet run's figures. */
  wavenet?: WavenetTrainingOutcome
  /** A finished VAE run's figures. */
  vae?: VaeTrainingOutcome
}

/** The family a job trains. */
export function familyOf(request: AnyTrainingRequest): ModelFamily {
  return 'family' in request ? request.family : 'tagger'
}

/**
 * A live run's curves are polled from the library (runCurves) every CURVE_POLL_MS rather than built
 * from progress events: the job records loss per batch and the validation figures per epoch there,
 * and progress carries only the loss, so one source gives both curves, survives a page reload and
 * draws a past run exactly like a live one. Two seconds: a fresh point every few batches on wasm,
 * and one small binary reply (8 bytes a point) per poll.
 */
export const CURVE_POLL_MS = 2000

/** Tagger and WaveNet training: datasets, settings, the running job, the model list and the chosen run's curves. */
export const useTrainingStore = defineStore('training', () => {
  const open = ref(false)
  const family = ref<ModelFamily>('tagger')
  const datasets = ref<TrainingDataset[]>([])
  const models = ref<ModelSummary[]>([])
  const settings = reactive(defaultSettings())
  const wavenet = reactive(defaultWavenetSettings())
  const vae = reactive(defaultVaeSettings())
  const job = ref<TrainingJobView | null>(null)
  const selectedRunId = ref<number | null>(null)
  const chosenModelId = ref<number | null>(null)
  /** Curves of the selected run (shallow: the typed arrays are replaced whole, never edited). */
  const curves = shallowRef<RunCurves | null>(null)
  const error = ref<string | null>(null)
  let poll: ReturnType<typeof setInterval> | undefined
  // Replies of superseded curve requests are dropped: a slow poll must not overwrite a newer selection.
  let curveRequest = 0

  const running = computed(() => job.value?.status === 'running')
  /**
   * The job whose run the panel shows, for its progress line: the job while it is the selected run
   * (or, before it knows its run, while no run is selected), else null, so an MNIST job's loss never
   * sits under a VLAE run picked in the list.
   */
  const shownJob = computed(() => {
    const j = job.value
    return j && j.runId === selectedRunId.value ? j : null
  })
  const problem = computed(() => (family.value === 'wavenet' ? wavenetSettingsProblem(wavenet) : family.value === 'vae' ? vaeSettingsProblem(vae) : settingsProblem(settings)))
  /** The datasets the chosen family (a VAE: its preset) trains on. */
  const familyDatasets = computed(() => (family.value === 'vae' ? vaeDatasets(vae.preset, datasets.value) : datasetsFor(family.value, datasets.value)))

  /** Another VAE preset: its width of z, and a dataset of the kind it trains on. */
  function pickVaeDataset(): void {
    const mine = vaeDatasets(vae.preset, datasets.value)
    if (vae.datasetId === null || !mine.some((d) => d.id === vae.datasetId)) vae.datasetId = mine[0]?.id ?? null
  }
  watch(
    () => vae.preset,
    (preset) => {
      vae.latents = PRESET_LATENTS[preset]
      pickVaeDataset()
    }
  )
  const selectedRun = computed(() => models.value.flatMap((m) => m.runs).find((r) => r.id === selectedRunId.value))
  const selectedModel = computed(() => models.value.find((m) => m.runs.some((r) => r.id === selectedRunId.value)))
  /** The tagger the Tag buttons use: the one chosen in the list, else the newest that has a checkpoint. */
  const tagger = computed(() => pickTagger(models.value, chosenModelId.value))

  function fail(err: unknown): void {
    error.value = err instanceof Error ? err.message : String(err)
  }

  /** Loads datasets, models and a training job already running on the host (after a reload). */
  async function init(): Promise<void> {
    try {
      const api = useApi()
      datasets.value = await api.listTrainingDatasets()
      for (const [s, f] of [[settings, 'tagger'], [wavenet, 'wavenet']] as const) {
        const mine = datasetsFor(f, datasets.value)
        if (s.datasetId === null || !mine.some((d) => d.id === s.datasetId)) s.datasetId = mine[0]?.id ?? null
      }
      pickVaeDataset()
      // Speakers ticked for a dataset that is no longer chosen (or no longer has them) are dropped.
      const codes = new Set(datasets.value.find((d) => d.id === wavenet.datasetId)?.speakers.map((sp) => sp.code))
      wavenet.speakers = wavenet.speakers.filter((c) => codes.has(c))
      await refreshModels()
      const [active] = await api.listTrainingJobs()
      if (active && job.value === null) adopt(active)
    } catch (err) {
      fail(err)
    }
  }

  async function refreshModels(): Promise<void> {
    try {
      models.value = await useApi().listModels()
      if (selectedRunId.value === null && !running.value) {
        const newest = models.value[0]?.runs[0]
        if (newest) void selectRun(newest.id)
      }
    } catch (err) {
      fail(err)
    }
  }

  function adopt(active: TrainingJob): void {
    const p = active.progress
    family.value = familyOf(active.request)
    job.value = { jobId: active.jobId, runId: active.runId, status: 'running', request: active.request, step: p?.step ?? 0, total: p?.total ?? 0 }
    if (p) progress(p)
    if (active.runId !== null) void selectRun(active.runId)
    startPolling()
  }

  /** Starts a run of the chosen family with the panel's settings. */
  async function start(): Promise<void> {
    if (problem.value !== null || running.value) return
    const api = useApi()
    let request: AnyTrainingRequest
    let launch: () => Promise<{ jobId: string }>
    if (family.value === 'vae') {
      if (vae.datasetId === null) return
      const req = vaeTrainingRequest({ ...vae, datasetId: vae.datasetId })
      ;[request, launch] = [req, () => api.startVaeTraining(req)]
    } else if (family.value === 'wavenet') {
      if (wavenet.datasetId === null) return
      const req = wavenetTrainingRequest({ ...wavenet, datasetId: wavenet.datasetId })
      ;[request, launch] = [req, () => api.startWavenetTraining(req)]
    } else {
      if (settings.datasetId === null) return
      const req = trainingRequest({ ...settings, datasetId: settings.datasetId })
      ;[request, launch] = [req, () => api.startTraining(req)]
    }
    error.value = null
    try {
      const { jobId } = await launch()
      job.value = { jobId, runId: null, status: 'running', request, step: 0, total: 0, phase: 'starting' }
      selectedRunId.value = null
      curves.value = null
      startPolling()
    } catch (err) {
      fail(err)
    }
  }

  async function cancel(): Promise<void> {
    await cancelFollowed(job.value, fail)
  }

  /** Applies a progress event of our job (others' are ignored). */
  function progress(p: JobProgress): void {
    const j = job.value
    if (!applyProgress(j, p)) return
    if (p.phase !== undefined) j.phase = p.phase
    if (p.loss !== undefined) j.loss = p.loss
    if (p.metrics?.clipsPerSecond !== undefined) j.clipsPerSecond = p.metrics.clipsPerSecond
    if (p.metrics?.samplesPerSecond !== undefined) j.samplesPerSecond = p.metrics.samplesPerSecond
    if (p.metrics?.examplesPerSecond !== undefined) j.examplesPerSecond = p.metrics.examplesPerSecond
    const runId = p.metrics?.runId
    if (j.runId === null && runId !== undefined) learnRun(runId)
  }

  /** Applies the end of our job: the final figures, the model list, the run's full curves. */
  function finished(f: JobFinished): boolean {
    const j = job.value
    if (!j || j.jobId !== f.jobId) return false
    stopPolling()
    j.status = f.status
    j.etaMs = undefined
    if (f.error !== undefined) j.error = f.error
    const done = f.training ?? f.wavenet ?? f.vae
    if (f.training) j.outcome = f.training
    if (f.wavenet) j.wavenet = f.wavenet
    if (f.vae) j.vae = f.vae
    if (done) {
      j.step = j.total = Math.max(j.total, 1)
      learnRun(done.runId)
      chosenModelId.value = done.modelId
    }
    void refreshModels()
    if (j.runId !== null) void loadCurves(j.runId)
    return true
  }

  function learnRun(runId: number): void {
    const j = job.value
    if (!j) return
    j.runId = runId
    if (selectedRunId.value === null) selectedRunId.value = runId
    // The list gains the new run (status running); its curves show now rather than at the next poll.
    void refreshModels()
    if (selectedRunId.value === runId && j.status === 'running') void loadCurves(runId)
  }

  /** Shows a run's curves (a past run, or the live one). */
  async function selectRun(runId: number): Promise<void> {
    selectedRunId.value = runId
    const model = models.value.find((m) => m.runs.some((r) => r.id === runId))
    if (model) chosenModelId.value = model.id
    await loadCurves(runId)
  }

  async function loadCurves(runId: number): Promise<void> {
    const mine = ++curveRequest
    try {
      const c = await useApi().runCurves({ runId })
      if (mine === curveRequest && selectedRunId.value === runId) curves.value = c
    } catch (err) {
      if (mine === curveRequest) fail(err)
    }
  }

  /** One poll: learn the live run's id if the job has not said it yet, then fetch its curves. */
  async function pollOnce(): Promise<void> {
    const j = job.value
    if (!j || j.status !== 'running') return
    if (j.runId === null) {
      const active = (await useApi().listTrainingJobs()).find((a) => a.jobId === j.jobId)
      if (active?.runId != null) learnRun(active.runId)
    }
    if (j.runId !== null && selectedRunId.value === j.runId) await loadCurves(j.runId)
  }

  function startPolling(): void {
    stopPolling()
    poll = setInterval(() => void pollOnce().catch(fail), CURVE_POLL_MS)
  }
  function stopPolling(): void {
    clearInterval(poll)
    poll = undefined
  }

  function toggle(): void {
    open.value = !open.value
  }

  function $reset(): void {
    stopPolling()
    curveRequest += 1
    open.value = false
    family.value = 'tagger'
    datasets.value = []
    models.value = []
    Object.assign(settings, defaultSettings())
    Object.assign(wavenet, defaultWavenetSettings())
    Object.assign(vae, defaultVaeSettings())
    job.value = null
    selectedRunId.value = null
    chosenModelId.value = null
    curves.value = null
    error.value = null
  }

  return {
    open,
    family,
    datasets,
    familyDatasets,
    models,
    settings,
    wavenet,
    vae,
    job,
    selectedRunId,
    chosenModelId,
    curves,
    error,
    running,
    shownJob,
    problem,
    selectedRun,
    selectedModel,
    tagger,
    init,
    refreshModels,
    start,
    cancel,
    progress,
    finished,
    selectRun,
    pollOnce,
    toggle,
    $reset
  }
})
