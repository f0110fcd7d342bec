import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../../src-main/api/library'
import { closeJobPool } from '../../../src-main/api/jobs'
import { runCliInProcess } from './run-cli'

describe('train-tagger on a dataset whose folder moved', () => {
  let dir: string
  let clipId = 0
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-train-moved-'))
    // A tagged, usable clip whose dataset folder is no longer there.
    await withLibrary(dir, (l) => {
      const d = l.datasets.upsert({ kind: 'mtat', name: 'Moved', rootPath: join(dir, 'was-here') })
      clipId = l.clips.upsert(d, { sourceKey: '1', path: join(dir, 'was-here', '0', '1.mp3'), missing: false, durationS: null, sampleRate: 16000, split: 'train' })
      l.tags.link(clipId, l.tags.ensure('guitar'))
    })
  })
  afterAll(async () => {
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('is refused in one line naming the folder, before any model or run is written, and no clip is marked unusable', async () => {
    const r = await runCliInProcess('train-tagger', '--dataset', '1', '--epochs', '1', '--data-dir', dir)
    expect([r.code, r.errorLines]).toEqual([1, [`error: dataset 1: its folder ${join(dir, 'was-here')} is gone (moved?); import it again from where it is now`]])
    const after = await withLibrary(dir, (l) => ({ models: l.models.list().length, runs: l.runs.list().length, unusable: l.clips.list({ includeUnusable: true }).find((c) => c.id === clipId)?.unusable, ok: l.integrityCheck() }))
    expect(after).toEqual({ models: 0, runs: 0, unusable: null, ok: 'ok' })
  })
})
