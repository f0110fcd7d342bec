import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { JobFinished, TrainingDataset, VaePicture } from '../../../src-preload/api'
import { useTrainingStore } from '../../../src-renderer/src/stores/training'
import { useVaePicturesStore } from '../../../src-renderer/src/stores/vae-pictures'
import { installFakeApi, type FakeApi } from './fake-api'

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)
const dataset = (id: number, kind: TrainingDataset['kind']): TrainingDataset => ({ id, name: `d${id}`, kind, clips: 10, tags: 0, speakers: [], importedAt: '' })
// The 8 bytes every PNG file starts with.
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10]

beforeEach(() => {
  setActivePinia(createPinia())
  calls.length = 0
  fake = {
    listTrainingDatasets: async () => [dataset(1, 'mtat'), dataset(2, 'vctk'), dataset(3, 'mnist')],
    listModels: async () => [],
    listTrainingJobs: async () => []
  }
})

describe('training store, VAE family', () => {
  it('picks the dataset of the preset, and another preset brings its own width of z and dataset', async () => {
    const t = useTrainingStore()
    await t.init()
    t.family = 'vae'
    expect(t.vae.datasetId).toBe(3)
    expect(t.familyDatasets.map((d) => d.id)).toEqual([3])
    expect(t.problem).toBeNull()
    t.vae.preset = 'vlae'
    await Promise.resolve()
    expect(t.vae).toMatchObject({ datasetId: 2, latents: 16 })
    expect(t.familyDatasets.map((d) => d.id)).toEqual([2])
  })

  it('starts a VAE run with the fields, follows its examples per second, and keeps the finished figures', async () => {
    fake.startVaeTraining = async () => ({ jobId: 'v1' })
    const t = useTrainingStore()
    await t.init()
    t.family = 'vae'
    Object.assign(t.vae, { latents: 2, epochs: 1, iwaeK: 0 })
    await t.start()
    expect(calls.find((c) => c.method === 'startVaeTraining')?.req).toEqual({ family: 'vae', preset: 'mnist', datasetId: 3, latents: 2, epochs: 1, iwaeK: 0 })
    t.progress({ jobId: 'v1', step: 4, total: 80, phase: 'epoch 1/1', loss: 190, metrics: { examplesPerSecond: 1500, runId: 6 } })
    expect(t.job).toMatchObject({ step: 4, examplesPerSecond: 1500, runId: 6 })
    const vae = { runId: 6, modelId: 2, checkpointId: 8, preset: 'mnist', model: 'm', latents: 2, testElbo: -160, testKl: 4, testReconstruction: -156, testElboPerSample: null, klDims: [], testIwae: null, k: null, epochs: 1, steps: 80, reason: 'epochs', trainingSeconds: 2, examplesPerSecond: 1500 } as const
    const f: JobFinished = { jobId: 'v1', kind: 'training', status: 'done', vae: { ...vae, klDims: [] } }
    fake.runCurves = async () => ({})
    expect(t.finished(f)).toBe(true)
    expect(t.job).toMatchObject({ status: 'done', step: 80, total: 80, vae: { testElbo: -160 } })
    expect(t.chosenModelId).toBe(2)
    t.$reset()
  })
})

describe('VAE pictures store', () => {
  const png = (): ArrayBuffer => Uint8Array.from([...PNG_SIGNATURE, 0, 0]).buffer
  const answer = (over: Partial<VaePicture> = {}): VaePicture => ({ png: png(), modelId: 2, checkpointId: 8, width: 224, height: 224, tiles: 64, ...over })

  it('shows the PNG as an object URL, and revokes it when another picture replaces it', async () => {
    fake.vaePicture = async () => answer()
    const p = useVaePicturesStore()
    await p.draw(2, 'samples')
    expect(calls.at(-1)).toEqual({ method: 'vaePicture', req: { modelId: 2, kind: 'samples' } })
    const first = p.picture!
    expect(first).toMatchObject({ kind: 'samples', width: 224, tiles: 64 })
    expect(first.url).toMatch(/^blob:/)
    const bytes = new Uint8Array(await (await fetch(first.url)).arrayBuffer())
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    fake.vaePicture = async () => answer({ tiles: 400, width: 560 })
    await p.draw(2, 'map', 20)
    expect(calls.at(-1)?.req).toEqual({ modelId: 2, kind: 'map', n: 20 })
    expect(p.picture).toMatchObject({ kind: 'map', tiles: 400 })
    // The first URL no longer resolves: revoked.
    await expect(fetch(first.url)).rejects.toThrow()
    p.$reset()
    expect(p.picture).toBeNull()
  })

  it('keeps the service line when a picture is refused, and drops a superseded reply', async () => {
    fake.vaePicture = async () => {
      throw new Error('model 2: has 20 latents; a latent map needs a 2-latent model (train-vae --latents 2)')
    }
    const p = useVaePicturesStore()
    await p.draw(2, 'map')
    expect(p.error).toBe('model 2: has 20 latents; a latent map needs a 2-latent model (train-vae --latents 2)')
    expect(p.picture).toBeNull()
    let release: (v: VaePicture) => void = () => {}
    fake.vaePicture = () => new Promise<VaePicture>((r) => (release = r))
    const slow = p.draw(2, 'samples')
    fake.vaePicture = async () => answer({ tiles: 16 })
    await p.draw(2, 'samples', 16)
    release(answer({ tiles: 64 }))
    await slow
    expect(p.picture?.tiles).toBe(16)
    expect(p.error).toBeNull()
    expect(p.loading).toBe(false)
  })
})
