import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { PresetInfo, RenderSummary, TagDataset } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { filterRenders, type RenderSort } from '../lib/render-library'
import { auditionSlot } from './audition-slot'
import { useTracksStore } from './tracks'

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** The model library view: renders (search, sort, play, delete after asking), effect-chain presets (rename, delete after asking), MTAT datasets. */
export const useRenderLibraryStore = defineStore('renderLibrary', () => {
  const open = ref(false)
  const renders = ref<RenderSummary[]>([])
  const text = ref('')
  const sort = ref<RenderSort>('newest')
  /** The render whose Delete was clicked once (the row asks to confirm). */
  const confirming = ref<number | null>(null)
  const note = ref<{ text: string; error: boolean } | null>(null)
  const presets = ref<PresetInfo[]>([])
  const datasets = ref<TagDataset[]>([])
  /** The preset whose Delete was clicked once. */
  const confirmingPreset = ref<number | null>(null)
  const { auditioner, playingId, attach, stop } = auditionSlot<number>()
  let off: (() => void) | null = null

  const shown = computed(() => filterRenders(renders.value, text.value, sort.value))

  async function load(): Promise<void> {
    try {
      const api = useApi()
      ;[renders.value, presets.value, datasets.value] = await Promise.all([api.listRenders(), api.listPresets(), api.listTagDatasets()])
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /** Renames a preset; a taken or empty name is refused by the library in one line, shown as the note. */
  async function renamePreset(id: number, name: string): Promise<void> {
    try {
      const p = await useApi().renamePreset({ id, name })
      note.value = { text: `preset ${id} renamed "${p.name}"`, error: false }
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
    await load()
  }

  /** Deletes the preset being confirmed (presets are rows only: no file to remove). */
  async function confirmDeletePreset(): Promise<void> {
    const id = confirmingPreset.value
    confirmingPreset.value = null
    if (id === null) return
    try {
      const { deleted } = await useApi().deletePreset({ id })
      note.value = deleted ? { text: `preset ${id} deleted`, error: false } : { text: `preset ${id}: already gone`, error: true }
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
    await load()
  }

  /** Plays a render's output (again: stops it). */
  async function play(r: RenderSummary): Promise<void> {
    const player = auditioner.value
    if (!player) return
    if (playingId.value === r.id) return stop()
    try {
      const audio = await useApi().loadAudio({ path: r.outputPath })
      await player.play(audio, () => {
        if (playingId.value === r.id) playingId.value = null
      })
      playingId.value = r.id
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /** Deletes the render being confirmed; its output tracks leave the open project too. */
  async function confirmDelete(): Promise<void> {
    const id = confirming.value
    confirming.value = null
    if (id === null) return
    if (playingId.value === id) stop()
    try {
      const out = await useApi().deleteRender({ id })
      const tracks = useTracksStore()
      for (const t of tracks.outputs.filter((x) => x.render?.renderId === String(id))) tracks.removeTrack(t.id)
      note.value = { text: `render ${id} deleted${out.fileNote ? `; ${out.fileNote}` : ''}`, error: !out.fileRemoved && out.fileNote !== 'its file was already gone' }
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
    await load()
  }

  /** Opens or closes the view; while open, a render made or deleted anywhere refreshes the list. */
  function toggle(): void {
    open.value = !open.value
    off?.()
    off = null
    if (!open.value) return
    off = useApi().on('libraryChanged', (c) => {
      if (c.kind === 'render' || c.kind === 'preset') void load()
    })
    void load()
  }

  function $reset(): void {
    off?.()
    off = null
    attach(null)
    open.value = false
    renders.value = []
    text.value = ''
    sort.value = 'newest'
    confirming.value = null
    note.value = null
    presets.value = []
    datasets.value = []
    confirmingPreset.value = null
  }

  return {
    open,
    renders,
    presets,
    datasets,
    text,
    sort,
    confirming,
    confirmingPreset,
    playingId,
    note,
    shown,
    load,
    play,
    confirmDelete,
    renamePreset,
    confirmDeletePreset,
    attach,
    toggle,
    $reset
  }
})
