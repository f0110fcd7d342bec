import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ModelSummary, TrainingDataset } from '../../../src-preload/api'
import { useGenerateStore } from '../../../src-renderer/src/stores/generate'
import { useLibraryStore } from '../../../src-renderer/src/stores/library'
import { useTracksStore } from '../../../src-renderer/src/stores/tracks'
import { familyOf, useTrainingStore } from '../../../src-renderer/src/stores/training'
import { installFakeApi, type FakeApi } from './fake-api'

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

const wavenet = (id: number, codes: string[], checkpoints = 1): ModelSummary => ({
  id,
  name: `WaveNet ${id}`,
  kind: 'wavenet/mulaw',
  tags: [],
  speakers: codes.map((code) => ({ code, gender: null, accent: null })),
  sampleRate: 8000,
  receptiveField: 17,
  melBands: null,
  latents: null,
  createdAt: '',
  runs: [
    {
      id: id * 10,
      status: 'completed',
      error: null,
      datasetId: 1,
      epochs: 1,
      split: null,
      createdAt: '',
      startedAt: null,
      finishedAt: null,
      config: {},
      bestValRocAuc: null,
      bestValidNll: 4,
      testRocAuc: null,
      checkpoints: Array.from({ length: checkpoints }, (_, i) => ({ id: i + 1, epoch: i + 1, step: 6, sizeBytes: 10, valRocAuc: null, validNll: 4, metrics: {}, createdAt: '' }))
    }
  ]
})
const vctk: TrainingDataset = { id: 2, name: 'v080', kind: 'vctk', clips: 12, tags: 0, speakers: [{ code: 'p225', gender: 'F', accent: null }, { code: 'p226', gender: 'M', accent: null }], importedAt: '' }
const mtat: TrainingDataset = { id: 1, name: 'mtat', kind: 'mtat', clips: 23, tags: 16, speakers: [], importedAt: '' }
const generated = { audio: { path: '/d/generated/a.wav', name: 'a.wav', duration: 0.5, sampleRate: 8000, channels: 1 }, label: 'wavenet p226', modelId: 5, checkpointId: 1, speaker: 'p226', temperature: 1, seed: 0, receptiveField: 17, samplesPerSecond: 4000, realtimeFactor: 0.5 }

beforeEach(() => {
  setActivePinia(createPinia())
  calls.length = 0
  fake = {
    listTrainingDatasets: async () => [mtat, vctk],
    listModels: async () => [wavenet(5, ['p225', 'p226']), wavenet(4, [], 0), { ...wavenet(3, []), kind: 'tagger/dieleman' }],
    listTrainingJobs: async () => [],
    runCurves: async () => ({})
  }
})

describe('generate store', () => {
  it('offers WaveNets with a checkpoint, picks the newest and its first speaker, keeps a speaker the next model has', async () => {
    const training = useTrainingStore()
    const g = useGenerateStore()
    expect(g.problem).toMatch(/^Train a WaveNet first/)
    await training.init()
    expect(g.models.map((m) => m.id)).toEqual([5])
    expect(g.settings.modelId).toBe(5)
    expect(g.settings.speaker).toBe('p225')
    g.settings.speaker = 'p226'
    training.models = [wavenet(6, ['p226', 'p300']), ...training.models]
    g.settings.modelId = 6
    await Promise.resolve()
    expect(g.settings.speaker).toBe('p226')
    training.models = [wavenet(7, ['p300'])]
    await Promise.resolve()
    expect(g.settings.modelId).toBe(7)
    expect(g.settings.speaker).toBe('p300')
  })

  it('starts with the fields, follows progress and ends with the figures; others jobs are ignored', async () => {
    fake.startGeneration = async () => ({ jobId: 'g1' })
    const g = useGenerateStore()
    await useTrainingStore().init()
    g.settings.speaker = 'p226'
    g.settings.seconds = 0.5
    await g.start()
    expect(calls.find((c) => c.method === 'startGeneration')?.req).toEqual({ modelId: 5, speaker: 'p226', seconds: 0.5, temperature: 1, seed: 0 })
    expect(g.running).toBe(true)
    g.progress({ jobId: 'other', step: 9, total: 9 })
    g.progress({ jobId: 'g1', step: 1000, total: 4000, metrics: { samplesPerSecond: 3000, realtimeFactor: 0.375 } })
    expect(g.job).toMatchObject({ step: 1000, total: 4000, samplesPerSecond: 3000, realtimeFactor: 0.375 })
    expect(g.finished({ jobId: 'other', kind: 'generation', status: 'done' })).toBe(false)
    expect(g.finished({ jobId: 'g1', kind: 'generation', status: 'done', generated })).toBe(true)
    expect(g.job).toMatchObject({ status: 'done', step: 4000, total: 4000, samplesPerSecond: 4000, realtimeFactor: 0.5, output: generated })
    expect(g.running).toBe(false)
    // With a project open, the host is asked to put the track in it.
    useLibraryStore().opened('4', 'song')
    fake.startGeneration = async () => ({ jobId: 'g3' })
    await g.start()
    expect(calls.filter((c) => c.method === 'startGeneration').at(-1)?.req).toMatchObject({ modelId: 5, projectId: '4' })
  })

  it("keeps a refusal in the service's one line and starts nothing", async () => {
    fake.startGeneration = async () => {
      throw new Error('temperature 0.5: must be above 0')
    }
    const g = useGenerateStore()
    await useTrainingStore().init()
    await g.start()
    expect(g.error).toBe('temperature 0.5: must be above 0')
    expect(g.job).toBeNull()
  })

  it('applies an end that arrived before the start call returned (a job refused in its worker)', async () => {
    const g = useGenerateStore()
    await useTrainingStore().init()
    fake.startGeneration = async () => {
      expect(g.finished({ jobId: 'g9', kind: 'generation', status: 'failed', error: 'speaker p225: the model was not trained with it' })).toBe(false)
      return { jobId: 'g9' }
    }
    await g.start()
    expect(g.job).toMatchObject({ jobId: 'g9', status: 'failed', error: 'speaker p225: the model was not trained with it' })
    expect(g.running).toBe(false)
  })

  it('cancels its running job through cancelJob', async () => {
    fake.startGeneration = async () => ({ jobId: 'g2' })
    fake.cancelJob = async () => ({ cancelled: true })
    const g = useGenerateStore()
    await useTrainingStore().init()
    await g.start()
    await g.cancel()
    expect(calls.find((c) => c.method === 'cancelJob')?.req).toEqual({ jobId: 'g2' })
    g.finished({ jobId: 'g2', kind: 'generation', status: 'cancelled' })
    expect(g.job?.status).toBe('cancelled')
  })

  it('a generated file becomes a new output track named for its speaker', () => {
    const tracks = useTracksStore()
    const id = tracks.addGenerated(generated.audio, 'wavenet p226')
    const t = tracks.tracks.find((x) => x.id === id)
    expect(t).toMatchObject({ kind: 'output', name: 'wavenet p226 #1', clips: [{ path: '/d/generated/a.wav', duration: 0.5, start: 0 }] })
    expect(t?.render).toBeUndefined()
    expect(tracks.revision).toBe(1)
  })
})

describe('training store: WaveNet family', () => {
  it('chooses each family its own dataset and starts a WaveNet run through startWavenetTraining', async () => {
    fake.startWavenetTraining = async () => ({ jobId: 'w1' })
    const t = useTrainingStore()
    await t.init()
    expect(t.settings.datasetId).toBe(1)
    expect(t.wavenet.datasetId).toBe(2)
    t.family = 'wavenet'
    expect(t.familyDatasets.map((d) => d.id)).toEqual([2])
    t.wavenet.speakers = ['p226']
    t.wavenet.epochs = 1
    await t.start()
    expect(calls.find((c) => c.method === 'startWavenetTraining')?.req).toEqual({ family: 'wavenet', datasetId: 2, preset: 'tiny', condition: 'speaker', epochs: 1, speakers: ['p226'] })
    expect(calls.some((c) => c.method === 'startTraining')).toBe(false)
    expect(t.job && familyOf(t.job.request)).toBe('wavenet')
    t.progress({ jobId: 'w1', step: 2, total: 4, loss: 5.1, metrics: { samplesPerSecond: 900 } })
    expect(t.job).toMatchObject({ step: 2, samplesPerSecond: 900, loss: 5.1 })
    const wavenetOutcome = { runId: 9, modelId: 5, checkpointId: 1, receptiveField: 17, validNll: 4, validBits: 5.8, finalLoss: 4.2, epochs: 1, steps: 4, reason: 'epochs', secondsPerEpoch: 3, samplesPerSecond: 900, speakers: ['p226'] }
    expect(t.finished({ jobId: 'w1', kind: 'training', status: 'done', wavenet: wavenetOutcome })).toBe(true)
    expect(t.job).toMatchObject({ status: 'done', runId: 9, wavenet: wavenetOutcome })
    expect(t.chosenModelId).toBe(5)
  })

  it('a reloaded page follows a running WaveNet job in the WaveNet form', async () => {
    fake.listTrainingJobs = async () => [{ jobId: 'w2', runId: null, startedAt: 0, request: { family: 'wavenet', datasetId: 2, preset: 'tiny', condition: 'none', epochs: 3 } }]
    const t = useTrainingStore()
    await t.init()
    expect(t.family).toBe('wavenet')
    expect(t.running).toBe(true)
    t.$reset()
  })
})
