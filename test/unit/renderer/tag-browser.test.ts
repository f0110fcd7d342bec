import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CLIP_SEARCH_MAX_CHARS } from '../../../src-preload/api'
import type { AudioData, AudioRef, BrowserClip, ClipPage, ClipQueryRequest, DatasetTag, LibraryChange, ModelSummary, TagDataset, TagResult } from '../../../src-preload/api'
import type { Auditioner } from '../../../src-renderer/src/audio/audition'
import { clickTag, clipLength, tagState, windowsFor, WINDOW_ROWS } from '../../../src-renderer/src/lib/tag-filter'
import { SEARCH_DEBOUNCE_MS, useTagBrowserStore } from '../../../src-renderer/src/stores/tag-browser'
import { useSessionStore } from '../../../src-renderer/src/stores/session'
import { useTracksStore } from '../../../src-renderer/src/stores/tracks'
import { installFakeApi, type FakeApi } from './fake-api'

describe('tag filter maths', () => {
  it('a click asks for a tag, the same click again removes it, the other kind moves it across', () => {
    let f = clickTag({ and: [], not: [] }, 'slow', 'and')
    expect(f).toEqual({ and: ['slow'], not: [] })
    f = clickTag(f, 'piano', 'and')
    f = clickTag(f, 'loud', 'not')
    expect(f).toEqual({ and: ['slow', 'piano'], not: ['loud'] })
    expect(tagState(f, 'loud')).toBe('not')
    expect(tagState(f, 'drum')).toBeNull()
    f = clickTag(f, 'slow', 'not')
    expect(f).toEqual({ and: ['piano'], not: ['loud', 'slow'] })
    f = clickTag(f, 'piano', 'and')
    expect(f).toEqual({ and: [], not: ['loud', 'slow'] })
  })

  it('maps a visible row range to the windows it needs, within the total', () => {
    expect(windowsFor(0, 20, 24_000)).toEqual([0])
    expect(windowsFor(190, 215, 24_000)).toEqual([0, 1])
    expect(windowsFor(23_990, 24_010, 24_000)).toEqual([119])
    expect(windowsFor(0, -1, 100)).toEqual([])
    expect(windowsFor(0, 10, 0)).toEqual([])
    expect(windowsFor(5, 25, 100, 10)).toEqual([0, 1, 2])
  })

  it('writes a clip length as m:ss, a dash when unknown', () => {
    expect(clipLength(29.12)).toBe('0:29')
    expect(clipLength(61.6)).toBe('1:02')
    expect(clipLength(null)).toBe('—')
  })
})

const clip = (i: number, over: Partial<BrowserClip> = {}): BrowserClip => ({
  id: i + 1,
  sourceKey: String(i + 2),
  title: `Clip ${i}`,
  artist: 'Band',
  album: 'Album',
  durationS: 29,
  problem: null,
  tags: ['slow'],
  ...over
})
const datasets: TagDataset[] = [{ id: 7, name: 'MTAT', clips: 25_000, missing: 3, folderMissing: false, rootPath: '/m' }]
const tags: DatasetTag[] = [
  { name: 'slow', clips: 900, aliases: [], top: true },
  { name: 'piano', clips: 400, aliases: [], top: true },
  { name: 'loud', clips: 300, aliases: [], top: true }
]
/** A 25,000-row result served window by window, as the service pages it. */
const pages = (total: number, message: string | null = null) => async (req: ClipQueryRequest): Promise<ClipPage> => ({
  total,
  offset: req.offset,
  message,
  clips: Array.from({ length: Math.max(0, Math.min(req.limit, total - req.offset)) }, (_, k) => clip(req.offset + k))
})

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)
const queries = (): ClipQueryRequest[] => calls.filter((c) => c.method === 'queryClips').map((c) => c.req as ClipQueryRequest)

class RecordingAuditioner implements Auditioner {
  played: AudioData[] = []
  stops = 0
  end: (() => void) | null = null
  async play(audio: AudioData, onEnd: () => void): Promise<void> {
    this.played.push(audio)
    this.end = onEnd
  }
  stop(): void {
    this.stops += 1
  }
  dispose(): void {}
}

describe('tag browser store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    fake = {
      listTagDatasets: async () => datasets,
      listDatasetTags: async () => tags,
      queryClips: pages(25_000) as never
    }
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('opens on the first import: its tags, the total and the first window of rows', async () => {
    const s = useTagBrowserStore()
    await s.load()
    expect(s.datasetId).toBe(7)
    expect(s.tags.map((t) => t.name)).toEqual(['slow', 'piano', 'loud'])
    expect(s.total).toBe(25_000)
    expect(s.rowAt(0)?.sourceKey).toBe('2')
    expect(s.rowAt(WINDOW_ROWS)).toBeUndefined()
    expect(queries()).toEqual([{ datasetId: 7, tags: [], notTags: [], text: '', offset: 0, limit: WINDOW_ROWS }])
  })

  it('fetches only the windows a scroll reaches, once each', async () => {
    const s = useTagBrowserStore()
    await s.load()
    s.ensureRange(12_390, 12_420)
    s.ensureRange(12_395, 12_425)
    await vi.waitFor(() => expect(s.rowAt(12_410)?.sourceKey).toBe('12412'))
    expect(queries().map((q) => q.offset)).toEqual([0, 12_200, 12_400])
  })

  it('sends clicks as AND and NOT, and a matching-nothing answer becomes a note, not an error', async () => {
    const s = useTagBrowserStore()
    await s.load()
    await s.click('slow', 'and')
    await s.click('piano', 'and')
    fake.queryClips = pages(0, 'no clip tagged slow + piano, without loud') as never
    await s.click('loud', 'not')
    expect(queries().at(-1)).toMatchObject({ tags: ['slow', 'piano'], notTags: ['loud'], offset: 0 })
    expect(s.total).toBe(0)
    expect(s.note).toEqual({ text: 'no clip tagged slow + piano, without loud', error: false })
    expect(s.tagState('loud')).toBe('not')
  })

  it('drops a slow answer to an older filter', async () => {
    const s = useTagBrowserStore()
    await s.load()
    let release: () => void = () => {}
    fake.queryClips = (async (req: ClipQueryRequest) => {
      await new Promise<void>((r) => (release = r))
      return pages(5)(req)
    }) as never
    const old = s.click('slow', 'and')
    fake.queryClips = pages(2) as never
    await s.click('piano', 'and')
    release()
    await old
    expect(s.total).toBe(2)
  })

  it('waits for typing to pause before searching', async () => {
    vi.useFakeTimers()
    const s = useTagBrowserStore()
    await s.load()
    const before = queries().length
    s.setText('pi')
    s.setText('pia')
    s.setText('piano')
    expect(queries().length).toBe(before)
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS + 10)
    expect(queries().length).toBe(before + 1)
    expect(queries().at(-1)?.text).toBe('piano')
  })

  it('a pasted search over the query bound is cut to it, so the query is sent rather than refused', async () => {
    vi.useFakeTimers()
    const s = useTagBrowserStore()
    await s.load()
    s.setText('y'.repeat(CLIP_SEARCH_MAX_CHARS + 1))
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS + 10)
    expect(queries().at(-1)?.text).toBe('y'.repeat(CLIP_SEARCH_MAX_CHARS))
  })

  it('auditions a clip, stops it on a second click, and refuses missing audio with its reason', async () => {
    const audio: AudioData = { sampleRate: 16_000, channels: [new Float32Array(32)] }
    fake.loadClipAudio = (async () => audio) as never
    const s = useTagBrowserStore()
    const player = new RecordingAuditioner()
    s.attach(player)
    await s.audition(clip(3))
    expect(player.played).toEqual([audio])
    expect(s.playingId).toBe(4)
    player.end?.()
    expect(s.playingId).toBeNull()
    await s.audition(clip(3))
    await s.audition(clip(3))
    expect(s.playingId).toBeNull()
    expect(player.stops).toBe(1)
    await s.audition(clip(5, { problem: 'audio file missing', title: 'Strings Allegro' }))
    expect(player.played).toHaveLength(2)
    expect(useSessionStore().message).toEqual({ text: 'Strings Allegro: audio file missing', error: true })
  })

  it('puts a clip on the style track through a copy in the data folder', async () => {
    const ref: AudioRef = { path: '/data/imports/ab12cd34-x.mp3', name: 'x.mp3', duration: 29, sampleRate: 16_000, channels: 1 }
    fake.importClip = (async () => ref) as never
    const s = useTagBrowserStore()
    await s.use('style', clip(0))
    expect(calls.find((c) => c.method === 'importClip')?.req).toEqual({ clipId: 1 })
    expect(useTracksStore().style?.clips[0]?.path).toBe(ref.path)
  })

  it('says so when there is no MagnaTagATune import, and $reset forgets everything', async () => {
    fake.listTagDatasets = async () => []
    const s = useTagBrowserStore()
    await s.load()
    expect(s.datasetId).toBeNull()
    expect(s.note?.text).toMatch(/^No MagnaTagATune import yet/)
    s.$reset()
    expect(s.note).toBeNull()
    expect(s.open).toBe(false)
  })
})

/** A fake libraryChanged source: what the store subscribes, and a way to fire events at it. */
function fakeEvents(): { on: FakeApi['on']; emit(c: LibraryChange): void; listeners(): number } {
  const listeners = new Set<(c: LibraryChange) => void>()
  return {
    on: ((event: string, listener: (c: LibraryChange) => void) => {
      if (event !== 'libraryChanged') throw new Error(`unexpected event ${event}`)
      listeners.add(listener)
      return () => listeners.delete(listener)
    }) as never,
    emit: (c) => listeners.forEach((l) => l(c)),
    listeners: () => listeners.size
  }
}

const tagger = (id: number, checkpoints = 1): ModelSummary =>
  ({ id, name: `tagger ${id}`, kind: 'tagger/dieleman', tags: ['slow', 'piano'], runs: [{ checkpoints: Array.from({ length: checkpoints }, (_, i) => ({ id: i + 1 })) }] }) as unknown as ModelSummary

describe('tag browser store: live updates and predicted tags', () => {
  let events: ReturnType<typeof fakeEvents>
  let listed: TagDataset[]
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    events = fakeEvents()
    listed = [...datasets]
    fake = {
      on: events.on,
      listTagDatasets: async () => listed,
      listDatasetTags: async () => tags,
      listModels: async () => [tagger(3), tagger(4, 0), { ...tagger(5), kind: 'wavenet/mulaw' }],
      queryClips: pages(25_000) as never
    }
  })
  const count = (method: string): number => calls.filter((c) => c.method === method).length

  it('a commit by another process (external) reloads the datasets, the tags and clips, and the taggers, keeping the choice', async () => {
    const s = useTagBrowserStore()
    s.toggle()
    await vi.waitFor(() => expect(s.total).toBe(25_000))
    const before = { datasets: count('listTagDatasets'), tags: count('listDatasetTags'), models: count('listModels') }
    listed = [{ ...datasets[0]!, name: 'Renamed by the CLI' }]
    events.emit({ kind: 'external', id: '' })
    await vi.waitFor(() => expect(s.datasets.map((d) => d.name)).toEqual(['Renamed by the CLI']))
    await vi.waitFor(() => expect([count('listTagDatasets') - before.datasets, count('listDatasetTags') - before.tags, count('listModels') - before.models]).toEqual([1, 1, 1]))
    expect(s.datasetId).toBe(7)
  })

  it('an import of another dataset updates the list and keeps the browse; one of the shown dataset reloads it; closing lets go', async () => {
    const s = useTagBrowserStore()
    s.toggle()
    await vi.waitFor(() => expect(s.total).toBe(25_000))
    expect(events.listeners()).toBe(1)
    await s.click('slow', 'and')
    const tagsAsked = count('listDatasetTags')
    listed = [{ ...datasets[0]!, id: 8, name: 'Second', clips: 24 }, ...datasets]
    events.emit({ kind: 'dataset', id: '8' })
    await vi.waitFor(() => expect(s.datasets.map((d) => d.id)).toEqual([8, 7]))
    expect(s.datasetId).toBe(7)
    expect(s.filter.and).toEqual(['slow'])
    expect(count('listDatasetTags')).toBe(tagsAsked)
    // A render or a project change is not the tag browser's business.
    events.emit({ kind: 'render', id: '1' })
    listed = [{ ...datasets[0]!, clips: 25_010 }]
    events.emit({ kind: 'dataset', id: '7' })
    await vi.waitFor(() => expect(s.dataset?.clips).toBe(25_010))
    await vi.waitFor(() => expect(count('listDatasetTags')).toBe(tagsAsked + 1))
    expect(s.filter.and).toEqual(['slow'])
    expect(count('listTagDatasets')).toBe(3)
    s.toggle()
    expect(events.listeners()).toBe(0)
  })

  it('the shown dataset deleted from the library: the first one left is shown, or the empty note when none is', async () => {
    listed = [{ ...datasets[0]!, id: 8, name: 'Second', clips: 24 }, ...datasets]
    const s = useTagBrowserStore()
    s.toggle()
    await vi.waitFor(() => expect(s.total).toBe(25_000))
    await s.chooseDataset(7)
    expect(s.datasetId).toBe(7)
    listed = listed.filter((d) => d.id !== 7)
    events.emit({ kind: 'dataset', id: '7' })
    await vi.waitFor(() => expect(s.datasetId).toBe(8))
    listed = []
    events.emit({ kind: 'dataset', id: '8' })
    await vi.waitFor(() => expect(s.datasetId).toBeNull())
    await vi.waitFor(() => expect(s.note?.text).toMatch(/^No MagnaTagATune import yet/))
  })

  it('shows the first import as it arrives when there was none', async () => {
    listed = []
    const s = useTagBrowserStore()
    s.toggle()
    await vi.waitFor(() => expect(s.note?.text).toMatch(/^No MagnaTagATune import yet/))
    listed = [...datasets]
    events.emit({ kind: 'dataset', id: '7' })
    await vi.waitFor(() => expect(s.total).toBe(25_000))
    expect(s.datasetId).toBe(7)
    expect(s.tags.map((t) => t.name)).toEqual(['slow', 'piano', 'loud'])
    expect(s.note).toBeNull()
  })

  it('lists trained taggers only, asks one for the clicked clip once per clip and model, and asks again after a checkpoint', async () => {
    const answer = (modelId: number): TagResult => ({ path: '/m/x.mp3', modelId, checkpointId: 1, tags: [{ tag: 'piano', probability: 0.9 }, { tag: 'slow', probability: 0.4 }], windows: 3, duration: 29, notes: [] })
    fake.tagClip = (async (req: { modelId: number }) => answer(req.modelId)) as never
    fake.loadClipAudio = (async () => ({ sampleRate: 16_000, channels: [new Float32Array(8)] })) as never
    const s = useTagBrowserStore()
    s.attach(new RecordingAuditioner())
    s.toggle()
    await vi.waitFor(() => expect(s.taggers.map((m) => m.id)).toEqual([3]))
    await s.audition(clip(2))
    expect(count('tagClip')).toBe(0)
    await s.chooseTagger(3)
    expect(calls.find((c) => c.method === 'tagClip')?.req).toEqual({ clipId: 3, modelId: 3, top: 5 })
    expect(s.prediction).toEqual({ tags: answer(3).tags })
    await s.audition(clip(2))
    await s.audition(clip(4, { problem: 'audio file missing' }))
    expect(s.selected?.id).toBe(5)
    expect(s.prediction).toBeUndefined()
    await s.audition(clip(2))
    expect(count('tagClip')).toBe(1)
    expect(s.prediction).toEqual({ tags: answer(3).tags })
    events.emit({ kind: 'checkpoint', id: '9' })
    await vi.waitFor(() => expect(count('tagClip')).toBe(2))
    fake.tagClip = (async () => {
      throw new Error('model 3: its checkpoint folder is gone')
    }) as never
    events.emit({ kind: 'model', id: '3' })
    await vi.waitFor(() => expect(s.prediction).toEqual({ error: 'model 3: its checkpoint folder is gone' }))
    s.$reset()
    expect(s.taggers).toEqual([])
    expect(s.selected).toBeNull()
  })
})

