import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PresetInfo, RenderSummary } from '../../../src-preload/api'
import { useApi } from '../api/client'
import type { LibrarySort } from '../lib/library-view'
import { auditionSlot } from './audition-slot'
import { useChainStore } from './chain'
import { errorLine as message, noteOutcome, type LibraryNote } from './library-note'
import { useTracksStore } from './tracks'


/**
 * The library view's renders (play, rename, re-open on the timeline, delete after asking) and
 * effect-chain presets (rename, load into the render panel, delete after asking); the search box and
 * sort that every section of the view follows (models and datasets: stores/model-library).
 */
export const useRenderLibraryStore = defineStore('renderLibrary', () => {
  const open = ref(false)
  const renders = ref<RenderSummary[]>([])
  const text = ref('')
  const sort = ref<LibrarySort>('newest')
  /** The render whose Delete was clicked once (the row asks to confirm). */
  const confirming = ref<number | null>(null)
  const note = ref<LibraryNote | null>(null)
  const presets = ref<PresetInfo[]>([])
  /** The preset the library asked the render panel to select (the panel watches it). */
  const presetForPanel = ref<{ id: number; seq: number } | null>(null)
  /** The preset whose Delete was clicked once. */
  const confirmingPreset = ref<number | null>(null)
  const { auditioner, playingId, attach, stop } = auditionSlot<number>()

  async function load(): Promise<void> {
    try {
      const api = useApi()
      ;[renders.value, presets.value] = await Promise.all([api.listRenders(), api.listPresets()])
    } catch (err) {
      note.value = { text: message(err), error: true }
    }
  }

  /** Renames a render; a taken or empty name is refused by the library in one line, shown as the note. */
  async function renameRender(id: number, name: string): Promise<void> {
    await noteOutcome(note, async () => `render ${id} renamed "${(await useApi().renameRender({ id, name })).name}"`)
    await load()
  }

  /** Puts a render back on the timeline: its content and style clips, its output as an output track (once). */
  async function reopen(id: number): Promise<void> {
    await noteOutcome(note, async () => {
      const r = await useApi().reopenRender({ id })
      const tracks = useTracksStore()
      tracks.setClip('content', r.content)
      tracks.setClip('style', r.style)
      tracks.addOutput(r.output, r.content.path, r.style.path)
      return `render ${id} is on the timeline: ${r.content.name} in the style of ${r.style.name}`
    })
  }

  /** Loads a preset: into the open chain panel when one is open, else selected in the render panel's preset picker. */
  async function loadPreset(id: number): Promise<void> {
    const p = presets.value.find((x) => x.id === id)
    if (!p?.chain) {
      note.value = { text: `preset ${id}: ${p?.problem ?? 'not in the library'}`, error: true }
      return
    }
    const chain = useChainStore()
    if (chain.open) {
      await chain.refreshPresets()
      if (chain.loadPreset(id)) {
        note.value = { text: `preset "${p.name}" loaded into the chain panel`, error: false }
        return
      }
    }
    await chain.refreshPresets()
    presetForPanel.value = { id, seq: (presetForPanel.value?.seq ?? 0) + 1 }
    note.value = { text: `preset "${p.name}" selected in the render panel: Apply puts the content through it`, error: false }
  }

  /** Renames a preset; a taken or empty name is refused by the library in one line, shown as the note. */
  async function renamePreset(id: number, name: string): Promise<void> {
    await noteOutcome(note, async () => `preset ${id} renamed "${(await useApi().renamePreset({ id, name })).name}"`)
    await load()
  }

  /** Deletes the preset being confirmed (presets are rows only: no file to remove). */
  async function confirmDeletePreset(): Promise<void> {
    const id = confirmingPreset.value
    confirmingPreset.value = null
    if (id === null) return
    await noteOutcome(note, async () => ((await useApi().deletePreset({ id })).deleted ? `preset ${id} deleted` : { text: `preset ${id}: already gone`, error: true }))
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
    await noteOutcome(note, async () => {
      const out = await useApi().deleteRender({ id })
      const tracks = useTracksStore()
      for (const t of tracks.outputs.filter((x) => x.render?.renderId === String(id))) tracks.removeTrack(t.id)
      return { text: `render ${id} deleted${out.fileNote ? `; ${out.fileNote}` : ''}`, error: !out.fileRemoved && out.fileNote !== 'its file was already gone' }
    })
    await load()
  }

  /** Opens or closes the view (its panel follows the library while mounted: see mount). */
  function toggle(): void {
    open.value = !open.value
  }

  /**
   * Loads the lists and follows libraryChanged, whatever its kind (a render, a preset, a project that
   * lost a track...), until the returned function is called (the view's unmount).
   */
  function mount(): () => void {
    const off = useApi().on('libraryChanged', () => void load())
    void load()
    return off
  }

  function $reset(): void {
    attach(null)
    open.value = false
    renders.value = []
    text.value = ''
    sort.value = 'newest'
    confirming.value = null
    note.value = null
    presets.value = []
    presetForPanel.value = null
    confirmingPreset.value = null
  }

  return {
    open,
    renders,
    presets,
    presetForPanel,
    text,
    sort,
    confirming,
    confirmingPreset,
    playingId,
    note,
    load,
    renameRender,
    reopen,
    loadPreset,
    mount,
    play,
    confirmDelete,
    renamePreset,
    confirmDeletePreset,
    attach,
    toggle,
    $reset
  }
})
