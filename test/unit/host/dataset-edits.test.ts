import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NAME_MAX_CHARS, type LibraryChange } from '../../../src-preload/api'
import { createServices, createEventHub, type Services } from '../../../src-main/api/services'
import { createModelLibraryService } from '../../../src-main/api/model-library'
import { withLibrary } from '../../../src-main/api/library'
import type { Library } from '../../../src-main/library/library'
import { requestSchemas } from '../../../src-main/ipc/schemas'

const root = fileURLToPath(new URL('../../../', import.meta.url))

describe('dataset rename and delete (library rows only, never the folder)', () => {
  let dir: string
  let services: Services
  const changes: LibraryChange[] = []
  const lib = <T>(fn: (l: Library) => T): Promise<T> => withLibrary(dir, fn)
  const snapshot = (): Promise<Record<string, unknown[]>> => lib((l) => l.snapshot())

  /** A VCTK-like dataset whose folder holds one real file: two speakers, two clips (one tagged `own`, one `shared`). */
  const seed = async (name: string, folder: string): Promise<{ id: number; root: string }> => {
    const rootPath = join(dir, folder)
    await mkdir(join(rootPath, 'wav48'), { recursive: true })
    await writeFile(join(rootPath, 'wav48', 'p225_001.wav'), 'RIFF audio bytes')
    const id = await lib((l) =>
      l.transaction(() => {
        const d = l.datasets.upsert({ kind: 'vctk', name, rootPath })
        const spk = l.speakers.upsert(d, { code: `p${d}`, age: 23, gender: 'F', accent: 'English', region: null, comment: null })
        const a = l.clips.upsert(d, { sourceKey: 'p225_001', path: join(rootPath, 'wav48', 'p225_001.wav'), missing: false, durationS: 2, sampleRate: 48000, speakerId: spk })
        const b = l.clips.upsert(d, { sourceKey: 'p225_002', path: join(rootPath, 'wav48', 'p225_002.wav'), missing: true, durationS: null, sampleRate: null })
        l.tags.link(a, l.tags.ensure(`own-${folder}`))
        l.tags.link(b, l.tags.ensure('shared'))
        return d
      })
    )
    return { id, root: rootPath }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-dataset-edits-'))
    services = await createServices({ dataDir: dir, examplesDir: join(root, 'resources', 'examples'), platform: 'web', version: '0' })
    services.events.on((event, payload) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('renames a dataset and says so on the event stream; a taken name (any case), an empty or too long one and an unknown id are refused in one line', async () => {
    const a = await seed('VCTK', 'vctk-a')
    const b = await seed('VCTK 2', 'vctk-b')
    changes.length = 0
    expect(await services.handlers.renameDataset({ id: a.id, name: '  Voices ' })).toEqual({ id: a.id, name: 'Voices' })
    expect(changes).toEqual([{ kind: 'dataset', id: String(a.id) }])
    expect((await services.handlers.listLibraryDatasets()).find((d) => d.id === a.id)?.name).toBe('Voices')
    const before = await snapshot()
    await expect(services.handlers.renameDataset({ id: b.id, name: 'VOICES' })).rejects.toThrow(`dataset name: "VOICES" is taken by dataset ${a.id}`)
    await expect(services.handlers.renameDataset({ id: b.id, name: '   ' })).rejects.toThrow('dataset name: empty')
    await expect(services.handlers.renameDataset({ id: b.id, name: 'x'.repeat(NAME_MAX_CHARS + 1) })).rejects.toThrow(`dataset name: ${NAME_MAX_CHARS + 1} characters, at most ${NAME_MAX_CHARS}`)
    await expect(services.handlers.renameDataset({ id: 9999, name: 'x' })).rejects.toThrow('dataset 9999: not in the library')
    expect(await snapshot()).toEqual(before)
    // The longest name the import form's input allows is one the library takes.
    expect((await services.handlers.renameDataset({ id: b.id, name: 'y'.repeat(NAME_MAX_CHARS) })).name).toHaveLength(NAME_MAX_CHARS)
  })

  it("deletes a dataset's clips, speakers and its own tags in one commit; runs and models trained on it stay, unlinked; its folder is untouched", async () => {
    const keep = await seed('Kept', 'vctk-keep')
    const gone = await seed('Gone', 'vctk-gone')
    const { modelId, runId } = await lib((l) => {
      const modelId = l.models.create({ name: 'trained on Gone', kind: 'wavenet' })
      const runId = l.runs.create({ modelId, datasetId: gone.id })
      l.runs.setStatus(runId, 'running')
      l.runs.setStatus(runId, 'completed')
      return { modelId, runId }
    })
    const file = join(gone.root, 'wav48', 'p225_001.wav')
    changes.length = 0
    expect(await services.handlers.deleteDataset({ id: gone.id })).toEqual({ deleted: true, clipsRemoved: 2, runsKept: 1, rootPath: gone.root })
    expect(changes).toEqual([{ kind: 'dataset', id: String(gone.id) }])
    expect(readFileSync(file, 'utf8')).toBe('RIFF audio bytes')
    const listed = await services.handlers.listLibraryDatasets()
    expect(listed.map((d) => d.id)).not.toContain(gone.id)
    expect(listed.find((d) => d.id === keep.id)).toMatchObject({ clips: 2, missing: 1 })
    await lib((l) => {
      expect(l.clips.count({ datasetId: gone.id })).toBe(0)
      expect(l.speakers.list({ datasetId: gone.id })).toEqual([])
      expect(l.tags.resolve('own-vctk-gone')).toBeUndefined()
      // A tag another dataset's clip still carries stays.
      expect(l.tags.resolve('shared')).toBeDefined()
      expect(l.tags.resolve('own-vctk-keep')).toBeDefined()
      expect(l.runs.get(runId)).toMatchObject({ modelId, datasetId: null, status: 'completed' })
      expect(l.models.get(modelId)?.name).toBe('trained on Gone')
      expect(l.integrityCheck()).toBe('ok')
    })
    await expect(services.handlers.deleteDataset({ id: gone.id })).rejects.toThrow(`dataset ${gone.id}: not in the library`)
  })

  it('refuses to delete a dataset a run is training on (recorded by another process, or a job of this app), changing nothing', async () => {
    const d = await seed('Training', 'vctk-training')
    const runId = await lib((l) => {
      const run = l.runs.create({ modelId: l.models.create({ name: 'busy', kind: 'wavenet' }), datasetId: d.id })
      l.runs.setStatus(run, 'running')
      return run
    })
    const before = await snapshot()
    await expect(services.handlers.deleteDataset({ id: d.id })).rejects.toThrow(`dataset ${d.id}: run ${runId} is training on it (recorded as running); stop it first`)
    expect(await snapshot()).toEqual(before)
    await lib((l) => l.runs.setStatus(runId, 'stopped'))

    // A training job of this app that has not created its run yet reads the dataset all the same.
    const other = await seed('Job', 'vctk-job')
    await lib(async (l) => {
      const service = createModelLibraryService({ dataDir: dir, library: l, events: createEventHub(), trainingRunIds: async () => [null], trainingDatasetIds: async () => [other.id] })
      await expect(service.handlers.deleteDataset({ id: other.id })).rejects.toThrow(`dataset ${other.id}: a training job of this app is reading it; stop it first`)
      expect(l.datasets.get(other.id)).toBeDefined()
    })
    expect(await services.handlers.deleteDataset({ id: d.id })).toMatchObject({ deleted: true, runsKept: 1 })
    expect(existsSync(d.root)).toBe(true)
  })

  it('refuses to delete a GloVe set a model is conditioned on (its generation reads the set by id) or a run trains with (--glove), changing nothing', async () => {
    const glovePath = join(dir, 'glove.6B.50d.txt')
    await writeFile(glovePath, 'the 0.1 0.2\n')
    const { gloveId, modelId, runId } = await lib((l) => {
      const gloveId = l.datasets.upsert({ kind: 'glove', name: 'GloVe 50d', rootPath: glovePath, meta: { dim: 2 } })
      const voices = l.datasets.upsert({ kind: 'vctk', name: 'GloVe voices', rootPath: join(dir, 'vctk-glove') })
      const modelId = l.models.create({ name: 'words', kind: 'wavenet/mulaw', config: { vector: { kind: 'glove', width: 2, gloveId, dim: 2, from: 'transcript' } } })
      const runId = l.runs.create({ modelId: l.models.create({ name: 'training with words', kind: 'wavenet/mulaw' }), datasetId: voices, config: { glove: gloveId } })
      l.runs.setStatus(runId, 'running')
      return { gloveId, modelId, runId }
    })
    const before = await snapshot()
    await expect(services.handlers.deleteDataset({ id: gloveId })).rejects.toThrow(`dataset ${gloveId}: run ${runId} is training on it (recorded as running); stop it first`)
    await lib((l) => l.runs.setStatus(runId, 'stopped'))
    await expect(services.handlers.deleteDataset({ id: gloveId })).rejects.toThrow(
      `dataset ${gloveId}: model ${modelId} ("words") is conditioned on its GloVe vectors and reads them to generate from words; delete the model first`
    )
    expect((await snapshot()).datasets).toEqual(before.datasets)
    await services.handlers.deleteModel({ id: modelId })
    expect(await services.handlers.deleteDataset({ id: gloveId })).toMatchObject({ deleted: true })
  })

  it('importing a removed dataset\'s folder again links the runs it kept back to it (new ids: never given twice), and only that folder', async () => {
    const d = await seed('Relink', 'vctk-relink')
    const runId = await lib((l) => {
      const run = l.runs.create({ modelId: l.models.create({ name: 'trained on relink', kind: 'wavenet' }), datasetId: d.id, config: { epochs: 3 } })
      l.runs.setStatus(run, 'completed')
      return run
    })
    expect(await services.handlers.deleteDataset({ id: d.id })).toMatchObject({ deleted: true, runsKept: 1 })
    const unlinked = await lib((l) => l.runs.get(runId)!)
    expect([unlinked.datasetId, unlinked.config.unlinkedDataset]).toEqual([null, { kind: 'vctk', rootPath: d.root }])
    // Another folder, or the same folder as another kind, is not it.
    await lib((l) => l.datasets.upsert({ kind: 'vctk', name: 'elsewhere', rootPath: join(dir, 'vctk-elsewhere') }))
    await lib((l) => l.datasets.upsert({ kind: 'mtat', name: 'same folder, other kind', rootPath: d.root }))
    expect(await lib((l) => l.runs.get(runId)!.datasetId)).toBeNull()
    const again = await lib((l) => l.datasets.upsert({ kind: 'vctk', name: 'Relink', rootPath: d.root }))
    expect(again).not.toBe(d.id)
    const linked = await lib((l) => l.runs.get(runId)!)
    expect([linked.datasetId, linked.config]).toEqual([again, { epochs: 3 }])
  })

  it('the contract bounds both payloads at the door', () => {
    expect(requestSchemas.renameDataset.safeParse({ id: 1, name: 'ok' }).success).toBe(true)
    expect(requestSchemas.renameDataset.safeParse({ id: 0, name: 'ok' }).success).toBe(false)
    expect(requestSchemas.deleteDataset.safeParse({ id: 3 }).success).toBe(true)
    expect(requestSchemas.deleteDataset.safeParse({ id: 3, folder: true }).success).toBe(false)
  })
})
