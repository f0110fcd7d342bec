/**
 * Regression test for a fault the reliability campaign (issue 18) did not make: a dataset folder
 * whose metadata file is a symlink to a device. MTAT's annotations_final.csv, VCTK's
 * speaker-info.txt or an MNIST IDX file linked to /dev/zero was read until Node's 2 GB limit
 * (4-6 GB resident, no answer within 40 s); a FIFO blocks the open for ever. Smallest inputs: one
 * such link per reader, a sparse file one byte past the bound, and a gzip inflating one byte past it.
 */
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_DATASET_FILE_BYTES, readRequired } from '../../../src-main/datasets/fs-checks'
import { readIdx } from '../../../src-main/datasets/mnist/idx'
import { UserError } from '../../../src-main/util/errors'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eb-dataset-devices-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The UserError `f` throws (the test fails if it throws anything else, or nothing). */
function refusal(f: () => unknown): string {
  try {
    f()
  } catch (err) {
    expect(err).toBeInstanceOf(UserError)
    return (err as Error).message
  }
  throw new Error('expected a refusal')
}

describe('dataset files that are not regular files, or too large', () => {
  it('refuses a metadata file linked to /dev/zero unread, in one line naming it', () => {
    const link = join(dir, 'annotations_final.csv')
    symlinkSync('/dev/zero', link)
    expect(refusal(() => readRequired(link, 'MagnaTagATune annotations'))).toBe(`MagnaTagATune annotations ${link}: not a regular file`)
  })

  it('refuses an MNIST IDX file linked to /dev/zero unread', () => {
    const link = join(dir, 'train-images-idx3-ubyte')
    symlinkSync('/dev/zero', link)
    expect(refusal(() => readIdx(link, 0x803))).toBe(`MNIST file ${link}: not a regular file`)
  })

  it('refuses a file one byte past the bound by its size, before reading it', () => {
    const big = join(dir, 'speaker-info.txt')
    writeFileSync(big, '')
    truncateSync(big, MAX_DATASET_FILE_BYTES + 1)
    expect(refusal(() => readRequired(big, 'VCTK speaker list'))).toBe(`VCTK speaker list ${big}: 257 MB is larger than the 256 MB such a file can be`)
  })

  it('stops a gzipped IDX file that inflates one byte past the bound', () => {
    const bomb = join(dir, 'train-images-idx3-ubyte.gz')
    writeFileSync(bomb, gzipSync(Buffer.alloc(MAX_DATASET_FILE_BYTES + 1)))
    expect(refusal(() => readIdx(bomb, 0x803))).toMatch(new RegExp(`^MNIST file ${bomb}: cannot read \\(.*[Cc]annot create a Buffer larger than|^MNIST file ${bomb}: cannot read \\(.*exceeds`))
  })
})
