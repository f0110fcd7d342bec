import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AbState } from '../lib/mix'
import { clampScroll, zoomAt, type Viewport } from '../lib/timeline'

/** A loop region in seconds, start < end. */
export interface LoopRegion {
  start: number
  end: number
}

// Shorter selections are clicks, not loop regions (50 ms is below any musical loop).
const MIN_LOOP_SECONDS = 0.05
const DEFAULT_VIEW: Viewport = { pxPerSecond: 60, scroll: 0 }

/** Transport: play state, playhead, loop, viewport (zoom/scroll), A/B switch, meter levels. */
export const useTransportStore = defineStore('transport', () => {
  const playing = ref(false)
  const position = ref(0)
  const loop = ref<LoopRegion | null>(null)
  const loopEnabled = ref(false)
  const viewport = ref<Viewport>({ ...DEFAULT_VIEW })
  const ab = ref<AbState>({ mode: 'off' })
  const spectrogram = ref(false)
  /** Meter levels in dBFS by track id (and 'master'), refreshed while playing. */
  const levels = ref<Record<string, number>>({})

  function play(): void {
    playing.value = true
  }
  function pause(): void {
    playing.value = false
  }
  function toggle(): void {
    playing.value = !playing.value
  }
  /** Moves the playhead (never before 0). */
  function seek(t: number): void {
    position.value = Math.max(0, Number.isFinite(t) ? t : 0)
  }
  /** Sets the loop region from two times in any order and turns looping on; tiny regions clear it. */
  function setLoop(a: number, b: number): void {
    const start = Math.max(0, Math.min(a, b))
    const end = Math.max(a, b)
    if (end - start < MIN_LOOP_SECONDS) {
      loop.value = null
      loopEnabled.value = false
      return
    }
    loop.value = { start, end }
    loopEnabled.value = true
  }
  /** Turns looping on or off (on only when a region exists). */
  function toggleLoop(): void {
    loopEnabled.value = !loopEnabled.value && loop.value !== null
  }
  /** Zooms about pixel `anchorX`. */
  function zoom(factor: number, anchorX: number): void {
    viewport.value = zoomAt(viewport.value, factor, anchorX)
  }
  /** Scrolls to `scroll` seconds, kept within the content. */
  function scrollTo(scroll: number, width: number, contentEnd: number): void {
    viewport.value = { ...viewport.value, scroll: clampScroll(scroll, viewport.value.pxPerSecond, width, contentEnd) }
  }
  /** Sets the zoom directly (fit to window). */
  function setZoom(pxPerSecond: number): void {
    viewport.value = { pxPerSecond, scroll: 0 }
  }
  /** A/B on an output: off or another output -> A (output); A <-> B (its content). */
  function toggleAb(outputId: string): void {
    const cur = ab.value
    ab.value = cur.mode === 'off' || cur.outputId !== outputId ? { mode: 'A', outputId } : { mode: cur.mode === 'A' ? 'B' : 'A', outputId }
  }
  /** Leaves A/B comparison (mute and solo apply again). */
  function abOff(): void {
    ab.value = { mode: 'off' }
  }
  function setLevels(next: Record<string, number>): void {
    levels.value = next
  }
  function $reset(): void {
    playing.value = false
    position.value = 0
    loop.value = null
    loopEnabled.value = false
    viewport.value = { ...DEFAULT_VIEW }
    ab.value = { mode: 'off' }
    spectrogram.value = false
    levels.value = {}
  }
  return { playing, position, loop, loopEnabled, viewport, ab, spectrogram, levels, play, pause, toggle, seek, setLoop, toggleLoop, zoom, scrollTo, setZoom, toggleAb, abOff, setLevels, $reset }
})
