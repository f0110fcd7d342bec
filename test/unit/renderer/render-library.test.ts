import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AudioData, AudioRef, DeleteOutcome, PresetInfo, RenderSummary, StylizeReport } from '../../../src-preload/api'
import type { Auditioner } from '../../../src-renderer/src/audio/audition'
import { fileName, fileSize, measureList, renderMeasureList } from '../../../src-renderer/src/lib/render-library'
import { useRenderLibraryStore } from '../../../src-renderer/src/stores/render-library'
import { useChainStore } from '../../../src-renderer/src/stores/chain'
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
  name: `texture ${id}`,
  createdAt: `2026-11-30T05:0${id}:00.000Z`,
  ...over
})

describe('render library maths', () => {
  it('names files, sizes and measures for a person', () => {
    expect(fileName('C:\\x\\y.wav')).toBe('y.wav')
    expect(fileName('/d/imports/32d45822-guitar.mp3')).toBe('guitar.mp3')
    expect(fileSize(null)).toBe('file gone')
    expect(fileSize(2_516_582)).toBe('2.4 MB')
    expect(fileSize(1536)).toBe('1.5 kB')
    expect(measureList({ b: 2, a: 0.123456 })).toEqual(['a 0.123', 'b 2'])
  })

  it('names a render’s measures with their units, levels and room first, then the distances, then anything else', () => {
    const metrics = { styleDistanceContent: 875.2, styleDistanceOutput: 12.34, contentDistance: 0.4213, loudness: -14.23, truePeak: -1.04, crestFactor: 12.31, spectralCentroid: 1843.6 }
    expect(renderMeasureList(metrics)).toEqual([
      'loudness -14.2 LUFS',
      'true peak -1.0 dBTP',
      'crest factor 12.3 dB',
      'spectral centroid 1844 Hz',
      'style distance of the content 875',
      'style distance of the output 12.3',
      'content distance 0.421'
    ])
    expect(renderMeasureList({ rt60: 0.4251, other: 2 })).toEqual(['RT60 0.43 s', 'other 2'])
  })
})

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

describe('render library store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    fake = { listRenders: async () => [render(1), render(2)], listPresets: async () => [], on: (() => () => {}) as never }
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

  it('follows libraryChanged whatever its kind while mounted, and lets go on unmount', async () => {
    let listener: ((c: { kind: string; id: string }) => void) | null = null
    let unsubscribed = 0
    fake.on = ((e: string, l: typeof listener) => {
      expect(e).toBe('libraryChanged')
      listener = l
      return () => void (unsubscribed += 1)
    }) as never
    const s = useRenderLibraryStore()
    const off = s.mount()
    await Promise.resolve()
    const before = calls.filter((c) => c.method === 'listRenders').length
    for (const kind of ['render', 'preset', 'model', 'dataset', 'run', 'checkpoint']) listener!({ kind, id: '9' })
    expect(calls.filter((c) => c.method === 'listRenders').length).toBe(before + 6)
    off()
    expect(unsubscribed).toBe(1)
  })

  it('renames a render (a taken name refused in one line)', async () => {
    fake.renameRender = (async () => {
      throw new Error('render name: "texture 1" is taken by render 1')
    }) as never
    const s = useRenderLibraryStore()
    await s.renameRender(2, 'texture 1')
    expect(s.note).toEqual({ text: 'render name: "texture 1" is taken by render 1', error: true })
    fake.renameRender = (async () => render(2, { name: 'Night drive' })) as never
    await s.renameRender(2, 'Night drive')
    expect(calls.filter((c) => c.method === 'renameRender').map((c) => c.req)).toEqual([
      { id: 2, name: 'texture 1' },
      { id: 2, name: 'Night drive' }
    ])
    expect(s.note).toEqual({ text: 'render 2 renamed "Night drive"', error: false })
  })

  it('re-opens a render on the timeline: content and style clips, the output as one output track', async () => {
    const ref = (path: string): AudioRef => ({ path, name: fileName(path), duration: 2, sampleRate: 16000, channels: 1 })
    const report = { method: 'texture' } as unknown as StylizeReport
    fake.reopenRender = (async () => ({ content: ref('/ex/content-voice.wav'), style: ref('/ex/style-music.wav'), output: { renderId: '2', audio: ref('/d/renders/o.wav'), report } })) as never
    const s = useRenderLibraryStore()
    const tracks = useTracksStore()
    await s.reopen(2)
    await s.reopen(2)
    expect(tracks.content?.clips.map((c) => c.path)).toEqual(['/ex/content-voice.wav'])
    expect(tracks.style?.clips.map((c) => c.path)).toEqual(['/ex/style-music.wav'])
    expect(tracks.outputs.map((t) => [t.render?.renderId, t.clips[0]?.path, t.render?.contentPath])).toEqual([['2', '/d/renders/o.wav', '/ex/content-voice.wav']])
    fake.reopenRender = (async () => {
      throw new Error('render 3: its content /gone.wav cannot be read (audio /gone.wav: file not found)')
    }) as never
    await s.reopen(3)
    expect(s.note).toEqual({ text: 'render 3: its content /gone.wav cannot be read (audio /gone.wav: file not found)', error: true })
    expect(tracks.outputs).toHaveLength(1)
  })

  it('loads a preset into the render panel picker, or refuses one that no longer reads', async () => {
    const chain = { amount: 1 } as unknown as PresetInfo['chain']
    const presets: PresetInfo[] = [
      { id: 4, name: 'Radio', chain, problem: null, sourceRenderId: null, createdAt: '', updatedAt: '' },
      { id: 5, name: 'Broken', chain: null, problem: 'eq.amount: not a number', sourceRenderId: null, createdAt: '', updatedAt: '' }
    ]
    fake.listPresets = async () => presets
    const s = useRenderLibraryStore()
    await s.load()
    await s.loadPreset(4)
    expect(useChainStore().presets.map((p) => p.id)).toEqual([4, 5])
    expect(s.presetForPanel?.id).toBe(4)
    expect(s.note?.error).toBe(false)
    await s.loadPreset(5)
    expect(s.note).toEqual({ text: 'preset 5: eq.amount: not a number', error: true })
    expect(s.presetForPanel?.id).toBe(4)
  })
})
