import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createModelLibraryService, type ModelLibraryService } from '../../../src-main/api/model-library'
import { createEventHub } from '../../../src-main/api/services'
import { Library } from '../../../src-main/library/library'
import type { JobPool } from '../../../src-main/jobs/pool'
import { checkpointReadOf, isOfFamily } from '../../../src-main/jobs/checkpoint-reads'
import { WAVENET_ARCH } from '../../../src-main/engine/train/wavenet'
import type { TestKinds } from '../../fixtures/jobs/test-kinds'
import { firstProgress, rejection, testPool } from '../jobs/helpers'

// A real pool of one worker, kept busy by a job that holds it: the jobs queued behind it are this
// process's jobs that will read a checkpoint, as the pool lists them (queued and running alike).
describe('deleting a checkpoint, its run or its model while a job of this process reads it', () => {
  let dir: string
  let lib: Library
  let pool: JobPool<TestKinds>
  let service: ModelLibraryService['handlers']
  let holder: { id: string; result: Promise<unknown> }

  /** A model with one completed run and `n` checkpoint folders; the ids. */
  const seed = async (name: string, n: number, kind = 'wavenet'): Promise<{ modelId: number; runId: number; checkpoints: { id: number; path: string }[] }> => {
    const modelId = lib.models.create({ name, kind })
    const runId = lib.runs.create({ modelId })
    lib.runs.setStatus(runId, 'completed')
    const checkpoints: { id: number; path: string }[] = []
    for (let i = 1; i <= n; i++) {
      const path = join(dir, 'checkpoints', `run-${runId}`, `epoch-00${i}`)
      await mkdir(path, { recursive: true })
      await writeFile(join(path, 'model.json'), '{}')
      checkpoints.push({ id: lib.checkpoints.add({ runId, path, step: i }), path })
    }
    return { modelId, runId, checkpoints }
  }
  const generation = (ref: { modelId?: number; checkpointId?: number }): { id: string; result: Promise<unknown> } =>
    pool.run('generateWavenet', { dataDir: dir, ...ref, outs: [join(dir, 'out.wav')], seconds: 1, temperature: 1, seed: 1, naive: false })
  /** Cancels a queued job (at once: it never reached a worker) and waits for it to settle. */
  const cancel = async (job: { id: string; result: Promise<unknown> }): Promise<void> => {
    pool.cancel(job.id)
    await rejection(job.result)
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-ckpt-readers-'))
    lib = Library.open(dir)
    pool = testPool({ size: 1 })
    service = createModelLibraryService({ dataDir: dir, library: lib, events: createEventHub(), trainingRunIds: async () => [], checkpointJobs: () => pool.checkpointReads() }).handlers
    holder = pool.run('hold', {})
    await firstProgress(pool, holder.id)
  })
  afterAll(async () => {
    pool.cancel(holder.id)
    await rejection(holder.result)
    await pool.close()
    lib.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('a generation reading a checkpoint by id: the checkpoint, its run and its model are refused in one line; after it ends they go', async () => {
    const { modelId, runId, checkpoints } = await seed('by id', 2)
    const [read, other] = checkpoints
    const job = generation({ modelId, checkpointId: read!.id })
    const before = lib.snapshot()
    const line = `is read by a queued generateWavenet job (${job.id}); wait for it to end or cancel it first`
    await expect(service.deleteCheckpoint({ id: read!.id })).rejects.toThrow(`checkpoint ${read!.id}: checkpoint ${read!.id} ${line}`)
    await expect(service.deleteRun({ id: runId })).rejects.toThrow(`run ${runId}: checkpoint ${read!.id} ${line}`)
    await expect(service.deleteModel({ id: modelId })).rejects.toThrow(`model ${modelId}: checkpoint ${read!.id} ${line}`)
    expect(lib.snapshot()).toEqual(before)
    // Another checkpoint of the same model is not the one read.
    expect(await service.deleteCheckpoint({ id: other!.id })).toMatchObject({ deleted: true })
    await cancel(job)
    expect(await service.deleteModel({ id: modelId })).toMatchObject({ deleted: true })
  })

  it('a job reading a model by id (its best checkpoint, chosen in the worker) holds every checkpoint of that model', async () => {
    const { modelId, checkpoints } = await seed('by model', 2)
    const unrelated = await seed('unrelated', 1)
    const job = pool.run('decodeLatent', { dataDir: dir, modelId, checkpointId: checkpoints[1]!.id, z: [0], seconds: 1, temperature: 1, seed: 1, out: join(dir, 'z.wav') })
    const byModel = pool.run('latentCode', { dataDir: dir, modelId })
    await expect(service.deleteCheckpoint({ id: checkpoints[1]!.id })).rejects.toThrow(`checkpoint ${checkpoints[1]!.id}: checkpoint ${checkpoints[1]!.id} is read by a queued decodeLatent job (${job.id})`)
    await expect(service.deleteCheckpoint({ id: checkpoints[0]!.id })).rejects.toThrow(
      `checkpoint ${checkpoints[0]!.id}: a queued latentCode job (${byModel.id}) reads model ${modelId}'s best checkpoint (checkpoint ${checkpoints[0]!.id} may be it); wait for it to end or cancel it first`
    )
    expect(await service.deleteModel({ id: unrelated.modelId })).toMatchObject({ deleted: true })
    await cancel(job)
    await cancel(byModel)
    expect(await service.deleteCheckpoint({ id: checkpoints[0]!.id })).toMatchObject({ deleted: true })
  })

  it('a render by a trained model (stylize) and a training resumed from a checkpoint folder are readers too', async () => {
    const a = await seed('style model', 1)
    const b = await seed('resumed', 1)
    const render = pool.run('stylize', { contentPath: '/c.wav', stylePath: '/s.wav', options: { method: 'wavenet', checkpoint: a.checkpoints[0]!.id } })
    const resume = pool.run('trainWavenet', { dataDir: dir, datasetId: 1, targets: 256, epochs: 1, batch: 1, learningRate: 1e-3, seed: 1, patience: 1, sampleRate: 8000, resume: b.checkpoints[0]!.path })
    await expect(service.deleteModel({ id: a.modelId })).rejects.toThrow(`is read by a queued stylize job (${render.id})`)
    await expect(service.deleteRun({ id: b.runId })).rejects.toThrow(`run ${b.runId}: checkpoint ${b.checkpoints[0]!.id} is read by a queued trainWavenet job (${resume.id})`)
    await cancel(render)
    await cancel(resume)
    expect(await service.deleteModel({ id: a.modelId })).toMatchObject({ deleted: true })
    expect(await service.deleteRun({ id: b.runId })).toMatchObject({ deleted: true })
  })
  it('a job that names no model reads its family\'s first one (tag: the newest tagger; generate: the first WaveNet): that model is held, the others not', async () => {
    const older = await seed('older tagger', 1, 'tagger/dieleman')
    const newer = await seed('newer tagger', 1, 'tagger/samplecnn')
    const wavenet = await seed('a wavenet', 1, WAVENET_ARCH)
    // The worker's choice for a reference with no ids (model-ref), with this library as it is.
    const firstTagger = lib.models.list().find((m) => m.kind.startsWith('tagger/'))!.id
    const read = firstTagger === newer.modelId ? newer : older
    const free = read === newer ? older : newer
    const tag = pool.run('tagAudio', { dataDir: dir, path: join(dir, 'song.wav'), top: 5 })
    const gen = generation({})
    await expect(service.deleteModel({ id: read.modelId })).rejects.toThrow(
      `model ${read.modelId}: a queued tagAudio job (${tag.id}) reads model ${read.modelId}'s best checkpoint (checkpoint ${read.checkpoints[0]!.id} may be it); wait for it to end or cancel it first`
    )
    await expect(service.deleteCheckpoint({ id: read.checkpoints[0]!.id })).rejects.toThrow(`a queued tagAudio job (${tag.id}) reads model ${read.modelId}`)
    await expect(service.deleteModel({ id: wavenet.modelId })).rejects.toThrow(`a queued generateWavenet job (${gen.id}) reads model ${wavenet.modelId}`)
    expect(await service.deleteModel({ id: free.modelId })).toMatchObject({ deleted: true })
    await cancel(tag)
    await cancel(gen)
    expect(await service.deleteModel({ id: read.modelId })).toMatchObject({ deleted: true })
    expect(await service.deleteModel({ id: wavenet.modelId })).toMatchObject({ deleted: true })
  })
})

describe('checkpointReadOf', () => {
  it('names what each kind reads, and nothing for kinds that read no checkpoint', () => {
    expect(checkpointReadOf('tagAudio', { dataDir: '/d', modelId: 3, path: '/a.wav', top: 5 })).toEqual({ modelId: 3 })
    expect(checkpointReadOf('trainVae', { resume: '12' })).toEqual({ checkpointId: 12 })
    expect(checkpointReadOf('trainVae', { dataDir: '/d' })).toBeUndefined()
    expect(checkpointReadOf('stylize', { options: { method: 'texture' } })).toBeUndefined()
    expect(checkpointReadOf('griffinLim', { modelId: 1 })).toBeUndefined()
    expect(checkpointReadOf('hold', {})).toBeUndefined()
  })

  it('a reference with no ids reads the first model of the family the kind loads, decided as the worker decides it', () => {
    expect(checkpointReadOf('tagAudio', { dataDir: '/d', path: '/a.wav', top: 5 })).toEqual({ firstOf: 'tagger' })
    expect(checkpointReadOf('exportModel', { dataDir: '/d', out: '/x' })).toEqual({ firstOf: 'tagger' })
    expect(checkpointReadOf('generateWavenet', { dataDir: '/d', outs: ['/o.wav'] })).toEqual({ firstOf: 'wavenet' })
    expect(checkpointReadOf('stylize', { options: { method: 'activation' } })).toEqual({ firstOf: 'tagger' })
    expect(checkpointReadOf('stylize', { options: { method: 'wavenet' } })).toEqual({ firstOf: 'wavenet' })
    expect(isOfFamily(WAVENET_ARCH, 'wavenet')).toBe(true)
    expect(isOfFamily('tagger/samplecnn', 'tagger')).toBe(true)
    expect(isOfFamily(WAVENET_ARCH, 'tagger')).toBe(false)
  })
})
