import { defineStore } from 'pinia'
import { ref, shallowReactive, watch } from 'vue'
import type { AppInfo, AudioRef, JobFinished, LibraryChange, Peaks, Project, Spectrogram, StylizeOptions } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { repairNote } from '../lib/labels'
import { trainingSummary } from '../lib/training'
import { rateLabel, wavenetSummary } from '../lib/wavenet'
import { vaeSummary } from '../lib/vae'
import { useChainStore } from './chain'
import { useGenerateStore } from './generate'
import { useJobsStore } from './jobs'
import { useLibraryStore } from './library'
import { useTrainingStore } from './training'
import { useTracksStore } from './tracks'
import { useTransportStore } from './transport'

const LAST_PROJECT_KEY = 'eb.lastProject'
// Edits settle for 400 ms before a save: one save per gesture, not one per mouse event.
const SAVE_DELAY_MS = 400
// 500 peaks per second (2 ms each): at the 800 px/s maximum zoom a peak is under 2 px wide; zoomed
// out the view merges them. Five minutes of audio cost 1.2 MB of floats, fetched once per file.
const PEAKS_PER_SECOND = 500

/**
 * The coordinating store: talks to the API and updates the domain stores when one event touches
 * several (a finished render adds an output track and saves the project).
 */
export const useSessionStore = defineStore('session', () => {
  const info = ref<AppInfo | null>(null)
  const examples = ref<AudioRef[]>([])
  const message = ref<{ text: string; error: boolean } | null>(null)
  const busy = ref(false)
  const peaks = shallowReactive(new Map<string, Peaks>())
  const spectrograms = shallowReactive(new Map<string, Spectrogram>())
  const offs: Array<() => void> = []
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  let loadingProject = false

  const tracks = useTracksStore()
  const jobs = useJobsStore()
  const library = useLibraryStore()
  const transport = useTransportStore()
  const training = useTrainingStore()
  const chain = useChainStore()
  const generate = useGenerateStore()

  function say(text: string, error = false): void {
    message.value = { text, error }
  }
  function fail(err: unknown): void {
    say(err instanceof Error ? err.message : String(err), true)
  }

  /** Starts the session: app info, examples, events, and the last project (or a new one). */
  async function init(): Promise<void> {
    const api = useApi()
    offs.push(
      api.on('jobProgress', (p) => {
        jobs.progress(p)
        training.progress(p)
        generate.progress(p)
      })
    )
    offs.push(
      api.on('jobFinished', (f) => {
        if (f.kind === 'training') return trainingFinished(f)
        if (f.kind === 'generation') return generationFinished(f)
        const job = jobs.finished(f)
        if (f.status === 'done' && f.output && job) {
          const trackId = tracks.addOutput(f.output, job.request.contentPath, job.request.stylePath)
          // A match render opens its fitted chain in the chain panel.
          const added = tracks.tracks.find((t) => t.id === trackId)
          if (added) chain.openTrack(added)
          say([`Render finished: ${f.output.audio.name}`, ...(f.output.report.inputNotes ?? [])].join('; '))
          transport.abOff()
        } else if (f.status === 'done' && !job && f.projectId !== undefined && f.projectId === library.currentId) {
          // A render started before this page was loaded: the host saved its track; show it.
          void openProject(library.currentId)
        } else if (f.status === 'failed') say(`Render failed: ${f.error ?? 'unknown error'}`, true)
        else if (f.status === 'cancelled') say('Render cancelled')
      })
    )
    // A run's start and end and each checkpoint change the model list; an import the training panel's datasets (the tag browser follows the stream itself).
    const modelChange = (k: LibraryChange['kind']): boolean => k === 'model' || k === 'run' || k === 'checkpoint'
    // Another process's commit (kind 'external', e.g. a CLI rename or training run) may have changed any of them.
    const external = (): Promise<unknown> => Promise.all([training.init(), training.refreshModels(), chain.refreshPresets(), refreshProjects()])
    offs.push(api.on('libraryChanged', (c) => void (c.kind === 'external' ? external() : modelChange(c.kind) ? training.refreshModels() : c.kind === 'preset' ? chain.refreshPresets() : c.kind === 'dataset' ? training.init() : refreshProjects())))
    offs.push(watch(() => tracks.revision, scheduleSave))
    try {
      info.value = await api.appInfo()
      examples.value = await api.listExamples()
      await refreshProjects()
      const last = localStorage.getItem(LAST_PROJECT_KEY)
      const target = library.projects.find((p) => p.id === last) ?? library.projects[0]
      if (target) await openProject(target.id)
      else await newProject('Untitled project')
    } catch (err) {
      fail(err)
    }
    await training.init()
    await chain.refreshPresets()
  }

  /** The status line's word on a training run that ended (another tab's run is only refreshed in the list). */
  function trainingFinished(f: JobFinished): void {
    if (!training.finished(f)) return
    const t = f.training
    if (f.status === 'done' && t) say(trainingSummary(t))
    else if (f.status === 'done' && f.wavenet) say(wavenetSummary(f.wavenet))
    else if (f.status === 'done' && f.vae) say(vaeSummary(f.vae))
    else if (f.status === 'failed') say(`Training failed: ${f.error ?? 'unknown error'}`, true)
    else if (f.status === 'cancelled') say('Training cancelled')
  }

  /** Our generation ended: its audio lands on a new output track (the host saved it too), and the status line says how fast. */
  function generationFinished(f: JobFinished): void {
    if (!generate.finished(f)) {
      // One started before this page was loaded: the host saved its track; show it.
      if (f.status === 'done' && f.projectId !== undefined && f.projectId === library.currentId) void openProject(library.currentId)
      return
    }
    const g = f.generated
    if (f.status === 'done' && g) {
      tracks.addGenerated(g.audio, g.label)
      say(`Generated ${g.audio.name}: ${rateLabel(g.samplesPerSecond, g.realtimeFactor)}`)
    } else if (f.status === 'failed') say(`Generation failed: ${f.error ?? 'unknown error'}`, true)
    else if (f.status === 'cancelled') say('Generation cancelled')
  }

  async function refreshProjects(): Promise<void> {
    library.setProjects(await useApi().listProjects())
  }

  function applyProject(p: Project): void {
    loadingProject = true
    transport.$reset()
    chain.close()
    tracks.load(p.tracks)
    library.opened(p.id, p.name)
    localStorage.setItem(LAST_PROJECT_KEY, p.id)
    loadingProject = false
  }

  async function openProject(id: string): Promise<void> {
    try {
      applyProject(await useApi().loadProject({ id }))
    } catch (err) {
      fail(err)
    }
  }

  async function newProject(name: string): Promise<void> {
    try {
      applyProject(await useApi().createProject({ name }))
      await refreshProjects()
    } catch (err) {
      fail(err)
    }
  }

  function scheduleSave(): void {
    if (loadingProject || library.currentId === null) return
    clearTimeout(saveTimer)
    saveTimer = setTimeout(() => void save(), SAVE_DELAY_MS)
  }

  /** Saves the open project now (tracks and clips in one transaction on the other side). */
  async function save(): Promise<void> {
    clearTimeout(saveTimer)
    const id = library.currentId
    if (id === null) return
    library.saving = true
    try {
      // JSON round trip: a plain snapshot of the reactive tracks (proxies cannot be structured-cloned).
      const project: Project = { id, name: library.currentName, updatedAt: Date.now(), tracks: JSON.parse(JSON.stringify(tracks.tracks)) as Project['tracks'] }
      library.saved(await useApi().saveProject(project))
    } catch (err) {
      library.saved({ error: err instanceof Error ? err.message : String(err) })
    }
  }

  async function rename(name: string): Promise<void> {
    const trimmed = name.trim()
    if (trimmed === '' || trimmed === library.currentName) return
    library.currentName = trimmed
    await save()
  }

  /** Uploads (browser) or passes (Electron) dropped/chosen files and puts the first on a track. */
  async function importFiles(kind: 'content' | 'style', files: File[]): Promise<void> {
    const file = files[0]
    if (!file) return
    busy.value = true
    try {
      const ref = await useApi().importAudio({ name: file.name, data: await file.arrayBuffer() })
      placed(kind, ref)
    } catch (err) {
      fail(err)
    } finally {
      busy.value = false
    }
  }

  /** Electron's open dialog (the browser uses a file input instead). */
  async function openDialog(kind: 'content' | 'style'): Promise<void> {
    try {
      const [first] = await useApi().openAudioDialog()
      if (first) placed(kind, first)
    } catch (err) {
      fail(err)
    }
  }

  function useExample(kind: 'content' | 'style', ref: AudioRef): void {
    placed(kind, ref)
  }

  /** Puts a clip on a track and says so, with the decoder's repair note when it had to fix samples. */
  function placed(kind: 'content' | 'style', ref: AudioRef): void {
    tracks.setClip(kind, ref)
    say([`${ref.name} on ${kind}`, repairNote(ref)].filter(Boolean).join('; '))
  }

  /** Starts a render of the content clip in the style of the style clip. */
  async function render(options: StylizeOptions): Promise<void> {
    const c = tracks.content?.clips[0]
    const s = tracks.style?.clips[0]
    if (!c || !s) return say('Put a clip on the content track and one on the style track first', true)
    const request = { contentPath: c.path, stylePath: s.path, options, ...(library.currentId !== null ? { projectId: library.currentId } : {}) }
    try {
      const { jobId } = await useApi().startRender(request)
      jobs.started(jobId, request)
    } catch (err) {
      fail(err)
    }
  }

  async function cancel(jobId: string): Promise<void> {
    try {
      await useApi().cancelJob({ jobId })
    } catch (err) {
      fail(err)
    }
  }

  /** Downloads an output's WAV (a save dialog in Electron, the downloads folder in a browser). */
  async function exportTrack(trackId: string): Promise<void> {
    const clip = tracks.tracks.find((t) => t.id === trackId)?.clips[0]
    if (!clip) return
    try {
      const { name, data } = await useApi().exportAudio({ path: clip.path })
      const url = URL.createObjectURL(new Blob([data], { type: 'audio/wav' }))
      const a = document.createElement('a')
      a.href = url
      a.download = name
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (err) {
      fail(err)
    }
  }

  /** Peaks of a file, fetched once per path. */
  async function ensurePeaks(path: string): Promise<void> {
    if (peaks.has(path)) return
    try {
      peaks.set(path, await useApi().audioPeaks({ path, peaksPerSecond: PEAKS_PER_SECOND }))
    } catch (err) {
      fail(err)
    }
  }

  async function ensureSpectrogram(path: string): Promise<void> {
    if (spectrograms.has(path)) return
    try {
      spectrograms.set(path, await useApi().spectrogram({ path }))
    } catch (err) {
      fail(err)
    }
  }

  function $reset(): void {
    for (const off of offs.splice(0)) off()
    clearTimeout(saveTimer)
    info.value = null
    examples.value = []
    message.value = null
    busy.value = false
    peaks.clear()
    spectrograms.clear()
  }

  return { info, examples, message, busy, peaks, spectrograms, init, openProject, newProject, save, rename, importFiles, openDialog, useExample, render, cancel, exportTrack, ensurePeaks, ensureSpectrogram, say, $reset }
})
