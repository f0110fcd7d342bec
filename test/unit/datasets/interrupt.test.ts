import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { importMtat } from '../../../src-main/datasets/mtat/import'
import { writeSyntheticMtat } from '../../../bench/library'

const TSX = resolve('node_modules/.bin/tsx')
const CHILD = resolve('test/unit/datasets/kill-mid-import.ts')

let work: string
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'eb-kill-'))
})
afterEach(() => rmSync(work, { recursive: true, force: true }))

describe('an import killed mid-transaction', () => {
  it('leaves the library as it was before, and a later import completes', () => {
    const dataDir = join(work, 'data')
    const mtat = join(work, 'mtat')
    const earlier = join(work, 'earlier')
    for (const d of [mtat, earlier]) {
      mkdirSync(d, { recursive: true })
    }
    writeSyntheticMtat(earlier, 300, 1)
    writeSyntheticMtat(mtat, 3000, 2)
    const before = Library.open(dataDir)
    importMtat(before, earlier)
    const snapshot = before.snapshot()
    before.close()

    // SIGKILL after 2000 of 3000 rows: no handler, no rollback code runs; only SQLite's journal protects the file.
    const child = spawnSync(TSX, [CHILD, dataDir, mtat, '2000'], { encoding: 'utf8' })
    // tsx runs the script in a child node and passes the kill on as exit status 128 + 9.
    expect(child.signal === 'SIGKILL' || child.status === 137).toBe(true)
    expect(child.stdout).not.toMatch(/finished/)

    const after = Library.open(dataDir)
    try {
      expect(after.snapshot()).toEqual(snapshot)
      const r = importMtat(after, mtat)
      expect(r.clips).toBe(3000)
      // The synthetic CSVs name no MP3 that exists: every clip is there, as missing.
      expect(after.clips.count({ includeUnusable: true })).toBe(3300)
    } finally {
      after.close()
    }
  })
})
