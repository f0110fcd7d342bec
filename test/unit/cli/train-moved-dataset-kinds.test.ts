import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../../src-main/api/library'
import { closeJobPool } from '../../../src-main/api/jobs'
import { runCliInProcess } from './run-cli'

describe('train-wavenet, the VAE and the VLAE on a dataset whose folder moved', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-train-moved-kinds-'))
    await withLibrary(dir, (l) => {
      const v = l.datasets.upsert({ kind: 'vctk', name: 'Voices', rootPath: join(dir, 'vctk-was-here') })
      l.clips.upsert(v, { sourceKey: 'p1_001', path: join(dir, 'vctk-was-here', 'p1_001.wav'), missing: false, durationS: 1, sampleRate: 16000 })
      l.datasets.upsert({ kind: 'mnist', name: 'Digits', rootPath: join(dir, 'mnist-was-here') })
    })
  })
  afterAll(async () => {
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  const cases: [string, string[], number][] = [
    ['train-wavenet', ['train-wavenet', '--dataset', '1', '--epochs', '1'], 1],
    ['train-vae --preset vlae', ['train-vae', '--preset', 'vlae', '--dataset', '1', '--epochs', '1'], 1],
    ['train-vae', ['train-vae', '--dataset', '2', '--epochs', '1'], 2]
  ]
  it.each(cases)('%s is refused in one line naming the folder, before any model or run is written', async (_label, args, id) => {
    const r = await runCliInProcess(...args, '--data-dir', dir)
    const folder = join(dir, id === 1 ? 'vctk-was-here' : 'mnist-was-here')
    expect([r.code, r.errorLines]).toEqual([1, [`error: dataset ${id}: its folder ${folder} is gone (moved?); import it again from where it is now`]])
    const after = await withLibrary(dir, (l) => ({ models: l.models.list().length, runs: l.runs.list().length, unusable: l.clips.list({ includeUnusable: true }).filter((c) => c.unusable !== null || c.missing).length }))
    expect(after).toEqual({ models: 0, runs: 0, unusable: 0 })
  })
})
