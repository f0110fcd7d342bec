/**
 * WaveNet through the app's contract, over the web host (HTTP + the binary wire, the zod schemas in
 * front): the VCTK fixture's speakers in the datasets list, a tiny WaveNet trained one epoch by
 * startWavenetTraining, the model list's speakers and figures, its curves, generation onto a file
 * the app may load, and training and generation cancelled; refusals in the service's one line.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiEvents, Envelope, EventName, JobFinished, JobProgress, ModelSummary, Project, RunCurves, TrainingDataset } from '../../src-preload/api'
import { decodeWire, encodeWire } from '../../src-preload/wire'
import { createServices, type Services } from '../../src-main/api/services'
import { importVctkDataset } from '../../src-main/api/datasets'
import { withLibrary } from '../../src-main/api/library'
import { closeJobPool } from '../../src-main/api/jobs'
import { startHost, type Host } from '../../src-main/host/server'

describe('WaveNet through the web host', () => {
  let dir: string
  let dataDir: string
  let services: Services
  let host: Host
  let datasetId: number
  let modelId: number
  let lastGenerated: string

  /** One contract call over HTTP: the value, or the envelope's one line as an Error. */
  async function call<T>(method: string, req?: unknown): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-EB-Token': host.token },
      body: encodeWire(req)
    })
    const e = decodeWire(new Uint8Array(await res.arrayBuffer())) as Envelope<T>
    if (!e.ok) throw Object.assign(new Error(e.error), { code: e.code })
    return e.value
  }

  /**
   * The events of one job and a promise of its end. Its id is known once the start call returns, and
   * a job refused in its worker can end before that: every event is kept and matched once the id is set.
   */
  function follow(): { id: { value?: string }; readonly progress: JobProgress[]; finished: Promise<JobFinished> } {
    const id: { value?: string } = {}
    const seen: { progress: JobProgress[]; ends: JobFinished[] } = { progress: [], ends: [] }
    let ended: (f: JobFinished) => void = () => {}
    const finished = new Promise<JobFinished>((done) => (ended = done))
    const off = services.events.on(<E extends EventName>(event: E, payload: ApiEvents[E]) => {
      if (event === 'jobProgress') seen.progress.push(payload as JobProgress)
      if (event === 'jobFinished') seen.ends.push(payload as JobFinished)
    })
    const timer = setInterval(() => {
      const end = seen.ends.find((f) => f.jobId === id.value)
      if (end) ended(end)
    }, 20)
    void finished.then(() => {
      clearInterval(timer)
      off()
    })
    return {
      id,
      get progress() {
        return seen.progress.filter((p) => p.jobId === id.value)
      },
      finished
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-wavenet-app-'))
    dataDir = join(dir, 'data')
    datasetId = await withLibrary(dataDir, (lib) => importVctkDataset(lib, resolve('test/fixtures/vctk/v080')).datasetId)
    const rendererDir = join(dir, 'renderer')
    await mkdir(rendererDir)
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>EB</title>')
    services = await createServices({ dataDir, examplesDir: join(dir, 'examples'), platform: 'web', version: '0' })
    host = await startHost({ services, rendererDir, port: 0 })
  })
  afterAll(async () => {
    await host?.close()
    await services?.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists the VCTK import with its speakers and what the library knows of them', async () => {
    const [d] = await call<TrainingDataset[]>('listTrainingDatasets')
    expect(d).toMatchObject({ id: datasetId, kind: 'vctk', tags: 0 })
    expect(d!.clips).toBeGreaterThan(0)
    expect(d!.speakers.map((s) => s.code)).toEqual(['p225', 'p226', 'p227', 'p228'])
    for (const s of d!.speakers) expect(['F', 'M']).toContain(s.gender)
  })

  it('refuses bad requests in one line: a wrong dataset, a malformed payload, bad figures', async () => {
    const wn = { family: 'wavenet', datasetId, preset: 'tiny', condition: 'speaker', epochs: 1 }
    await expect(call('startWavenetTraining', { ...wn, datasetId: 99 })).rejects.toThrow(/^dataset 99: not in the library/)
    await expect(call('startWavenetTraining', { ...wn, preset: 'huge' })).rejects.toMatchObject({ code: 'invalid' })
    await expect(call('startTraining', { datasetId, arch: 'dieleman', split: 'shuffled', epochs: 1, batch: 4, top: 5 })).rejects.toThrow(
      /^dataset \d+: a vctk dataset; the tagger trains on MagnaTagATune imports$/
    )
    const gen = { modelId: 1, seconds: 0.1, temperature: 1, seed: 0 }
    await expect(call('startGeneration', { ...gen, temperature: 0 })).rejects.toThrow(/^temperature 0: must be above 0/)
    await expect(call('startGeneration', { ...gen, seconds: 601 })).rejects.toThrow(/^seconds 601: not in 0\.\.600/)
    await expect(call('startGeneration', { ...gen, seed: -1 })).rejects.toMatchObject({ code: 'invalid' })
  })

  it('trains a tiny WaveNet one epoch on two speakers: the figures, the model list, the curves', async () => {
    const job = follow()
    job.id.value = (await call<{ jobId: string }>('startWavenetTraining', { family: 'wavenet', datasetId, preset: 'tiny', condition: 'speaker', speakers: ['p225', 'p226'], epochs: 1 })).jobId
    const end = await job.finished
    expect(end, end.error).toMatchObject({ kind: 'training', status: 'done' })
    const w = end.wavenet!
    expect(w).toMatchObject({ receptiveField: 17, epochs: 1, speakers: ['p225', 'p226'] })
    expect(Number.isFinite(w.validNll)).toBe(true)
    // Progress carried the run id and the training rate.
    expect(job.progress.some((p) => p.metrics?.runId === w.runId)).toBe(true)
    expect(job.progress.some((p) => (p.metrics?.samplesPerSecond ?? 0) > 0)).toBe(true)
    modelId = w.modelId

    const m = (await call<ModelSummary[]>('listModels')).find((x) => x.id === modelId)!
    expect(m).toMatchObject({ kind: 'wavenet/mulaw', sampleRate: 8000, receptiveField: 17, tags: [] })
    const genders = (await call<TrainingDataset[]>('listTrainingDatasets'))[0]!.speakers
    expect(m.speakers).toEqual(genders.filter((s) => s.code === 'p225' || s.code === 'p226'))
    const run = m.runs[0]!
    expect(run.bestValidNll).toBeCloseTo(w.validNll!, 6)
    expect(run.checkpoints.map((c) => c.id)).toContain(w.checkpointId)
    expect(run.checkpoints[0]!.validNll).toBeCloseTo(w.validNll!, 6)

    const curves = await call<RunCurves>('runCurves', { runId: w.runId })
    expect(curves.loss!.values.length).toBe(w.steps)
    for (const name of ['epochLoss', 'validNll', 'trainBits', 'validBits']) expect(Array.from(curves[name]!.steps), name).toEqual([w.steps])
    expect(curves.validBits!.values[0]).toBeCloseTo(curves.validNll!.values[0]! / Math.log(2), 4)
  }, 180_000)

  it('generates a quarter second for a trained speaker: rate on progress, a file the app can load, a track in the project', async () => {
    const project = await call<Project>('createProject', { name: 'wavenet' })
    await expect(call('startGeneration', { modelId, speaker: 'p226', seconds: 0.25, temperature: 1, seed: 3, projectId: '999' })).rejects.toThrow(/^project 999: no such project$/)
    const job = follow()
    job.id.value = (await call<{ jobId: string }>('startGeneration', { modelId, speaker: 'p226', seconds: 0.25, temperature: 1, seed: 3, projectId: project.id })).jobId
    const end = await job.finished
    expect(end, end.error).toMatchObject({ kind: 'generation', status: 'done', projectId: project.id })
    const g = end.generated!
    expect(g).toMatchObject({ modelId, speaker: 'p226', temperature: 1, seed: 3, receptiveField: 17, label: 'wavenet p226' })
    // The host saved the output track, so a window closed meanwhile finds it.
    const saved = await call<Project>('loadProject', { id: project.id })
    expect(saved.tracks.map((t) => [t.kind, t.name, t.clips[0]?.path])).toEqual([
      ['content', 'Content', undefined],
      ['style', 'Style', undefined],
      ['output', 'wavenet p226 #1', g.audio.path]
    ])
    expect(g.audio).toMatchObject({ sampleRate: 8000, channels: 1, duration: 0.25 })
    expect(g.audio.path.startsWith(join(dataDir, 'generated'))).toBe(true)
    expect(g.realtimeFactor).toBeCloseTo(g.samplesPerSecond / 8000, 9)
    const rated = job.progress.filter((p) => p.metrics?.samplesPerSecond !== undefined)
    expect(rated.length).toBeGreaterThan(0)
    for (const p of rated) expect(p.metrics!.realtimeFactor).toBeCloseTo(p.metrics!.samplesPerSecond! / 8000, 9)
    lastGenerated = g.audio.path
    const audio = await call<{ sampleRate: number; channels: Float32Array[] }>('loadAudio', { path: g.audio.path })
    expect(audio.channels[0]!.length).toBe(2000)
    expect(new Set(audio.channels[0]).size).toBeGreaterThan(1)
  }, 120_000)

  it('resynthesises a recording with a speaker+mel WaveNet: as long as the recording, whatever the seconds', async () => {
    const train = follow()
    train.id.value = (await call<{ jobId: string }>('startWavenetTraining', { family: 'wavenet', datasetId, preset: 'tiny', condition: 'speaker+mel', speakers: ['p225', 'p226'], epochs: 1 })).jobId
    const trained = await train.finished
    expect(trained, trained.error).toMatchObject({ kind: 'training', status: 'done' })
    const m = (await call<ModelSummary[]>('listModels')).find((x) => x.id === trained.wavenet!.modelId)!
    expect(m.melBands).toBeGreaterThan(0)
    expect(m.speakers.map((s) => s.code)).toEqual(['p225', 'p226'])
    // The recording: the quarter second generated above, under the data dir.
    const recording = lastGenerated
    const gen = follow()
    gen.id.value = (await call<{ jobId: string }>('startGeneration', { modelId: m.id, speaker: 'p225', seconds: 5, temperature: 1, seed: 1, melPath: recording })).jobId
    const end = await gen.finished
    expect(end, end.error).toMatchObject({ kind: 'generation', status: 'done' })
    expect(end.generated!.audio).toMatchObject({ sampleRate: 8000, duration: 0.25 })
    // Without a realtime factor from the host (no seconds), progress still gives the rate.
    expect(gen.progress.some((p) => (p.metrics?.samplesPerSecond ?? 0) > 0)).toBe(true)
    // A recording outside the data dir and the examples is refused before any work.
    await expect(call('startGeneration', { modelId: m.id, speaker: 'p225', seconds: 1, temperature: 1, seed: 1, melPath: resolve('package.json') })).rejects.toThrow(/outside the data folder/)
  }, 180_000)

  it("an untrained speaker ends the job in the job's one line", async () => {
    const job = follow()
    job.id.value = (await call<{ jobId: string }>('startGeneration', { modelId, speaker: 'p227', seconds: 0.1, temperature: 1, seed: 0 })).jobId
    expect(await job.finished).toMatchObject({ kind: 'generation', status: 'failed', error: 'speaker p227: the model was not trained with it (its speakers: p225, p226)' })
  }, 60_000)

  it('cancels a generation and a training run through cancelJob', async () => {
    const gen = follow()
    gen.id.value = (await call<{ jobId: string }>('startGeneration', { modelId, speaker: 'p225', seconds: 600, temperature: 1, seed: 0 })).jobId
    await expect.poll(() => gen.progress.length, { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await call('cancelJob', { jobId: gen.id.value })).toEqual({ cancelled: true })
    expect(await gen.finished).toMatchObject({ kind: 'generation', status: 'cancelled' })

    const train = follow()
    train.id.value = (await call<{ jobId: string }>('startWavenetTraining', { family: 'wavenet', datasetId, preset: 'tiny', condition: 'none', epochs: 200 })).jobId
    await expect.poll(() => train.progress.some((p) => p.metrics?.runId !== undefined), { timeout: 60_000 }).toBe(true)
    const runId = train.progress.find((p) => p.metrics?.runId !== undefined)!.metrics!.runId
    expect(await call('cancelJob', { jobId: train.id.value })).toEqual({ cancelled: true })
    expect(await train.finished).toMatchObject({ kind: 'training', status: 'cancelled' })
    const run = (await call<ModelSummary[]>('listModels')).flatMap((m) => m.runs).find((r) => r.id === runId)
    expect(run?.status).toBe('stopped')
  }, 180_000)
})
