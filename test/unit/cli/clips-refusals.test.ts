import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../../src-main/api/library'
import { runCliInProcess } from './run-cli'

describe('cli clips: a tag or dataset the library does not know is refused, not listed as nothing', () => {
  let dir: string
  const integrity = (): Promise<string> => withLibrary(dir, (l) => l.integrityCheck())

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-cli-clips-'))
    // One clip tagged "guitar" (merged synonym "guitars"); its file need not exist for a listing.
    await withLibrary(dir, (l) => {
      const d = l.datasets.upsert({ kind: 'mtat', name: 'M', rootPath: join(dir, 'mtat') })
      const clip = l.clips.upsert(d, { sourceKey: '1', path: join(dir, 'mtat', '1.mp3'), missing: false, durationS: null, sampleRate: null })
      const guitar = l.tags.ensure('guitar')
      l.tags.setAlias('guitars', guitar)
      l.tags.link(clip, guitar)
    })
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('finds a tag by its name or synonym in any case', async () => {
    for (const t of ['guitar', 'GUITAR', 'Guitars']) {
      const r = await runCliInProcess('clips', '--tag', t, '--data-dir', dir)
      expect([r.code, r.stdout.trim().split('\n').pop()]).toEqual([0, '1 of 1 matching usable clips'])
    }
  })

  it('refuses a tag nobody has and a dataset id that is not there, in one line each', async () => {
    const typo = await runCliInProcess('clips', '--tag', 'guitra', '--data-dir', dir)
    expect([typo.code, typo.errorLines]).toEqual([1, ['error: --tag: "guitra" is not a tag or merged synonym in the library (`tags` lists them)']])
    const gone = await runCliInProcess('clips', '--dataset', '99', '--data-dir', dir)
    expect([gone.code, gone.errorLines]).toEqual([1, ['error: --dataset: dataset 99 is not in the library']])
    expect(await integrity()).toBe('ok')
  })
})
