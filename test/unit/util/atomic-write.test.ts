/**
 * A file that cannot be written is refused in one line naming it and the reason, and leaves nothing
 * behind (issue 18: training on a full disk printed "ENOSPC: no space left on device, write", naming
 * no file). Smallest inputs: a tmpfs of 8 KiB and 64 KiB of data (where mounts are allowed), and a
 * path through a file (everywhere).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../../src-main/util/atomic-write'
import { UserError } from '../../../src-main/util/errors'
import { mountTmpfs, unmount } from '../../../bench/reliability/mounts'

const dirs: string[] = []
const mounted: string[] = []
afterEach(() => {
  for (const d of mounted.splice(0)) unmount(d)
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'eb-atomic-'))
  dirs.push(d)
  return d
}

describe('writeFileAtomic failures', () => {
  it('a full disk: "<file>: cannot write (disk full)", no file and no temporary file left', async (ctx) => {
    const disk = tempDir()
    if (!mountTmpfs(disk, 8 * 1024)) return ctx.skip()
    mounted.push(disk)
    const file = join(disk, 'big.bin')
    const err = await writeFileAtomic(file, new Uint8Array(64 * 1024)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toBe(`${file}: cannot write (disk full)`)
    expect(readdirSync(disk)).toEqual([])
  })

  it('a path through a file: one line naming the file and the reason', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a-file'), 'x')
    const file = join(dir, 'a-file', 'out.json')
    const err = await writeFileAtomic(file, '{}').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toBe(`${file}: cannot write (part of the path is a file, not a folder)`)
    expect(readdirSync(dir)).toEqual(['a-file'])
  })
})

