import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AudioRef, Clip, RenderOutput, Track } from '../../../src-preload/api'
import { outputName } from '../lib/labels'

let counter = 0
/** A new local id (clips and tracks get database ids once saved and reloaded). */
function localId(prefix: string): string {
  counter += 1
  return `${prefix}-${Date.now().toString(36)}-${counter}`
}

function clipOf(ref: AudioRef, start = 0): Clip {
  return { id: localId('clip'), path: ref.path, name: ref.name, start, duration: ref.duration }
}

function emptyTrack(kind: 'content' | 'style'): Track {
  return { id: localId(kind), kind, name: kind === 'content' ? 'Content' : 'Style', muted: false, solo: false, clips: [] }
}

/** Tracks of the open project: content, style, then one output per finished render. */
export const useTracksStore = defineStore('tracks', () => {
  const tracks = ref<Track[]>([emptyTrack('content'), emptyTrack('style')])
  /** Bumped on every edit that should be saved. */
  const revision = ref(0)
  /** Bumped each time a project is loaded (views refit their zoom). */
  const loads = ref(0)

  const content = computed(() => tracks.value.find((t) => t.kind === 'content'))
  const style = computed(() => tracks.value.find((t) => t.kind === 'style'))
  const outputs = computed(() => tracks.value.filter((t) => t.kind === 'output'))
  /** End of the last clip (seconds): how long the arrangement is. */
  const duration = computed(() => Math.max(0, ...tracks.value.flatMap((t) => t.clips.map((c) => c.start + c.duration))))

  const edited = (): void => {
    revision.value += 1
  }

  /** Replaces all tracks (opening a project); the list must start with content and style. */
  function load(next: Track[]): void {
    const c = next.find((t) => t.kind === 'content') ?? emptyTrack('content')
    const s = next.find((t) => t.kind === 'style') ?? emptyTrack('style')
    tracks.value = [c, s, ...next.filter((t) => t.kind === 'output')]
    loads.value += 1
  }
  /** Puts `audio` on the content or style track, replacing its clip (a render takes one file of each). */
  function setClip(kind: 'content' | 'style', audio: AudioRef): void {
    const t = tracks.value.find((x) => x.kind === kind)
    if (!t) return
    t.clips = [clipOf(audio)]
    edited()
  }
  /** Adds a finished render as a new output track below the others (once per render); returns its id. */
  function addOutput(out: RenderOutput, contentPath: string, stylePath: string): string {
    const existing = tracks.value.find((t) => t.render?.renderId === out.renderId)
    if (existing) return existing.id
    const id = localId('output')
    const index = tracks.value.filter((t) => t.kind === 'output').length + 1
    tracks.value.push({
      id,
      kind: 'output',
      name: outputName(out.report.method, index),
      muted: false,
      solo: false,
      clips: [clipOf(out.audio)],
      render: { renderId: out.renderId, contentPath, stylePath, report: out.report }
    })
    edited()
    return id
  }
  /** Adds generated audio (a WaveNet's) as a new output track below the others, named "LABEL #N"; returns its id. */
  function addGenerated(audio: AudioRef, label: string): string {
    const id = localId('output')
    const index = tracks.value.filter((t) => t.kind === 'output').length + 1
    tracks.value.push({ id, kind: 'output', name: outputName(label, index), muted: false, solo: false, clips: [clipOf(audio)] })
    edited()
    return id
  }
  /** Swaps an output track's audio and render for a re-rendered one (a chain edit): same track, so A/B and mute stay. */
  function replaceOutput(trackId: string, out: RenderOutput): void {
    const t = tracks.value.find((x) => x.id === trackId && x.kind === 'output')
    if (!t || !t.render) return
    t.clips = [clipOf(out.audio)]
    t.render = { ...t.render, renderId: out.renderId, report: out.report }
    edited()
  }
  /** Removes an output track (content and style stay). */
  function removeTrack(id: string): void {
    const i = tracks.value.findIndex((t) => t.id === id && t.kind === 'output')
    if (i < 0) return
    tracks.value.splice(i, 1)
    edited()
  }
  function toggleMute(id: string): void {
    const t = tracks.value.find((x) => x.id === id)
    if (!t) return
    t.muted = !t.muted
    edited()
  }
  function toggleSolo(id: string): void {
    const t = tracks.value.find((x) => x.id === id)
    if (!t) return
    t.solo = !t.solo
    edited()
  }
  function $reset(): void {
    tracks.value = [emptyTrack('content'), emptyTrack('style')]
    revision.value = 0
    loads.value = 0
  }
  return { tracks, revision, loads, content, style, outputs, duration, load, setClip, addOutput, addGenerated, replaceOutput, removeTrack, toggleMute, toggleSolo, $reset }
})
