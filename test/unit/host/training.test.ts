import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiEvents, EventName, JobFinished, JobProgress, LibraryChange, TrainingRequest } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { importMtatDataset } from '../../../src-main/api/datasets'
import { withLibrary } from '../../../src-main/api/library'
import { closeJobPool } from '../../../src-main/api/jobs'
import { UserError } from '../../../src-main/util/errors'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const examples = join(root, 'resources', 'examples')

/** The events of one job, and a promise of its end. */
function follow(services: Services, jobId: () => string | undefined): { progress: JobProgress[]; finished: Promise<JobFinished> } {
  const progress: JobProgress[] = []
  let off = (): void => {}
  const finished = new Promise<JobFinished>((resolve) => {
    off = services.events.on(<E extends EventName>(event: E, payload: ApiEvents[E]) => {
      if (event === 'jobProgress' && (payload as JobProgress).jobId === jobId()) progress.push(payload as JobProgress)
      if (event === 'jobFinished' && (payload as JobFinished).jobId === jobId()) resolve(payload as JobFinished)
    })
  })
  void finished.then(off)
  return { progress, finished }
}

// The small MTAT fixture has 23 usable clips: the shuffled 95/5 split gives 22 train and 1 valid clip.
const request = (datasetId: number, over: Partial<TrainingRequest> = {}): TrainingRequest => ({ datasetId, arch: 'dieleman', split: 'shuffled', epochs: 2, batch: 4, top: 5, ...over })

describe('training service (the app door onto tagger training and tagging)', () => {
  let dir: string
  let services: Services
  let datasetId: number
  const changes: LibraryChange[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-training-'))
    datasetId = await withLibrary(dir, (lib) => importMtatDataset(lib, join(root, 'test', 'fixtures', 'mtat', 'dataset')).datasetId)
    services = await createServices({ dataDir: dir, examplesDir: examples, platform: 'web', version: '0' })
    services.events.on((event, payload) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services?.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists the MagnaTagATune imports with their usable clips and tags', async () => {
    const list = await services.handlers.listTrainingDatasets()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ id: datasetId, clips: 23 })
    expect(list[0]!.tags).toBeGreaterThanOrEqual(8)
  })

  it('says to train a tagger first when there is none', async () => {
    await expect(services.handlers.tagAudio({ path: join(examples, 'content-voice.wav') })).rejects.toThrow(/No trained tagger yet: train one/)
    expect(await services.handlers.listModels()).toEqual([])
  })

  it('refuses an unknown dataset as the call error, before any job', async () => {
    await expect(services.handlers.startTraining(request(999))).rejects.toBeInstanceOf(UserError)
    expect(await services.handlers.listTrainingJobs()).toEqual([])
  })

  it('trains as a job: progress with loss and clips/s, the end with the figures, then models, curves and tags', async () => {
    let jobId: string | undefined
    const { progress, finished } = follow(services, () => jobId)
    jobId = (await services.handlers.startTraining(request(datasetId))).jobId
    const jobs = await services.handlers.listTrainingJobs()
    expect(jobs.map((j) => j.jobId)).toEqual([jobId])
    expect(jobs[0]!.request).toEqual(request(datasetId))

    const end = await finished
    expect(end).toMatchObject({ jobId, kind: 'training', status: 'done' })
    const t = end.training!
    expect(t.epochs).toBe(2)
    expect(t.clips).toEqual({ train: 22, valid: 1, test: 0 })
    expect(t.tags).toHaveLength(5)
    // 22 clips in batches of 4: 6 batches an epoch.
    expect(t.steps).toBe(12)
    // The pool may coalesce progress messages; the last one is always delivered.
    expect(progress.length).toBeGreaterThanOrEqual(2)
    const last = progress.at(-1)!
    expect(last).toMatchObject({ step: 12, total: 12, phase: 'epoch 2/2' })
    expect(last.loss).toBeGreaterThan(0)
    expect(last.metrics?.clipsPerSecond).toBeGreaterThan(0)
    expect(await services.handlers.listTrainingJobs()).toEqual([])
    expect(changes).toContainEqual({ kind: 'model', id: String(t.modelId) })

    const [model] = await services.handlers.listModels()
    expect(model).toMatchObject({ id: t.modelId, kind: 'tagger/dieleman', tags: t.tags })
    expect(model!.runs).toHaveLength(1)
    const run = model!.runs[0]!
    expect(run).toMatchObject({ id: t.runId, status: 'completed', epochs: 2 })
    expect(run.checkpoints.map((c) => c.epoch)).toEqual([2, 1])
    for (const c of run.checkpoints) expect(c.sizeBytes).toBeGreaterThan(1000)

    const curves = await services.handlers.runCurves({ runId: t.runId })
    expect(curves.loss!.steps).toBeInstanceOf(Float32Array)
    expect(Array.from(curves.loss!.steps)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(Array.from(curves.epochLoss!.steps)).toEqual([6, 12])

    const tags = await services.handlers.tagAudio({ path: join(examples, 'content-music.wav'), top: 3 })
    expect(tags.tags).toHaveLength(3)
    expect(tags.modelId).toBe(t.modelId)
    expect(tags.path).toBe(join(examples, 'content-music.wav'))
    const p = tags.tags.map((x) => x.probability)
    expect(p).toEqual([...p].sort((a, b) => b - a))
    for (const v of p) expect(v).toBeGreaterThanOrEqual(0)

    // Live updates: the run when the job finds it and when it ends, each checkpoint as the worker writes it.
    expect(changes.filter((c) => c.kind === 'run').map((c) => c.id)).toEqual([String(t.runId), String(t.runId)])
    const ids = (xs: number[]): number[] => [...xs].sort((a, b) => a - b)
    expect(ids(changes.filter((c) => c.kind === 'checkpoint').map((c) => Number(c.id)))).toEqual(ids(run.checkpoints.map((c) => c.id)))
    expect(changes.findIndex((c) => c.kind === 'run')).toBeLessThan(changes.findIndex((c) => c.kind === 'checkpoint'))

    // The tag browser's predicted tags: a clip of the dataset, read where the dataset lies.
    const page = await services.handlers.queryClips({ datasetId, tags: [], notTags: [], text: '', offset: 0, limit: 50 })
    const clip = page.clips.find((c) => c.problem === null)!
    const predicted = await services.handlers.tagClip({ clipId: clip.id, modelId: t.modelId, top: 3 })
    expect(predicted.tags).toHaveLength(3)
    expect(predicted.modelId).toBe(t.modelId)
    for (const x of predicted.tags) expect(t.tags).toContain(x.tag)
    await expect(services.handlers.tagClip({ clipId: clip.id, modelId: t.modelId + 100 })).rejects.toThrow(`model ${t.modelId + 100}: no trained tagger with that id`)
  })

  it('refuses to tag a file outside the data dir and the examples', async () => {
    await expect(services.handlers.tagAudio({ path: join(root, 'package.json') })).rejects.toThrow(/outside the data folder/)
  })

  it('refuses curves of a run that does not exist', async () => {
    await expect(services.handlers.runCurves({ runId: 999 })).rejects.toThrow(/run 999: not in the library/)
  })

  it('cancels a run through cancelJob: it ends cancelled and the library says stopped', async () => {
    let jobId: string | undefined
    const { progress, finished } = follow(services, () => jobId)
    jobId = (await services.handlers.startTraining(request(datasetId, { epochs: 200, batch: 2 }))).jobId
    await expect.poll(() => progress.length, { timeout: 60_000 }).toBeGreaterThan(0)
    const job = (await services.handlers.listTrainingJobs()).find((j) => j.jobId === jobId)
    expect(job?.runId).toBeGreaterThan(0)
    expect(await services.handlers.cancelJob({ jobId: jobId! })).toEqual({ cancelled: true })
    expect(await finished).toMatchObject({ jobId, kind: 'training', status: 'cancelled' })
    const run = (await services.handlers.listModels()).flatMap((m) => m.runs).find((r) => r.id === job!.runId)
    expect(run?.status).toBe('stopped')
    expect(await services.handlers.cancelJob({ jobId: jobId! })).toEqual({ cancelled: false })
  })
})
