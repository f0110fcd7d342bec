import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProgress, ModelSummary, RunCurves, TagResult, TrainingJob } from '../../../src-preload/api'
import { CURVE_POLL_MS, useTrainingStore } from '../../../src-renderer/src/stores/training'
import { useTagsStore } from '../../../src-renderer/src/stores/tags'
import { installFakeApi, type FakeApi } from './fake-api'

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

const curves = (n: number): RunCurves => ({ loss: { steps: Float32Array.from({ length: n }, (_, i) => i + 1), values: new Float32Array(n).fill(0.5) } })
const model = (id: number, runId: number, checkpoints = 1): ModelSummary => ({
  id,
  name: `dieleman tagger ${id}`,
  kind: 'tagger/dieleman',
  tags: ['piano'],
  speakers: [],
  sampleRate: null,
  receptiveField: null,
  melBands: null,
  latents: null,
  createdAt: '',
  runs: [
    {
      id: runId,
      status: 'completed',
      error: null,
      datasetId: 1,
      epochs: 2,
      split: 'shuffled',
      createdAt: '',
      startedAt: null,
      finishedAt: null,
      config: {},
      bestValRocAuc: 0.8,
      bestValidNll: null,
      testRocAuc: null,
      checkpoints: Array.from({ length: checkpoints }, (_, i) => ({ id: i + 1, epoch: i + 1, step: 6, sizeBytes: 10, valRocAuc: null, validNll: null, metrics: {}, createdAt: '' }))
    }
  ]
})
const progress = (jobId: string, over: Partial<JobProgress> = {}): JobProgress => ({ jobId, step: 3, total: 12, phase: 'epoch 1/2', loss: 0.69, metrics: { clipsPerSecond: 210 }, ...over })

beforeEach(() => {
  setActivePinia(createPinia())
  calls.length = 0
  fake = {
    listTrainingDatasets: async () => [{ id: 7, name: 'mtat', kind: 'mtat', clips: 23, tags: 16, speakers: [], importedAt: '' }],
    listModels: async () => [],
    listTrainingJobs: async () => [],
    runCurves: async () => curves(4)
  }
})
afterEach(() => vi.useRealTimers())

describe('training store', () => {
  it('loads datasets (choosing the first), models and the newest run curves', async () => {
    fake.listModels = async () => [model(2, 5), model(1, 3)]
    const t = useTrainingStore()
    await t.init()
    expect(t.settings.datasetId).toBe(7)
    expect(t.problem).toBeNull()
    await vi.waitFor(() => expect(t.curves).not.toBeNull())
    expect(t.selectedRunId).toBe(5)
    expect(t.tagger?.id).toBe(2)
    expect(calls.find((c) => c.method === 'runCurves')?.req).toEqual({ runId: 5 })
  })

  it('says what is missing when there is no dataset, and does not start', async () => {
    fake.listTrainingDatasets = async () => []
    const t = useTrainingStore()
    await t.init()
    expect(t.problem).toMatch(/^Import a MagnaTagATune dataset first/)
    await t.start()
    expect(calls.some((c) => c.method === 'startTraining')).toBe(false)
  })

  it('starts a run with the settings, follows its progress, learns its run by polling and polls its curves', async () => {
    vi.useFakeTimers()
    let jobs: TrainingJob[] = []
    fake.startTraining = async () => ({ jobId: 'j1' })
    fake.listTrainingJobs = async () => jobs
    const t = useTrainingStore()
    await t.init()
    Object.assign(t.settings, { split: 'shuffled', epochs: 2, batch: 4, top: 5 })
    await t.start()
    expect(calls.find((c) => c.method === 'startTraining')?.req).toEqual({ datasetId: 7, arch: 'dieleman', split: 'shuffled', epochs: 2, batch: 4, top: 5 })
    expect(t.running).toBe(true)

    t.progress(progress('other'))
    expect(t.job?.step).toBe(0)
    t.progress(progress('j1', { etaMs: 1500 }))
    expect(t.job).toMatchObject({ step: 3, total: 12, phase: 'epoch 1/2', loss: 0.69, clipsPerSecond: 210, etaMs: 1500 })

    jobs = [{ jobId: 'j1', runId: 9, request: t.job!.request, startedAt: 0 }]
    await vi.advanceTimersByTimeAsync(CURVE_POLL_MS)
    expect(t.job?.runId).toBe(9)
    expect(t.selectedRunId).toBe(9)
    expect(t.curves?.loss?.steps).toHaveLength(4)
    fake.runCurves = async () => curves(8)
    await vi.advanceTimersByTimeAsync(CURVE_POLL_MS)
    expect(t.curves?.loss?.steps).toHaveLength(8)
  })

  it('takes the run id from progress when the job reports it', async () => {
    fake.startTraining = async () => ({ jobId: 'j1' })
    const t = useTrainingStore()
    await t.init()
    await t.start()
    t.progress(progress('j1', { metrics: { clipsPerSecond: 1, runId: 12 } }))
    expect(t.job?.runId).toBe(12)
    expect(t.selectedRunId).toBe(12)
    t.$reset()
  })

  it('finishes: full bar, the figures, the model chosen for tagging, polling stopped', async () => {
    vi.useFakeTimers()
    fake.startTraining = async () => ({ jobId: 'j1' })
    const t = useTrainingStore()
    await t.init()
    await t.start()
    t.progress(progress('j1'))
    fake.listModels = async () => [model(4, 9)]
    const outcome = { runId: 9, modelId: 4, checkpointId: 2, epochs: 2, steps: 12, reason: 'epochs', valRocAuc: null, testRocAuc: null, testPrAuc: null, testSplit: 'valid' as const, clipsPerSecond: 200, clips: { train: 22, valid: 1, test: 0 }, tags: ['a'], leftOutTags: [], skipped: 0 }
    expect(t.finished({ jobId: 'other', status: 'done' })).toBe(false)
    expect(t.finished({ jobId: 'j1', kind: 'training', status: 'done', training: outcome })).toBe(true)
    expect(t.job).toMatchObject({ status: 'done', step: 12, total: 12, runId: 9, outcome })
    expect(t.running).toBe(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(t.tagger?.id).toBe(4)
    const before = calls.length
    await vi.advanceTimersByTimeAsync(CURVE_POLL_MS * 3)
    expect(calls.length).toBe(before)
  })

  it('keeps a failure as the job error, and drops a slow curve reply for a run no longer selected', async () => {
    fake.startTraining = async () => ({ jobId: 'j1' })
    const t = useTrainingStore()
    await t.init()
    await t.start()
    t.finished({ jobId: 'j1', kind: 'training', status: 'failed', error: 'dataset 7: no usable clip' })
    expect(t.job).toMatchObject({ status: 'failed', error: 'dataset 7: no usable clip' })

    let release!: () => void
    fake.runCurves = (req?: { runId: number }) => new Promise((r) => (release = () => r(curves(req!.runId))))
    const slow = t.selectRun(1)
    fake.runCurves = async () => curves(2)
    await t.selectRun(2)
    release()
    await slow
    expect(t.selectedRunId).toBe(2)
    expect(t.curves?.loss?.steps).toHaveLength(2)
  })

  it("shows a job's progress only under its own run: an MNIST job's loss never sits under a VLAE run picked in the list", async () => {
    fake.startVaeTraining = async () => ({ jobId: 'mnist' })
    const t = useTrainingStore()
    await t.init()
    t.family = 'vae'
    t.vae.datasetId = 7
    await t.start()
    // Starting, its run not known yet and none picked: the line is the job's.
    expect(t.shownJob?.jobId).toBe('mnist')
    t.progress(progress('mnist', { loss: 190.5, metrics: { examplesPerSecond: 900, runId: 2 } }))
    expect(t.selectedRunId).toBe(2)
    expect(t.shownJob).toMatchObject({ jobId: 'mnist', runId: 2, loss: 190.5 })
    // A VLAE run picked while the MNIST job trains: no progress line of the MNIST job's under it.
    await t.selectRun(1)
    expect(t.shownJob).toBeNull()
    expect(t.job).toMatchObject({ jobId: 'mnist', loss: 190.5, status: 'running' })
    t.progress(progress('mnist', { loss: 180, step: 5 }))
    expect(t.shownJob).toBeNull()
    // Back to the live run: its line again, with the newest loss.
    await t.selectRun(2)
    expect(t.shownJob).toMatchObject({ jobId: 'mnist', loss: 180, step: 5 })
    // Finished, then the VLAE picked: still not under the VLAE.
    t.finished({ jobId: 'mnist', kind: 'training', status: 'done' })
    await t.selectRun(1)
    expect(t.shownJob).toBeNull()
    t.$reset()
  })

  it('follows a job already running on the host after a reload', async () => {
    vi.useFakeTimers()
    fake.listTrainingJobs = async () => [{ jobId: 'j9', runId: 3, request: { datasetId: 7, arch: 'dieleman', split: 'standard', epochs: 5, batch: 16, top: 50 }, startedAt: 0, progress: progress('j9', { step: 7, total: 50 }) }]
    const t = useTrainingStore()
    await t.init()
    expect(t.job).toMatchObject({ jobId: 'j9', runId: 3, status: 'running', step: 7, total: 50 })
    expect(t.selectedRunId).toBe(3)
    t.$reset()
    const before = calls.length
    await vi.advanceTimersByTimeAsync(CURVE_POLL_MS * 2)
    expect(calls.length).toBe(before)
    expect(t.job).toBeNull()
    expect(t.settings.datasetId).toBeNull()
  })

  it('reports a refused start in the panel', async () => {
    fake.startTraining = async () => {
      throw new Error('dataset 7: not in the library')
    }
    const t = useTrainingStore()
    await t.init()
    await t.start()
    expect(t.error).toBe('dataset 7: not in the library')
    expect(t.job).toBeNull()
  })
})

describe('tags store', () => {
  const result = (path: string, tags: [string, number][]): TagResult => ({ path, modelId: 4, checkpointId: 2, tags: tags.map(([tag, probability]) => ({ tag, probability })), windows: 3, duration: 2, notes: [] })

  it('tags a file with the given model and shows five tags', async () => {
    fake.tagAudio = async (req?: { path: string }) => result(req!.path, [['piano', 0.9], ['slow', 0.4]])
    const tags = useTagsStore()
    const pending = tags.tag('/data/a.wav', 4)
    expect(tags.byPath.get('/data/a.wav')?.status).toBe('tagging')
    await pending
    expect(calls.at(-1)).toEqual({ method: 'tagAudio', req: { path: '/data/a.wav', top: 5, modelId: 4 } })
    expect(tags.byPath.get('/data/a.wav')).toMatchObject({ status: 'done', modelId: 4, tags: [{ tag: 'piano', probability: 0.9 }, { tag: 'slow', probability: 0.4 }] })
  })

  it('keeps the host message when there is no tagger; clear forgets the file', async () => {
    fake.tagAudio = async () => {
      throw new Error('No trained tagger yet: train one in the Training panel (top bar) first')
    }
    const tags = useTagsStore()
    await tags.tag('/data/a.wav')
    expect(calls.at(-1)?.req).toEqual({ path: '/data/a.wav', top: 5 })
    expect(tags.byPath.get('/data/a.wav')).toMatchObject({ status: 'failed', error: 'No trained tagger yet: train one in the Training panel (top bar) first' })
    tags.clear('/data/a.wav')
    expect(tags.byPath.size).toBe(0)
  })

  it('lets only the newest request of a file land', async () => {
    const releases: (() => void)[] = []
    fake.tagAudio = (req?: { path: string }) => new Promise((r) => releases.push(() => r(result(req!.path, [[`tag${releases.length}`, 0.5]]))))
    const tags = useTagsStore()
    const first = tags.tag('/data/a.wav', 1)
    const second = tags.tag('/data/a.wav', 2)
    releases[1]!()
    await second
    releases[0]!()
    await first
    expect(tags.byPath.get('/data/a.wav')?.tags[0]?.tag).toBe('tag2')
    tags.$reset()
    expect(tags.byPath.size).toBe(0)
  })
})
