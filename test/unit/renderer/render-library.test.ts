import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AudioData, DeleteOutcome, RenderSummary, StylizeReport } from '../../../src-preload/api'
import type { Auditioner } from '../../../src-renderer/src/audio/audition'
import { fileName, fileSize, filterRenders, measureList } from '../../../src-renderer/src/lib/render-library'
import { useRenderLibraryStore } from '../../../src-renderer/src/stores/render-library'
import { useTracksStore } from '../../../src-renderer/src/stores/tracks'
import { installFakeApi, type FakeApi } from './fake-api'

const render = (id: number, over: Partial<RenderSummary> = {}): RenderSummary => ({
  id,
  method: 'texture',
  contentPath: '/d/imports/ab12cd34-voice.wav',
  stylePath: '/ex/style-music.wav',
  outputPath: `/d/renders/voice-texture-${id}.wav`,
  sizeBytes: 1000 * id,
  metrics: { contentDistance: 0.123456 },
  options: { iterations: 5 },
  createdAt: `2026-11-30T05:0${id}:00.000Z`,
  ...over
})

describe('render library maths', () => {
  const list = [render(1), render(2, { method: 'match', sizeBytes: null }), render(3, { stylePath: '/ex/organ.mp3' })]
  it('searches every word over method and file names, sorted as asked', () => {
    expect(filterRenders(list, '', 'newest').map((r) => r.id)).toEqual([3, 2, 1])
    expect(filterRenders(list, '', 'oldest').map((r) => r.id)).toEqual([1, 2, 3])
    expect(filterRenders(list, '', 'method').map((r) => r.id)).toEqual([2, 3, 1])
    expect(filterRenders(list, '', 'size').map((r) => r.id)).toEqual([3, 1, 2])
    expect(filterRenders(list, 'TEXTURE organ', 'newest').map((r) => r.id)).toEqual([3])
    expect(filterRenders(list, 'kazoo', 'newest')).toEqual([])
  })
  it('names files, sizes and measures for a person', () => {
    expect(fileName('C:\\x\\y.wav')).toBe('y.wav')
    expect(fileName('/d/imports/32d45822-guitar.mp3')).toBe('guitar.mp3')
    expect(fileSize(null)).toBe('file gone')
    expect(fileSize(2_516_582)).toBe('2.4 MB')
    expect(fileSize(1536)).toBe('1.5 kB')
    expect(measureList({ b: 2, a: 0.123456 })).toEqual(['a 0.123', 'b 2'])
  })
})

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

describe('render library store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    fake = { listRenders: async () => [render(1), render(2)], listPresets: async () => [], listTagDatasets: async () => [], on: (() => () => {}) as never }
  })

  it('deletes only after a confirm, drops the open project track of that render, and reports the file', async () => {
    const s = useRenderLibraryStore()
    await s.load()
    const tracks = useTracksStore()
    const audio = { path: '/d/renders/voice-texture-2.wav', name: 'o.wav', duration: 1, sampleRate: 16000, channels: 1 }
    tracks.addOutput({ renderId: '2', audio, report: { method: 'texture' } as unknown as StylizeReport }, '/c', '/s')
    expect(tracks.outputs).toHaveLength(1)
    await s.confirmDelete()
    expect(calls.some((c) => c.method === 'deleteRender')).toBe(false)
    s.confirming = 2
    fake.deleteRender = (async (): Promise<DeleteOutcome> => ({ deleted: true, fileRemoved: false, fileNote: 'its file /x could not be removed (EISDIR); remove it by hand', projectIds: [] })) as never
    fake.listRenders = async () => [render(1)]
    await s.confirmDelete()
    expect(calls.find((c) => c.method === 'deleteRender')?.req).toEqual({ id: 2 })
    expect(tracks.outputs).toHaveLength(0)
    expect(s.renders.map((r) => r.id)).toEqual([1])
    expect(s.note).toEqual({ text: 'render 2 deleted; its file /x could not be removed (EISDIR); remove it by hand', error: true })
    expect(s.confirming).toBeNull()
  })

  it('renames a preset (a taken name refused in one line) and deletes one only after a confirm', async () => {
    const preset = { id: 4, name: 'Radio', chain: null, problem: null, sourceRenderId: null, createdAt: '', updatedAt: '' }
    fake.listPresets = async () => [preset]
    fake.renamePreset = (async () => {
      throw new Error('preset name: "Warm" is taken by preset 2')
    }) as never
    const s = useRenderLibraryStore()
    await s.load()
    expect(s.presets).toEqual([preset])
    await s.renamePreset(4, 'Warm')
    expect(s.note).toEqual({ text: 'preset name: "Warm" is taken by preset 2', error: true })
    fake.deletePreset = (async () => ({ deleted: true })) as never
    await s.confirmDeletePreset()
    expect(calls.some((c) => c.method === 'deletePreset')).toBe(false)
    s.confirmingPreset = 4
    await s.confirmDeletePreset()
    expect(calls.find((c) => c.method === 'deletePreset')?.req).toEqual({ id: 4 })
    expect(s.note).toEqual({ text: 'preset 4 deleted', error: false })
  })

  it('plays a render output and stops it on a second click', async () => {
    const data: AudioData = { sampleRate: 8000, channels: [new Float32Array(8)] }
    fake.loadAudio = (async () => data) as never
    const played: AudioData[] = []
    let stops = 0
    const player: Auditioner = { play: async (a) => void played.push(a), stop: () => void (stops += 1), dispose: () => {} }
    const s = useRenderLibraryStore()
    s.attach(player)
    await s.play(render(1))
    expect(calls.find((c) => c.method === 'loadAudio')?.req).toEqual({ path: '/d/renders/voice-texture-1.wav' })
    expect(s.playingId).toBe(1)
    await s.play(render(1))
    expect(s.playingId).toBeNull()
    expect(played).toEqual([data])
    expect(stops).toBe(1)
  })

  it('follows libraryChanged for renders and presets (not models) while open, and lets go when closed', async () => {
    let listener: ((c: { kind: string; id: string }) => void) | null = null
    let unsubscribed = 0
    fake.on = ((_e: string, l: typeof listener) => {
      listener = l
      return () => void (unsubscribed += 1)
    }) as never
    const s = useRenderLibraryStore()
    s.toggle()
    await Promise.resolve()
    const before = calls.filter((c) => c.method === 'listRenders').length
    listener!({ kind: 'render', id: '9' })
    listener!({ kind: 'preset', id: '1' })
    listener!({ kind: 'model', id: '3' })
    expect(calls.filter((c) => c.method === 'listRenders').length).toBe(before + 2)
    s.toggle()
    expect(unsubscribed).toBe(1)
  })
})
