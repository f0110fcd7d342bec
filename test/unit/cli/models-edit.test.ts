import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../../src-main/api/library'
import { runCliInProcess } from './run-cli'

describe('cli models: rename and remove a model, run or checkpoint (the library view\'s edits)', () => {
  let dir: string
  const ids = { a: 0, b: 0, runA: 0, runB: 0, ckA: 0, ckB: 0 }
  const integrity = (): Promise<string> => withLibrary(dir, (l) => l.integrityCheck())

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-cli-models-'))
    for (const n of ['a1', 'b1']) {
      await mkdir(join(dir, 'models', n), { recursive: true })
      await writeFile(join(dir, 'models', n, 'model.json'), '{}')
    }
    await withLibrary(dir, (l) => {
      ids.a = l.models.create({ name: 'Alpha', kind: 'tagger/dieleman' })
      ids.b = l.models.create({ name: 'Beta', kind: 'tagger/dieleman' })
      ids.runA = l.runs.create({ modelId: ids.a })
      l.runs.setStatus(ids.runA, 'completed')
      ids.runB = l.runs.create({ modelId: ids.b })
      l.runs.setStatus(ids.runB, 'running')
      ids.ckA = l.checkpoints.add({ runId: ids.runA, path: join(dir, 'models', 'a1'), step: 1 })
      ids.ckB = l.checkpoints.add({ runId: ids.runB, path: join(dir, 'models', 'b1'), step: 1 })
    })
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('renames; a taken name and a bad id are refused in one line', async () => {
    const ok = await runCliInProcess('models', 'rename', String(ids.a), '--name', 'Warm', '--data-dir', dir)
    expect([ok.code, ok.stdout.trim()]).toEqual([0, `model ${ids.a} renamed "Warm"`])
    const taken = await runCliInProcess('models', 'rename', String(ids.b), '--name', 'WARM', '--data-dir', dir)
    expect(taken.code).not.toBe(0)
    expect(taken.errorLines).toEqual([`error: model name: "WARM" is taken by model ${ids.a}`])
    const bad = await runCliInProcess('models', 'rm', 'x1', '--data-dir', dir)
    expect(bad.code).not.toBe(0)
    expect(bad.errorLines[0]).toContain('models rm: "x1" is not a model id')
    expect(await integrity()).toBe('ok')
  })

  it('refuses to remove what is still training; removes a run with its checkpoint folder', async () => {
    const live = await runCliInProcess('models', 'rm-checkpoint', String(ids.ckB), '--data-dir', dir)
    expect(live.code).not.toBe(0)
    expect(live.errorLines).toEqual([`error: checkpoint ${ids.ckB}: run ${ids.runB} is still training (recorded as running); stop it first`])
    expect(existsSync(join(dir, 'models', 'b1'))).toBe(true)
    const run = await runCliInProcess('models', 'rm-run', String(ids.runA), '--data-dir', dir)
    expect([run.code, run.stdout.trim()]).toEqual([0, `removed run ${ids.runA} (1 checkpoint folder removed)`])
    expect(existsSync(join(dir, 'models', 'a1'))).toBe(false)
    expect(await withLibrary(dir, (l) => [l.runs.get(ids.runA), l.models.get(ids.a)?.name])).toEqual([undefined, 'Warm'])
    expect(await integrity()).toBe('ok')
  })
})
