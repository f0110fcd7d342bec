import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src-main/api/services'
import { withLibrary } from '../../../src-main/api/library'
import type { Library } from '../../../src-main/library/library'
import { runFolder } from '../../../src-main/library/run-folder'

// Run ids are rowids: the newest run's id comes back after its deletion, and must not inherit its folder.
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

  it('deleting a run removes its whole folder, temporary folders included; the next run gets the id and an empty folder', async () => {
    const modelId = await lib((l) => l.models.create({ name: 'm', kind: 'tagger/dieleman' }))
    const runId = await trainedRun(modelId)
    const out = await services.handlers.deleteRun({ id: runId })
    expect(out).toEqual({ deleted: true, filesRemoved: 1, fileNotes: [] })
    expect(existsSync(runFolder(dir, runId))).toBe(false)
    expect(await lib((l) => l.runs.createForTraining({ modelId }))).toBe(runId)
    expect(await lib((l) => l.integrityCheck())).toBe('ok')
  })

  it('a folder a deleted run left (another process, a failed removal) is cleared when a training run gets its id again', async () => {
    const modelId = await lib((l) => l.models.create({ name: 'n', kind: 'tagger/dieleman' }))
    const runId = await trainedRun(modelId)
    // Deleted as an older build did: the rows only.
    await lib((l) => l.runs.remove(runId))
    expect(await lib((l) => l.runs.createForTraining({ modelId }))).toBe(runId)
    expect(existsSync(runFolder(dir, runId))).toBe(false)
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
