import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src-main/api/services'
import { withLibrary } from '../../../src-main/api/library'
import type { Library } from '../../../src-main/library/library'
import { runFolder } from '../../../src-main/library/run-folder'

// Run ids are never given twice (AUTOINCREMENT, schema v7), yet a run's folder may already be there:
// an id deleted before a library reached v7 comes back once, and a folder can be left or copied in.
describe('a run folder after the newest run is deleted', () => {
  let dir: string
  let services: Services
  const lib = <T>(fn: (l: Library) => T): Promise<T> => withLibrary(dir, fn)

  /** A run of model `modelId` with one checkpoint folder in its run folder and a killed save's temporary folder. */
  const trainedRun = async (modelId: number): Promise<number> => {
    const runId = await lib((l) => l.runs.createForTraining({ modelId }))
    const ckpt = join(runFolder(dir, runId), 'epoch-001')
    await mkdir(ckpt, { recursive: true })
    await writeFile(join(ckpt, 'model.json'), '{}')
    await mkdir(join(runFolder(dir, runId), '.epoch-002.tmp-123'))
    await writeFile(join(runFolder(dir, runId), '.epoch-002.tmp-123', 'weights.bin'), 'half')
    await lib((l) => {
      l.runs.setStatus(runId, 'completed')
      l.checkpoints.add({ runId, path: ckpt, step: 1, metrics: { epoch: 1 } })
    })
    return runId
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-run-folders-'))
    services = await createServices({ dataDir: dir, examplesDir: join(dir, 'examples'), platform: 'web', version: '0' })
  })
  afterAll(async () => {
    await services?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('deleting a run removes its whole folder, temporary folders included; the next run gets a new id', async () => {
    const modelId = await lib((l) => l.models.create({ name: 'm', kind: 'tagger/dieleman' }))
    const runId = await trainedRun(modelId)
    const out = await services.handlers.deleteRun({ id: runId })
    expect(out).toEqual({ deleted: true, filesRemoved: 1, fileNotes: [] })
    expect(existsSync(runFolder(dir, runId))).toBe(false)
    expect(await lib((l) => l.runs.createForTraining({ modelId }))).toBe(runId + 1)
    expect(await lib((l) => l.integrityCheck())).toBe('ok')
  })

  it('a folder no row points into, left at the id a training run gets (a run deleted before schema v7), is cleared', async () => {
    const modelId = await lib((l) => l.models.create({ name: 'n', kind: 'tagger/dieleman' }))
    const runId = await trainedRun(modelId)
    const next = runId + 1
    // What a deleted run of that id left before its id could no longer come back: files of no row.
    await mkdir(join(runFolder(dir, next), '.epoch-004.tmp-9'), { recursive: true })
    await writeFile(join(runFolder(dir, next), 'stale.bin'), 'old')
    expect(await lib((l) => l.runs.createForTraining({ modelId }))).toBe(next)
    expect(existsSync(runFolder(dir, next))).toBe(false)
    expect(existsSync(runFolder(dir, runId))).toBe(true)
  })

  it('a folder a checkpoint row of another run points into is refused in one line, and no run is recorded', async () => {
    const modelId = await lib((l) => l.models.create({ name: 'o', kind: 'tagger/dieleman' }))
    const other = await lib((l) => l.runs.create({ modelId }))
    const next = other + 1
    const foreign = join(runFolder(dir, next), 'epoch-001')
    await mkdir(foreign, { recursive: true })
    await lib((l) => l.checkpoints.add({ runId: other, path: foreign, step: 1, metrics: {} }))
    const runs = await lib((l) => l.runs.list().length)
    await expect(lib((l) => l.runs.createForTraining({ modelId }))).rejects.toThrow(`run ${next}: ${runFolder(dir, next)} holds checkpoint `)
    expect(await lib((l) => l.runs.list().length)).toBe(runs)
    expect(await readdir(runFolder(dir, next))).toEqual(['epoch-001'])
  })
})
