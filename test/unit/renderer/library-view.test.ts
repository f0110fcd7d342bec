import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { LibraryDataset, ModelSummary, PresetInfo, RemovalOutcome, RenderSummary, RunSummary } from '../../../src-preload/api'
import { configList, filterLibrary, formatDuration, matchesAll, modelMetric, runHeadline, runSeconds, searchWords } from '../../../src-renderer/src/lib/library-view'
import { removalNote, useModelLibraryStore } from '../../../src-renderer/src/stores/model-library'
import { installFakeApi, type FakeApi } from './fake-api'

const run = (id: number, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  status: 'completed',
  error: null,
  datasetId: 1,
  epochs: 3,
  split: 'standard',
  createdAt: '2026-11-30T05:00:00.000Z',
  startedAt: '2026-11-30T05:00:00.000Z',
  finishedAt: '2026-11-30T05:03:05.000Z',
  config: { epochs: 3, batch: 8 },
  bestValRocAuc: null,
  bestValidNll: null,
  testRocAuc: null,
  checkpoints: [],
  ...over
})
const model = (id: number, name: string, kind: string, runs: RunSummary[], createdAt: string): ModelSummary => ({
  id,
  name,
  kind,
  tags: kind.startsWith('tagger/') ? ['piano', 'slow'] : [],
  speakers: kind.startsWith('wavenet/') ? [{ code: 'p225', gender: 'F', accent: null }] : [],
  sampleRate: null,
  receptiveField: null,
  melBands: null,
  latents: null,
  createdAt,
  runs
})
const render = (id: number, name: string, styleDistanceOutput?: number): RenderSummary => ({
  id,
  method: 'texture',
  contentPath: '/d/imports/ab12cd34-voice.wav',
  stylePath: '/ex/organ.wav',
  outputPath: `/d/renders/r${id}.wav`,
  sizeBytes: 100,
  metrics: styleDistanceOutput === undefined ? {} : { styleDistanceOutput },
  options: {},
  name,
  createdAt: `2026-11-30T05:0${id}:00.000Z`
})
const dataset = (id: number, name: string, clips: number): LibraryDataset => ({ id, name, kind: 'mtat', clips, missing: 0, folderMissing: false, rootPath: `/data/${name}`, importedAt: `2026-11-2${id}T00:00:00.000Z` })
const preset = (id: number, name: string): PresetInfo => ({ id, name, chain: null, problem: null, sourceRenderId: null, createdAt: '', updatedAt: `2026-11-30T0${id}:00:00.000Z` })

const models = [
  model(1, 'Tagger small', 'tagger/dieleman', [run(11, { bestValRocAuc: 0.71 })], '2026-11-30T01:00:00.000Z'),
  model(2, 'tagger big', 'tagger/samplecnn', [run(21, { bestValRocAuc: 0.84, status: 'failed' }), run(22, { bestValRocAuc: 0.8 })], '2026-11-30T02:00:00.000Z'),
  model(3, 'WaveNet p225', 'wavenet/mulaw', [run(31, { bestValidNll: 2.5, split: null })], '2026-11-30T03:00:00.000Z'),
  model(4, 'untrained', 'tagger/dieleman', [run(41, { status: 'running', finishedAt: null })], '2026-11-30T04:00:00.000Z')
]
const all = { models, renders: [render(1, 'Night drive', 0.4), render(2, 'texture 2', 0.2), render(3, 'Organ take')], datasets: [dataset(1, 'MTAT full', 25_000), dataset(2, 'mtat small', 24)], presets: [preset(1, 'Radio'), preset(2, 'Warm tape')] }
const ids = (rows: { id: number }[]): number[] => rows.map((r) => r.id)

describe('library view logic: one search box over every section, sort by name, date or metric', () => {
  it('splits words and matches each as a substring of some field, without case', () => {
    expect(searchWords('  Slow   PIANO ')).toEqual(['slow', 'piano'])
    expect(matchesAll(['slow', 'piano'], ['Piano ballad', null, 'slow'])).toBe(true)
    expect(matchesAll(['slow', 'kazoo'], ['Piano ballad', 'slow'])).toBe(false)
    expect(matchesAll([], [])).toBe(true)
  })

  it('sorts every section newest first, oldest first and by name (numbers in names in order, case ignored)', () => {
    const newest = filterLibrary(all, '', 'newest')
    expect([ids(newest.models), ids(newest.renders), ids(newest.datasets), ids(newest.presets)]).toEqual([[4, 3, 2, 1], [3, 2, 1], [2, 1], [2, 1]])
    const oldest = filterLibrary(all, '', 'oldest')
    expect(ids(oldest.models)).toEqual([1, 2, 3, 4])
    const byName = filterLibrary(all, '', 'name')
    expect(byName.models.map((m) => m.name)).toEqual(['tagger big', 'Tagger small', 'untrained', 'WaveNet p225'])
    expect(byName.renders.map((r) => r.name)).toEqual(['Night drive', 'Organ take', 'texture 2'])
    expect(byName.datasets.map((d) => d.name)).toEqual(['MTAT full', 'mtat small'])
  })

  it('sorts by metric: taggers by best ROC-AUC, then WaveNets by lowest NLL, rows without one last; renders closest to the style first', () => {
    const v = filterLibrary(all, '', 'metric')
    expect(ids(v.models)).toEqual([2, 1, 3, 4])
    expect(ids(v.renders)).toEqual([2, 1, 3])
    expect(ids(v.datasets)).toEqual([1, 2])
    expect(v.presets.map((p) => p.name)).toEqual(['Radio', 'Warm tape'])
    expect(modelMetric(models[2]!)).toEqual([1, -2.5])
    expect(modelMetric(models[3]!)).toBeNull()
  })

  it('filters every section with the same words: names, kinds, tags, speakers, run status, files, folders', () => {
    expect(ids(filterLibrary(all, 'tagger', 'newest').models)).toEqual([4, 2, 1])
    expect(ids(filterLibrary(all, 'piano failed', 'newest').models)).toEqual([2])
    expect(ids(filterLibrary(all, 'p225', 'newest').models)).toEqual([3])
    expect(ids(filterLibrary(all, 'run 41', 'newest').models)).toEqual([4])
    const organ = filterLibrary(all, 'organ', 'newest')
    expect([ids(organ.models), ids(organ.renders), ids(organ.datasets), ids(organ.presets)]).toEqual([[], [3, 2, 1], [], []])
    expect(ids(filterLibrary(all, 'night', 'newest').renders)).toEqual([1])
    expect(ids(filterLibrary(all, '/data/mtat', 'newest').datasets)).toEqual([2, 1])
    expect(ids(filterLibrary(all, 'warm', 'newest').presets)).toEqual([2])
    expect(filterLibrary(all, 'warm', 'newest').empty).toBeNull()
  })

  it('a search that matches nothing says so in one line; an empty library with no words says nothing', () => {
    const none = filterLibrary(all, '  kazoo  ', 'newest')
    expect([none.models, none.renders, none.datasets, none.presets]).toEqual([[], [], [], []])
    expect(none.empty).toBe('nothing in the library matches "kazoo"')
    expect(filterLibrary({ models: [], renders: [], datasets: [], presets: [] }, '', 'name').empty).toBeNull()
  })

  it('gives a run its duration, settings and headline figure for a person', () => {
    expect(runSeconds(run(1), 0)).toBe(185)
    expect(runSeconds(run(1, { status: 'running', finishedAt: null }), Date.parse('2026-11-30T05:00:42.000Z'))).toBe(42)
    expect(runSeconds(run(1, { startedAt: null, status: 'queued', finishedAt: null }), 0)).toBeNull()
    expect([formatDuration(42.4), formatDuration(185), formatDuration(7620), formatDuration(null)]).toEqual(['42 s', '3 min 05 s', '2 h 07 min', '-'])
    expect(configList({ split: 'standard', epochs: 3, tags: Array.from({ length: 50 }, (_, i) => `tag${i}`) })).toEqual(['epochs 3', 'split standard', `tags ${JSON.stringify(Array.from({ length: 50 }, (_, i) => `tag${i}`)).slice(0, 39)}…`])
    // What train-tagger records: its data folder, ownership token and an unset resume are not settings to show.
    expect(configList({ batch: 4, dataDir: '/tmp/d', runToken: '8d0a1255-6af8', resume: null, epochs: 2 })).toEqual(['batch 4', 'epochs 2'])
    expect(runHeadline(run(1, { bestValRocAuc: 0.8123, testRocAuc: 0.79 }))).toBe('best val ROC-AUC 0.812, test 0.790')
    expect(runHeadline(run(1, { bestValidNll: 2.3456 }))).toBe('best valid NLL 2.346 nats/sample')
    expect(runHeadline(run(1))).toBeNull()
  })
})

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

describe('model library store', () => {
  let listModels: ModelSummary[]
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    listModels = models
    fake = {
      listModels: async () => listModels,
      listLibraryDatasets: async () => [dataset(1, 'MTAT full', 25_000)],
      runCurves: (async ({ runId }: { runId: number }) => ({ loss: { steps: Float32Array.from([1, 2]), values: Float32Array.from([runId, runId / 2]) } })) as never,
      on: (() => () => {}) as never
    }
  })

  it('selects a run to load its curves, lets it go when it disappears from the library', async () => {
    const s = useModelLibraryStore()
    await s.load()
    expect(s.datasets.map((d) => d.name)).toEqual(['MTAT full'])
    await s.selectRun(22)
    expect(s.selectedModel?.id).toBe(2)
    expect(s.selectedRun?.id).toBe(22)
    expect(Array.from(s.curves!.loss!.values)).toEqual([22, 11])
    listModels = models.filter((m) => m.id !== 2)
    await s.load()
    expect([s.selectedRunId, s.curves]).toEqual([null, null])
    await s.selectRun(11)
    await s.selectRun(11)
    expect(s.selectedRunId).toBeNull()
  })

  it('deletes only after a confirm, the right method per row, and reports what stayed on disk', async () => {
    const out: RemovalOutcome = { deleted: true, filesRemoved: 1, fileNotes: ['/d/models/x: its checkpoint folder /d/models/x could not be removed (EACCES); remove it by hand'] }
    fake.deleteRun = (async () => out) as never
    fake.deleteModel = (async () => {
      throw new Error('model 4: run 41 is still training (a job of this app); stop it first')
    }) as never
    const s = useModelLibraryStore()
    await s.confirmDelete()
    expect(calls.some((c) => c.method.startsWith('delete'))).toBe(false)
    s.confirming = { kind: 'run', id: 22 }
    await s.confirmDelete()
    expect(calls.find((c) => c.method === 'deleteRun')?.req).toEqual({ id: 22 })
    expect(s.note).toEqual({ text: `run 22 deleted (1 checkpoint folder removed); ${out.fileNotes[0]}`, error: true })
    expect(s.confirming).toBeNull()
    s.confirming = { kind: 'model', id: 4 }
    await s.confirmDelete()
    expect(s.note).toEqual({ text: 'model 4: run 41 is still training (a job of this app); stop it first', error: true })
    expect(removalNote('checkpoint', 7, { deleted: true, filesRemoved: 0, fileNotes: ['/x: its checkpoint folder was already gone'] })).toEqual({ text: 'checkpoint 7 deleted; /x: its checkpoint folder was already gone', error: false })
  })

  it('renames a model, a taken name refused in one line', async () => {
    fake.renameModel = (async () => {
      throw new Error('model name: "tagger big" is taken by model 2')
    }) as never
    const s = useModelLibraryStore()
    await s.renameModel(1, 'tagger big')
    expect(s.note).toEqual({ text: 'model name: "tagger big" is taken by model 2', error: true })
  })

  it('reveals a file: the path to show and copy when no file manager opened', async () => {
    fake.revealFile = (async () => ({ path: '/d/models/m1/run1/e1', revealed: false })) as never
    const s = useModelLibraryStore()
    await s.reveal('checkpoint', 5)
    expect(calls.find((c) => c.method === 'revealFile')?.req).toEqual({ kind: 'checkpoint', id: 5 })
    expect(s.revealed).toEqual({ path: '/d/models/m1/run1/e1', revealed: false })
    expect(s.note).toEqual({ text: 'checkpoint 5 is at /d/models/m1/run1/e1', error: false })
  })

  it('follows libraryChanged whatever its kind while mounted, and lets go on unmount', async () => {
    let listener: ((c: { kind: string; id: string }) => void) | null = null
    let unsubscribed = 0
    fake.on = ((_e: string, l: typeof listener) => {
      listener = l
      return () => void (unsubscribed += 1)
    }) as never
    const s = useModelLibraryStore()
    const off = s.mount()
    await Promise.resolve()
    const before = calls.filter((c) => c.method === 'listModels').length
    for (const kind of ['model', 'run', 'checkpoint', 'dataset', 'render']) listener!({ kind, id: '1' })
    expect(calls.filter((c) => c.method === 'listModels').length).toBe(before + 5)
    off()
    expect(unsubscribed).toBe(1)
  })
})
