import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeAfterCommit } from '../../../src-main/api/data-files'

/** Marks a file immutable (chattr +i: even root may not unlink it); false where the file system or user cannot. */
function makeImmutable(path: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', path], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('removeAfterCommit', () => {
  const made: string[] = []
  afterEach(async () => {
    for (const d of made.splice(0)) await rm(d, { recursive: true, force: true })
  })

  it('names the real reason when a file may not be unlinked (EPERM), not a folder read error', async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), 'eb-data-files-'))
    made.push(dir)
    const file = join(dir, 'render.wav')
    await writeFile(file, 'RIFF')
    if (!makeImmutable(file, true)) ctx.skip()
    try {
      const out = await removeAfterCommit(file, true, 'file')
      expect(out.removed).toBe(false)
      expect(out.note).toBe(`its file ${file} could not be removed (EPERM: operation not permitted, unlink '${file}'); remove it by hand`)
      expect(existsSync(file)).toBe(true)
    } finally {
      makeImmutable(file, false)
    }
  })
})
