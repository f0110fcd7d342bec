import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ChainOutput, EffectChain, PresetInfo, RenderMeasures, StageName, Track } from '../../../src-preload/api'
import { useApi } from '../api/client'
import { bandOrder, copyChain, noBypass, setParam, setStageAmount, toggleBypass, type BypassMemory } from '../lib/chain-knobs'
import { useLibraryStore } from './library'
import { useTracksStore } from './tracks'

/**
 * Edits settle for 150 ms before a re-render: a knob drag renders a few times a second, not once per
 * mouse event, and the last position always renders.
 */
export const EDIT_DELAY_MS = 150

/** The output track whose chain the panel edits, and the inputs it was rendered from. */
interface Target {
  trackId: string
  renderId: string
  contentPath: string
  stylePath: string
}

/** The effect chain of one output track: its knobs, bypasses, re-renders, measures, and the presets. */
export const useChainStore = defineStore('chain', () => {
  const target = ref<Target | null>(null)
  /** The chain as fitted (or as the preset had it), for "reset". */
  const original = ref<EffectChain | null>(null)
  const chain = ref<EffectChain | null>(null)
  const bypass = ref<BypassMemory>(noBypass())
  const measures = ref<RenderMeasures | null>(null)
  const presets = ref<PresetInfo[]>([])
  const status = ref<'idle' | 'waiting' | 'rendering' | 'error'>('idle')
  const error = ref<string | null>(null)
  /** Re-renders landed since the panel opened (what the e2e test waits on). */
  const renders = ref(0)
  const last = ref<Pick<ChainOutput, 'loudness' | 'truePeak' | 'wallMs' | 'xRealtime'> | null>(null)
  /** What the last render had to do on the way (the loudness target out of reach, say), one line each. */
  const notes = ref<string[]>([])
  /**
   * The EQ bands' display order, by frequency: set when a chain arrives (opened, loaded, reset), not
   * on every edit, so a band dragged past another does not jump away from under the pointer.
   */
  const bands = ref<number[]>([])
  /**
   * Render the chain's tail (reverb, EQ rings) past the content's length. Off by default: an output
   * track is cut at its content's length, as its match render was, for timeline alignment.
   */
  const tail = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: string | null = null
  let seq = 0

  const open = computed(() => target.value !== null && chain.value !== null)
  const edited = computed(() => chain.value !== null && original.value !== null && JSON.stringify(chain.value) !== JSON.stringify(original.value))

  /** Shows the chain of an output track (a match render, or a chain output); false when it has none. */
  function openTrack(track: Track): boolean {
    const r = track.render
    if (!r?.report.chain) return false
    if (target.value?.trackId === track.id) return true
    cancelPending()
    target.value = { trackId: track.id, renderId: r.renderId, contentPath: r.contentPath, stylePath: r.stylePath }
    chain.value = copyChain(r.report.chain)
    original.value = copyChain(r.report.chain)
    bypass.value = noBypass()
    measures.value = r.report.measures ?? null
    bands.value = bandOrder(r.report.chain)
    notes.value = [...(r.report.fit?.notes ?? [])]
    status.value = 'idle'
    error.value = null
    last.value = null
    tail.value = false
    return true
  }

  /** Closes the panel (an edit still waiting is dropped; one already sent still lands on its track). */
  function close(): void {
    clearTimeout(timer)
    target.value = null
    chain.value = null
    original.value = null
  }

  /** Sets one knob (clamped to its range) and re-renders shortly. */
  function set(path: string, value: number): void {
    if (!chain.value) return
    const stage = path.split('.')[0] as StageName
    if (path === `${stage}.amount` && stage in bypass.value) {
      const next = setStageAmount(chain.value, stage, value, bypass.value)
      chain.value = next.chain
      bypass.value = next.memory
    } else chain.value = setParam(chain.value, path, value)
    schedule()
  }

  /** Bypasses a stage or brings it back at the amount it had. */
  function toggle(stage: StageName): void {
    if (!chain.value) return
    const next = toggleBypass(chain.value, stage, bypass.value)
    chain.value = next.chain
    bypass.value = next.memory
    schedule()
  }

  /** Renders the tail past the content (or cuts it at the content's length again) and re-renders. */
  function setTail(on: boolean): void {
    if (!chain.value || tail.value === on) return
    tail.value = on
    schedule()
  }

  /** Back to the chain the panel opened with. */
  function reset(): void {
    if (!original.value) return
    chain.value = copyChain(original.value)
    bands.value = bandOrder(original.value)
    bypass.value = noBypass()
    schedule()
  }

  function schedule(): void {
    clearTimeout(timer)
    status.value = 'waiting'
    timer = setTimeout(() => void render(), EDIT_DELAY_MS)
  }

  /** Cancels the edit on its way to the host (its result would be replaced anyway). */
  function cancelPending(): void {
    clearTimeout(timer)
    if (inflight !== null) void useApi().cancelJob({ jobId: inflight }).catch(() => undefined)
    inflight = null
  }

  /** Re-renders the target's content through the current chain and swaps the track's audio. */
  async function render(): Promise<void> {
    const t = target.value
    const c = chain.value
    if (!t || !c) return
    cancelPending()
    const mine = ++seq
    const jobId = `chain-${Date.now().toString(36)}-${mine}`
    inflight = jobId
    status.value = 'rendering'
    const projectId = useLibraryStore().currentId
    try {
      const out = await useApi().applyChain({
        path: t.contentPath,
        chain: copyChain(c),
        renderId: t.renderId,
        jobId,
        keepLength: !tail.value,
        ...(projectId !== null && { projectId })
      })
      if (mine !== seq) return
      inflight = null
      landed(t, out)
    } catch (err) {
      if (mine !== seq) return
      inflight = null
      status.value = 'error'
      error.value = err instanceof Error ? err.message : String(err)
    }
  }

  function landed(t: Target, out: ChainOutput): void {
    if (out.render) {
      useTracksStore().replaceOutput(t.trackId, out.render)
      t.renderId = out.render.renderId
      measures.value = out.render.report.measures ?? measures.value
    }
    last.value = { loudness: out.loudness, truePeak: out.truePeak, wallMs: out.wallMs, xRealtime: out.xRealtime }
    notes.value = [...out.notes]
    renders.value += 1
    // A newer edit may already be waiting for its turn: it keeps its status.
    if (status.value === 'rendering') status.value = 'idle'
    error.value = null
  }

  async function refreshPresets(): Promise<void> {
    try {
      presets.value = await useApi().listPresets()
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
    }
  }

  /** Saves the chain as it stands now as a preset (linked to the render it came from). */
  async function savePreset(name: string): Promise<PresetInfo | null> {
    const c = chain.value
    if (!c || name.trim() === '') return null
    try {
      const renderId = Number(target.value?.renderId)
      const saved = await useApi().savePreset({ name: name.trim(), chain: copyChain(c), ...(Number.isSafeInteger(renderId) && renderId > 0 && { sourceRenderId: renderId }) })
      await refreshPresets()
      return saved
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      return null
    }
  }

  /** Loads a preset's chain into the open panel (and re-renders the track through it). */
  function loadPreset(id: number): boolean {
    const p = presets.value.find((x) => x.id === id)
    if (!p?.chain || !chain.value) return false
    chain.value = copyChain(p.chain)
    bands.value = bandOrder(p.chain)
    bypass.value = noBypass()
    schedule()
    return true
  }

  /**
   * Applies a preset to the content clip as a new output track (the render panel's "apply preset"):
   * the host records it as a render of the project, and the panel opens on it.
   */
  async function applyPreset(id: number, contentPath: string, stylePath: string): Promise<ChainOutput | null> {
    const projectId = useLibraryStore().currentId
    status.value = 'rendering'
    try {
      // Cut at the content's length, as every output track (the chain panel's box renders the tail).
      const out = await useApi().applyChain({ path: contentPath, presetId: id, stylePath, keepLength: true, ...(projectId !== null && { projectId }) })
      status.value = 'idle'
      return out
    } catch (err) {
      status.value = 'error'
      error.value = err instanceof Error ? err.message : String(err)
      return null
    }
  }

  function $reset(): void {
    cancelPending()
    close()
    bypass.value = noBypass()
    measures.value = null
    presets.value = []
    status.value = 'idle'
    error.value = null
    renders.value = 0
    last.value = null
    notes.value = []
    bands.value = []
    tail.value = false
  }

  return { target, original, chain, bypass, measures, presets, status, error, renders, last, notes, bands, tail, open, edited, openTrack, close, set, toggle, setTail, reset, render, refreshPresets, savePreset, loadPreset, applyPreset, $reset }
})
