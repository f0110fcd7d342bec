import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope, ModelSummary, RunCurves } from '../../../src-preload/api'
import { decodeWire, encodeWire } from '../../../src-preload/wire'
import { createServices, type Services } from '../../../src-main/api/services'
import { startHost, type Host } from '../../../src-main/host/server'
import { Library } from '../../../src-main/library/library'

// The web door of the training methods, over a run recorded the way the training job records one.
describe('web host: training methods', () => {
  let dir: string
  let services: Services
  let host: Host
  let runId: number

  const call = async (method: string, req: unknown, json = false): Promise<{ status: number; envelope: Envelope }> => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': json ? 'application/json' : 'application/octet-stream', 'X-EB-Token': host.token },
      body: json ? JSON.stringify(req) : encodeWire(req)
    })
    const body = new Uint8Array(await res.arrayBuffer())
    return { status: res.status, envelope: (json ? JSON.parse(new TextDecoder().decode(body)) : decodeWire(body)) as Envelope }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-training-host-'))
    const data = join(dir, 'data')
    const lib = Library.open(data)
    const modelId = lib.models.create({ name: 'dieleman tagger on fixture', kind: 'tagger/dieleman', config: { arch: 'dieleman', tags: ['piano', 'fast'] } })
    runId = lib.runs.create({ modelId, config: { epochs: 2, split: 'shuffled 95/5 split' } })
    lib.runs.setStatus(runId, 'running')
    for (let step = 1; step <= 4; step++) lib.runs.addMetrics(runId, step, { loss: 1 / step })
    lib.runs.addMetrics(runId, 2, { epochLoss: 0.75, valRocAuc: 0.8 })
    lib.runs.addMetrics(runId, 4, { epochLoss: 0.3, valRocAuc: 0.9 })
    lib.checkpoints.add({ runId, path: join(data, 'checkpoints', 'e1'), step: 2, metrics: { epoch: 1, valRocAuc: 0.8 }, sizeBytes: 2048 })
    lib.checkpoints.add({ runId, path: join(data, 'checkpoints', 'e2'), step: 4, metrics: { epoch: 2, valRocAuc: 0.9, testRocAuc: 0.85 }, sizeBytes: 2048 })
    lib.runs.setStatus(runId, 'completed')
    lib.close()
    const rendererDir = join(dir, 'renderer')
    await mkdir(rendererDir)
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>EB</title>')
    services = await createServices({ dataDir: data, examplesDir: join(dir, 'examples'), platform: 'web', version: '0' })
    host = await startHost({ services, rendererDir, port: 0 })
  })
  afterAll(async () => {
    await host?.close()
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists models with runs, their best validation ROC-AUC and their checkpoints', async () => {
    const { status, envelope } = await call('listModels', undefined)
    expect(status).toBe(200)
    const [m] = (envelope as { value: ModelSummary[] }).value
    expect(m).toMatchObject({ kind: 'tagger/dieleman', tags: ['piano', 'fast'] })
    expect(m!.runs[0]).toMatchObject({ id: runId, status: 'completed', epochs: 2, split: 'shuffled 95/5 split', bestValRocAuc: 0.9, testRocAuc: 0.85 })
    expect(m!.runs[0]!.checkpoints.map((c) => [c.epoch, c.sizeBytes, c.valRocAuc])).toEqual([
      [2, 2048, 0.9],
      [1, 2048, 0.8]
    ])
  })

  it('sends curves as binary Float32Arrays (and as number lists to JSON clients)', async () => {
    const curves = ((await call('runCurves', { runId })).envelope as { value: RunCurves }).value
    expect(curves.loss!.steps).toBeInstanceOf(Float32Array)
    expect(Array.from(curves.loss!.steps)).toEqual([1, 2, 3, 4])
    expect(Array.from(curves.loss!.values)).toEqual([1, 0.5, 1 / 3, 0.25].map(Math.fround))
    expect(Array.from(curves.valRocAuc!.values)).toEqual([0.8, 0.9].map(Math.fround))
    const json = (await call('runCurves', { runId }, true)).envelope as { value: Record<string, { steps: number[] }> }
    expect(json.value.epochLoss!.steps).toEqual([2, 4])
  })

  it('refuses bad payloads with 400 and a missing run with 422', async () => {
    expect(await call('runCurves', { runId: 'all' })).toMatchObject({ status: 400, envelope: { ok: false, code: 'invalid' } })
    expect(await call('startTraining', { datasetId: 1, arch: 'dieleman', split: 'shuffled', epochs: 2, batch: 4, top: 5, dataDir: '/' })).toMatchObject({ status: 400 })
    expect(await call('runCurves', { runId: 404 })).toEqual({ status: 422, envelope: { ok: false, code: 'user', error: 'run 404: not in the library' } })
    expect(await call('listTrainingDatasets', undefined)).toEqual({ status: 200, envelope: { ok: true, value: [] } })
  })
})
