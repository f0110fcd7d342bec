import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AudioRef, RenderOutput, StylizeReport } from '../../../src-preload/api'
import { audibleTracks, type MixTrack } from '../../../src-renderer/src/lib/mix'
import { useJobsStore } from '../../../src-renderer/src/stores/jobs'
import { useLibraryStore } from '../../../src-renderer/src/stores/library'
import { useTracksStore } from '../../../src-renderer/src/stores/tracks'
import { useTransportStore } from '../../../src-renderer/src/stores/transport'

const ref = (name: string, duration: number): AudioRef => ({ path: `/data/${name}`, name, duration, sampleRate: 22050, channels: 1 })
const report: StylizeReport = {
  method: 'gram',
  backend: 'cpu',
  optimizer: 'lbfgs',
  sampleRate: 22050,
  nFft: 1024,
  hop: 256,
  filters: 512,
  iterations: 10,
  wallMs: 1,
  peakRssMb: 1,
  finalLoss: 1,
  styleDistance: { content: 10, output: 2 },
  contentDistance: 0.5
}
const output = (name: string, renderId = '7'): RenderOutput => ({ renderId, audio: ref(name, 3), report })

beforeEach(() => setActivePinia(createPinia()))

describe('transport store', () => {
  it('plays, pauses and toggles', () => {
    const t = useTransportStore()
    t.play()
    expect(t.playing).toBe(true)
    t.toggle()
    expect(t.playing).toBe(false)
  })
  it('seeks, never before zero', () => {
    const t = useTransportStore()
    t.seek(4.2)
    expect(t.position).toBe(4.2)
    t.seek(-1)
    expect(t.position).toBe(0)
    t.seek(NaN)
    expect(t.position).toBe(0)
  })
  it('sets a loop from two times in any order; a tiny one clears it', () => {
    const t = useTransportStore()
    t.setLoop(5, 2)
    expect(t.loop).toEqual({ start: 2, end: 5 })
    expect(t.loopEnabled).toBe(true)
    t.toggleLoop()
    expect(t.loopEnabled).toBe(false)
    t.setLoop(3, 3.01)
    expect(t.loop).toBeNull()
    t.toggleLoop()
    expect(t.loopEnabled).toBe(false)
  })
  it('cycles A/B on an output: A, B, A; another output starts at A; off leaves it', () => {
    const t = useTransportStore()
    t.toggleAb('out1')
    expect(t.ab).toEqual({ mode: 'A', outputId: 'out1' })
    t.toggleAb('out1')
    expect(t.ab).toEqual({ mode: 'B', outputId: 'out1' })
    t.toggleAb('out1')
    expect(t.ab).toEqual({ mode: 'A', outputId: 'out1' })
    t.toggleAb('out2')
    expect(t.ab).toEqual({ mode: 'A', outputId: 'out2' })
    t.abOff()
    expect(t.ab).toEqual({ mode: 'off' })
  })
  it('$reset restores every field', () => {
    const t = useTransportStore()
    t.play()
    t.seek(3)
    t.setLoop(1, 2)
    t.zoom(2, 0)
    t.toggleAb('x')
    t.spectrogram = true
    t.$reset()
    expect([t.playing, t.position, t.loop, t.loopEnabled, t.viewport, t.ab, t.spectrogram]).toEqual([false, 0, null, false, { pxPerSecond: 60, scroll: 0 }, { mode: 'off' }, false])
  })
})

describe('tracks store', () => {
  it('starts with an empty content and style track', () => {
    const s = useTracksStore()
    expect(s.tracks.map((t) => [t.kind, t.clips.length])).toEqual([
      ['content', 0],
      ['style', 0]
    ])
    expect(s.duration).toBe(0)
  })
  it('puts one clip on content or style, replacing the previous one, and counts an edit', () => {
    const s = useTracksStore()
    s.setClip('content', ref('a.wav', 2))
    s.setClip('content', ref('b.wav', 5))
    s.setClip('style', ref('c.wav', 3))
    expect(s.content?.clips.map((c) => c.name)).toEqual(['b.wav'])
    expect(s.style?.clips.map((c) => c.name)).toEqual(['c.wav'])
    expect(s.duration).toBe(5)
    expect(s.revision).toBe(3)
  })
  it('adds each render as a new numbered output track carrying its report', () => {
    const s = useTracksStore()
    s.addOutput(output('o1.wav', '6'), '/data/a.wav', '/data/c.wav')
    const id2 = s.addOutput(output('o2.wav'), '/data/a.wav', '/data/c.wav')
    expect(s.outputs.map((t) => t.name)).toEqual(['gram #1', 'gram #2'])
    expect(s.outputs[1]!.id).toBe(id2)
    expect(s.outputs[1]!.render).toEqual({ renderId: '7', contentPath: '/data/a.wav', stylePath: '/data/c.wav', report })
  })
  it('adds a render only once (the host may already have saved its track)', () => {
    const s = useTracksStore()
    const out = { ...output('o.wav'), renderId: '9' }
    const first = s.addOutput(out, 'a', 'b')
    expect(s.addOutput(out, 'a', 'b')).toBe(first)
    expect(s.outputs.length).toBe(1)
  })
  it('removes outputs only, and toggles mute and solo', () => {
    const s = useTracksStore()
    const id = s.addOutput(output('o.wav'), 'a', 'b')
    s.removeTrack(s.content!.id)
    expect(s.tracks.length).toBe(3)
    s.toggleMute(id)
    s.toggleSolo(s.content!.id)
    expect(s.outputs[0]!.muted).toBe(true)
    expect(s.content!.solo).toBe(true)
    s.removeTrack(id)
    expect(s.outputs).toEqual([])
  })
  it('loads a project in content, style, outputs order, and $reset empties it', () => {
    const s = useTracksStore()
    const t = (kind: 'content' | 'style' | 'output', id: string) => ({ id, kind, name: id, muted: false, solo: false, clips: [] })
    s.load([t('output', 'o'), t('style', 's'), t('content', 'c')])
    expect(s.tracks.map((x) => x.id)).toEqual(['c', 's', 'o'])
    expect(s.loads).toBe(1)
    s.$reset()
    expect(s.tracks.map((x) => x.kind)).toEqual(['content', 'style'])
    expect(s.revision).toBe(0)
  })
})

describe('jobs store', () => {
  const request = { contentPath: 'a', stylePath: 'b', options: { iterations: 20 } }
  it('follows a job from start through progress to done (full bar)', () => {
    const j = useJobsStore()
    j.started('j1', request)
    expect(j.latest).toMatchObject({ jobId: 'j1', status: 'running', step: 0, total: 20 })
    j.progress({ jobId: 'j1', step: 5, total: 20, etaMs: 3000, phase: 'optimise', loss: 1.5 })
    expect(j.latest).toMatchObject({ step: 5, etaMs: 3000, phase: 'optimise', loss: 1.5 })
    j.finished({ jobId: 'j1', status: 'done' })
    expect(j.latest).toMatchObject({ status: 'done', step: 20, total: 20, etaMs: 0 })
    expect(j.running).toEqual([])
  })
  it('ignores progress for unknown or finished jobs (events can arrive late)', () => {
    const j = useJobsStore()
    j.progress({ jobId: 'nope', step: 1, total: 2 })
    expect(j.jobs).toEqual([])
    j.started('j2', request)
    j.finished({ jobId: 'j2', status: 'cancelled' })
    j.progress({ jobId: 'j2', step: 19, total: 20 })
    expect(j.latest).toMatchObject({ status: 'cancelled', step: 0 })
    expect(j.finished({ jobId: 'other', status: 'done' })).toBeUndefined()
  })
  it('keeps the error of a failed job; $reset clears', () => {
    const j = useJobsStore()
    j.started('j3', request)
    j.finished({ jobId: 'j3', status: 'failed', error: 'style file is silent' })
    expect(j.latest).toMatchObject({ status: 'failed', error: 'style file is silent' })
    j.$reset()
    expect(j.jobs).toEqual([])
  })
})

describe('library store', () => {
  it('tracks the open project and moves a saved one to the top of the list', () => {
    const l = useLibraryStore()
    l.setProjects([
      { id: '1', name: 'One', updatedAt: 1 },
      { id: '2', name: 'Two', updatedAt: 2 }
    ])
    l.opened('2', 'Two')
    l.saving = true
    l.saved({ id: '2', name: 'Two renamed', updatedAt: 3 })
    expect(l.saving).toBe(false)
    expect(l.currentName).toBe('Two renamed')
    expect(l.projects.map((p) => p.id)).toEqual(['2', '1'])
    expect(l.savedAt).toBe(3)
  })
  it('records a failed save, then $reset clears everything', () => {
    const l = useLibraryStore()
    l.saved({ error: 'disk full' })
    expect(l.error).toBe('disk full')
    l.$reset()
    expect([l.projects, l.currentId, l.error, l.savedAt]).toEqual([[], null, null, null])
  })
})

describe('who is heard (mute, solo, A/B)', () => {
  const tracks: MixTrack[] = [
    { id: 'c', kind: 'content', muted: false, solo: false },
    { id: 's', kind: 'style', muted: true, solo: false },
    { id: 'o1', kind: 'output', muted: false, solo: false },
    { id: 'o2', kind: 'output', muted: false, solo: false }
  ]
  it('plays every unmuted track when nothing is soloed', () => {
    expect([...audibleTracks(tracks, { mode: 'off' })]).toEqual(['c', 'o1', 'o2'])
  })
  it('plays only soloed tracks when any is soloed (even a muted one)', () => {
    const soloed = tracks.map((t) => (t.id === 's' || t.id === 'o2' ? { ...t, solo: true } : t))
    expect([...audibleTracks(soloed, { mode: 'off' })]).toEqual(['s', 'o2'])
  })
  it('A plays only the output, B only the content, whatever mute and solo say', () => {
    const mutedOut = tracks.map((t) => (t.id === 'o1' ? { ...t, muted: true } : t.id === 'o2' ? { ...t, solo: true } : t))
    expect([...audibleTracks(mutedOut, { mode: 'A', outputId: 'o1' })]).toEqual(['o1'])
    expect([...audibleTracks(mutedOut, { mode: 'B', outputId: 'o1' })]).toEqual(['c'])
    expect([...audibleTracks(tracks, { mode: 'A', outputId: 'gone' })]).toEqual([])
  })
})
