/**
 * Regression test for a fault the reliability campaign (issue 18) did not make: a GloVe import of a
 * file that is not line text. `/dev/zero` (or any file with a line past V8's string limit) grew
 * readline's buffer to about 512 MB, then failed as "Invalid string length", naming nothing; a FIFO
 * would block the open for ever. Smallest inputs: a device, and one line a character
 * past the bound.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GLOVE_MAX_LINE_CHARS, loadGlove } from '../../../src-main/datasets/glove/load'
import { UserError } from '../../../src-main/util/errors'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eb-glove-not-text-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('loadGlove on a file that is not line text', () => {
  it('refuses a device unread, in one line naming it', async () => {
    const err = await loadGlove('/dev/zero').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toBe('GloVe file /dev/zero: not a regular file')
  })

  it('stops at a line one character past the bound, naming the file and the line', async () => {
    const file = join(dir, 'one-line.txt')
    writeFileSync(file, `a 1 2\nb 3 4\n${'x'.repeat(GLOVE_MAX_LINE_CHARS + 1)}`)
    const err = await loadGlove(file).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toBe(`GloVe file ${file} line 3: longer than 4 MB without a line end (not a GloVe text file?)`)
  })

  it('still reads a line just at the bound (it then fails on its content, not its length)', async () => {
    const file = join(dir, 'at-bound.txt')
    writeFileSync(file, `a 1 2\nb${' 1'.repeat((GLOVE_MAX_LINE_CHARS - 1) / 2)}\n`)
    const err = await loadGlove(file).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/line 2: expected/)
  })
})
