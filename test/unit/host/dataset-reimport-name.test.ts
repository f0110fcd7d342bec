import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../../src-main/api/library'
import { importDatasetFolder } from '../../../src-main/api/dataset-import'

const mtatFixture = fileURLToPath(new URL('../../fixtures/mtat/dataset', import.meta.url))

describe('re-importing a dataset keeps the name the user gave it', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-reimport-name-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('without --name the name stays; with one it changes; the id and the clips stay', async () => {
    await withLibrary(dir, async (lib) => {
      const first = await importDatasetFolder(lib, { kind: 'mtat', path: mtatFixture, name: 'My MTAT' })
      const again = await importDatasetFolder(lib, { kind: 'mtat', path: mtatFixture })
      expect([again.summary.id, again.summary.name, lib.datasets.get(first.summary.id)?.name]).toEqual([first.summary.id, 'My MTAT', 'My MTAT'])
      const renamed = await importDatasetFolder(lib, { kind: 'mtat', path: mtatFixture, name: 'Strings' })
      expect([renamed.summary.id, renamed.summary.name, renamed.summary.items]).toEqual([first.summary.id, 'Strings', 24])
      expect(lib.integrityCheck()).toBe('ok')
    })
  })

  it('an import named as another dataset is refused before it reads; a default name is made unique', async () => {
    await withLibrary(dir, async (lib) => {
      // A second copy of the fixture under another folder of the same base name: another dataset.
      const other = join(dir, 'copy', 'dataset')
      await cp(mtatFixture, other, { recursive: true })
      const before = lib.datasets.list().length
      await expect(importDatasetFolder(lib, { kind: 'mtat', path: other, name: 'strings' })).rejects.toThrow(/^dataset name: "strings" is taken by dataset \d+$/)
      expect(lib.datasets.list()).toHaveLength(before)
      const first = lib.datasets.findByPath('mtat', mtatFixture)!
      lib.datasets.rename(first.id, 'MagnaTagATune (dataset)')
      const second = await importDatasetFolder(lib, { kind: 'mtat', path: other })
      expect(second.summary.name).toBe('MagnaTagATune (dataset) 2')
      expect(lib.integrityCheck()).toBe('ok')
    })
  })
})
