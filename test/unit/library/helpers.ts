import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Library } from '../../../src-main/library/library'

/** A fresh library in a temporary data directory, and a cleanup that closes and deletes it. */
export function tempLibrary(): { lib: Library; dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'eb-lib-'))
  const lib = Library.open(dir)
  return {
    lib,
    dir,
    dispose() {
      lib.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Every row of every table of the library in `dir` (opened and closed for the look). */
export function librarySnapshot(dir: string): Record<string, unknown[]> {
  const lib = Library.open(dir)
  try {
    return lib.snapshot()
  } finally {
    lib.close()
  }
}
