/*
 * The library's state around an importer case. Byte comparison, not a dump: the CLI's
 * withLibrary() closes its connection before the case is judged, and closing the last connection
 * checkpoints the WAL into library.sqlite and deletes library.sqlite-wal. A rolled-back
 * transaction commits no frames, so a failed import must leave library.sqlite byte-for-byte as it
 * was (and no -wal behind). A dump would miss a change that was committed and then undone, or a
 * rewritten page; the bytes catch both. Any -wal still present is hashed with the main file.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { LIBRARY_FILE } from '../../../src-main/library/open'

/** SHA-256 of library.sqlite followed by library.sqlite-wal when it exists. */
export function hashLibrary(dir: string): string {
  const h = createHash('sha256')
  for (const suffix of ['', '-wal']) {
    const f = join(dir, LIBRARY_FILE + suffix)
    if (existsSync(f)) h.update(suffix).update(readFileSync(f))
  }
  return h.digest('hex')
}

/** Copies a closed library (no -wal left) into `to`. */
export function copyLibrary(from: string, to: string): void {
  mkdirSync(to, { recursive: true })
  copyFileSync(join(from, LIBRARY_FILE), join(to, LIBRARY_FILE))
}

/** PRAGMA integrity_check and foreign_key_check on a fresh connection: null when both are clean. */
export function integrityProblem(dir: string): string | null {
  const file = join(dir, LIBRARY_FILE)
  if (!existsSync(file)) return 'library.sqlite is missing'
  const db = new Database(file)
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[]
    const integrity = rows.map((r) => r.integrity_check)
    if (integrity.length !== 1 || integrity[0] !== 'ok') return `integrity_check: ${integrity.slice(0, 3).join('; ')}`
    const fk = db.pragma('foreign_key_check') as unknown[]
    return fk.length > 0 ? `foreign_key_check: ${fk.length} rows` : null
  } finally {
    db.close()
  }
}
