/**
 * The app's door onto VAE training and pictures (startVaeTraining, vaePicture): an MNIST VAE of 2
 * latents trained one epoch with a small log p(x) estimate, the figures in jobFinished (the KL of
 * each latent too), its curves,
 * its sample grid and latent map as PNG bytes that survive the binary wire; a tiny audio VLAE with
 * its KL per latent; cancel; refusals in one line before any job.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiEvents, EventName, JobFinished, JobProgress, VaePicture, VaeTrainingRequest } from '../../../src-preload/api'
import { decodeWire, encodeWire } from '../../../src-preload/wire'
import { createServices, type Services } from '../../../src-main/api/services'
import { importMnistDataset, importVctkDataset } from '../../../src-main/api/datasets'
import { withLibrary } from '../../../src-main/api/library'
import { closeJobPool } from '../../../src-main/api/jobs'
import { requestSchemas } from '../../../src-main/ipc/schemas'

const root = fileURLToPath(new URL('../../../', import.meta.url))
// The 8 bytes every PNG file starts with; the width and height follow at 16 and 20 (the IHDR chunk).
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10]

describe('VAE training and pictures through the app service', () => {
  let dir: string
  let services: Services
  let mnistId: number
  let vctkId: number
  let mnistModel: number
  const ends: JobFinished[] = []
  const progress: JobProgress[] = []

  /** The end of job `jobId` (it may have ended before its start call returned: every end is kept). */
  async function ended(jobId: string): Promise<JobFinished> {
    await expect.poll(() => ends.some((f) => f.jobId === jobId), { timeout: 170_000, interval: 50 }).toBe(true)
    return ends.find((f) => f.jobId === jobId)!
  }
  const mnist = (over: Partial<VaeTrainingRequest> = {}): VaeTrainingRequest => ({ family: 'vae', preset: 'mnist', datasetId: mnistId, latents: 2, epochs: 1, iwaeK: 20, ...over })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-vae-app-'))
    mnistId = await withLibrary(dir, (lib) => importMnistDataset(lib).datasetId)
    vctkId = await withLibrary(dir, (lib) => importVctkDataset(lib, join(root, 'test', 'fixtures', 'vctk', 'v080')).datasetId)
    services = await createServices({ dataDir: dir, examplesDir: join(root, 'resources', 'examples'), platform: 'web', version: '0' })
    services.events.on(<E extends EventName>(event: E, payload: ApiEvents[E]) => {
      if (event === 'jobFinished') ends.push(payload as JobFinished)
      if (event === 'jobProgress') progress.push(payload as JobProgress)
    })
  })
  afterAll(async () => {
    await services?.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists the MNIST import by its images beside the VCTK import', async () => {
    const list = await services.handlers.listTrainingDatasets()
    expect(list.find((d) => d.id === mnistId)).toMatchObject({ kind: 'mnist', clips: 10_000, tags: 0, speakers: [] })
    expect(list.find((d) => d.id === vctkId)).toMatchObject({ kind: 'vctk' })
  })

  it('refuses in one line before any job: a dataset of the other preset, a missing one, a bad payload, k for the VLAE', async () => {
    const h = services.handlers
    await expect(h.startVaeTraining(mnist({ datasetId: vctkId }))).rejects.toThrow(/^dataset \d+: a vctk dataset; the MNIST VAE trains on MNIST imports \(import-mnist\)$/)
    await expect(h.startVaeTraining(mnist({ preset: 'vlae', datasetId: mnistId, iwaeK: undefined }))).rejects.toThrow(/^dataset \d+: a mnist dataset; the audio VLAE trains on VCTK-format imports \(import-vctk\)$/)
    await expect(h.startVaeTraining(mnist({ datasetId: 99 }))).rejects.toThrow(/^dataset 99: not in the library \(import MNIST \(import-mnist\) first\)$/)
    await expect(h.startVaeTraining(mnist({ preset: 'vlae', datasetId: vctkId }))).rejects.toThrow(/^iwae k: the mnist preset's; the vlae preset does not take it$/)
    expect(requestSchemas.startVaeTraining.safeParse(mnist({ latents: 0 })).success).toBe(false)
    expect(requestSchemas.startVaeTraining.safeParse({ ...mnist(), preset: 'gan' }).success).toBe(false)
    expect(await h.listTrainingJobs()).toEqual([])
  })

  it('trains a 2-latent MNIST VAE one epoch: progress, the figures in jobFinished, the curves', async () => {
    const { jobId } = await services.handlers.startVaeTraining(mnist())
    expect((await services.handlers.listTrainingJobs()).map((j) => j.request)).toEqual([mnist()])
    const end = await ended(jobId)
    expect(end, end.error).toMatchObject({ kind: 'training', status: 'done' })
    const v = end.vae!
    expect(v).toMatchObject({ preset: 'mnist', latents: 2, epochs: 1, reason: 'epochs', k: 20, testElboPerSample: null })
    // The KL of each latent, in closed form on the test images: it sums to the KL term.
    expect(v.klDims).toHaveLength(2)
    expect(v.klDims.reduce((a, b) => a + b, 0)).toBeCloseTo(v.testKl, 3)
    // A Bernoulli decoder over 784 pixels: the ELBO is negative, above the 784 ln 2 = 543 nats of a coin per pixel after an epoch.
    expect(v.testElbo).toBeLessThan(0)
    expect(v.testElbo).toBeGreaterThan(-784 * Math.log(2))
    expect(v.testKl).toBeGreaterThan(0)
    // The importance-weighted bound is at least the ELBO (k = 20 over 2,000 test images).
    expect(v.testIwae!).toBeGreaterThan(v.testElbo)
    expect(progress.some((p) => p.jobId === jobId && (p.metrics?.examplesPerSecond ?? 0) > 0)).toBe(true)
    mnistModel = v.modelId
    // The model list gives its width of z (what the panel offers a latent map for).
    expect((await services.handlers.listModels()).find((m) => m.id === mnistModel)).toMatchObject({ kind: 'vae/mlp', latents: 2 })
    const curves = await services.handlers.runCurves({ runId: v.runId })
    expect(curves.loss!.values.length).toBe(v.steps)
    expect(curves.testElbo!.values[0]).toBeCloseTo(v.testElbo, 3)
    expect(Array.from(curves.testIwae!.values)).toHaveLength(1)
    for (const j of [0, 1]) expect(curves[`kl_${j}`]!.values.at(-1)).toBeCloseTo(v.klDims[j]!, 4)
  }, 180_000)

  it('draws the sample grid and the latent map as PNG bytes that cross the binary wire', async () => {
    const check = (p: VaePicture, tiles: number): void => {
      const wire = decodeWire(encodeWire(p)) as VaePicture
      expect(Object.prototype.toString.call(wire.png)).toBe('[object ArrayBuffer]')
      const bytes = new Uint8Array(wire.png)
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE)
      const view = new DataView(wire.png)
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([p.width, p.height])
      expect(p).toMatchObject({ modelId: mnistModel, tiles })
    }
    check(await services.handlers.vaePicture({ modelId: mnistModel, kind: 'samples', n: 16 }), 16)
    const map = await services.handlers.vaePicture({ modelId: mnistModel, kind: 'map', n: 5 })
    check(map, 25)
    // Five 28-pixel digits a side.
    expect(map.width).toBeGreaterThanOrEqual(5 * 28)
    await expect(services.handlers.vaePicture({ modelId: mnistModel, kind: 'map', n: 40 })).rejects.toThrow(/^n: 40 is not a whole number in 2\.\.32$/)
    await expect(services.handlers.vaePicture({ modelId: 77, kind: 'samples' })).rejects.toThrow(/^model 77: not in the library/)
  }, 60_000)

  it('trains a VLAE of 3 latents on the VCTK fixture: the KL of each latent in the figures and the curves', async () => {
    const { jobId } = await services.handlers.startVaeTraining({ family: 'vae', preset: 'vlae', datasetId: vctkId, latents: 3, epochs: 1 })
    const end = await ended(jobId)
    expect(end, end.error).toMatchObject({ kind: 'training', status: 'done' })
    const v = end.vae!
    expect(v).toMatchObject({ preset: 'vlae', latents: 3, testIwae: null, k: null })
    expect(v.klDims).toHaveLength(3)
    expect((await services.handlers.listModels()).find((m) => m.id === v.modelId)).toMatchObject({ kind: 'vae/vlae', latents: 3 })
    expect(v.testKl).toBeCloseTo(v.klDims.reduce((a, b) => a + b, 0), 6)
    const curves = await services.handlers.runCurves({ runId: v.runId })
    for (const j of [0, 1, 2]) expect(curves[`kl_${j}`]!.values.at(-1)).toBeCloseTo(v.klDims[j]!, 4)
    // Not an image VAE: no pictures.
    await expect(services.handlers.vaePicture({ modelId: v.modelId, kind: 'samples' })).rejects.toThrow(/^model \d+: a vae\/vlae model, not the MNIST VAE \(vae\/mlp; train one with `train-vae --preset mnist`\)$/)
  }, 180_000)

  it('cancels a VAE run through cancelJob', async () => {
    const { jobId } = await services.handlers.startVaeTraining(mnist({ epochs: 500 }))
    await expect.poll(() => progress.some((p) => p.jobId === jobId && p.metrics?.runId !== undefined), { timeout: 60_000 }).toBe(true)
    expect(await services.handlers.cancelJob({ jobId })).toEqual({ cancelled: true })
    expect(await ended(jobId)).toMatchObject({ kind: 'training', status: 'cancelled' })
  }, 120_000)
})
