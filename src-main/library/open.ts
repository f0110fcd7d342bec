import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { UserError, describeError } from '../util/errors'
import { cannotWrite } from '../util/atomic-write'
import { latestVersion, migrations, type Migration } from './migrations'

/** The database file inside a data directory. */
export const LIBRARY_FILE = 'library.sqlite'

/** A raw better-sqlite3 handle; only modules under src-main/library/ use it. */
export type Db = Database.Database

/**
 * Why `dataDir` could not be made, in words: recursive mkdir reports ENOENT for a folder inside a
 * read-only file system or a folder it may not write, so the nearest existing folder is asked.
 */
function cannotCreate(dataDir: string, err: unknown): UserError {
  let parent = dirname(resolve(dataDir))
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent)
  try {
    accessSync(parent, constants.W_OK)
  } catch (denied) {
    return cannotWrite(`data directory ${dataDir}: cannot create it in ${parent}`, denied)
  }
  const code = (err as NodeJS.ErrnoException).code
  return code && code !== 'ENOENT' ? cannotWrite(`data directory ${dataDir}`, err) : new UserError(`data directory ${dataDir}: cannot create it (${describeError(err)})`)
}

/**
 * Opens (creating if needed) `<dataDir>/library.sqlite`: WAL journal, foreign keys on, pending
 * migrations applied. A file whose schema is newer than this code is refused untouched.
 */
export function openDatabase(dataDir: string, list: readonly Migration[] = migrations): Db {
  try {
    mkdirSync(dataDir, { recursive: true })
  } catch (err) {
    throw cannotCreate(dataDir, err)
  }
  const file = join(dataDir, LIBRARY_FILE)
  // SQLite's own word for a folder it cannot write (its WAL files go beside the library) is "unable
  // to open database file", which reads as a damaged library: say what is wrong instead.
  for (const [path, what] of [[dataDir, 'data directory'], [file, 'library']] as const) {
    try {
      accessSync(path, constants.W_OK)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(`${what} ${path}`, err)
    }
  }
  let db: Db
  try {
    db = new Database(file)
  } catch (err) {
    throw new UserError(`library ${file}: cannot open (${describeError(err)})`)
  }
  try {
    // Read the version before any pragma that writes, so a newer file is left exactly as it was.
    const version = readVersion(db, file)
    const newest = list.length > 0 ? list[list.length - 1]!.version : latestVersion
    if (version > newest) {
      throw new UserError(
        `library ${file}: schema version ${version} is newer than this Electric Beats understands (${newest}); update the app, the file was not changed`
      )
    }
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // Readers may briefly wait on a writer in another process (the CLI beside the app).
    db.pragma('busy_timeout = 5000')
    migrate(db, list, version, file)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

function readVersion(db: Db, file: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number
  } catch (err) {
    throw new UserError(`library ${file}: not a readable SQLite database (${describeError(err)})`)
  }
}

/**
 * Applies each migration above `from` in its own transaction, bumping user_version with it. An
 * existing library is first copied to `<file>.before-v<N>.bak` (consistent, via VACUUM INTO), so a
 * schema change can never cost a producer their library.
 */
function migrate(db: Db, list: readonly Migration[], from: number, file: string): void {
  const pending = list.filter((m) => m.version > from)
  if (pending.length === 0) return
  if (from > 0) {
    const backup = `${file}.before-v${pending[pending.length - 1]!.version}.bak`
    if (!existsSync(backup)) db.prepare('VACUUM INTO ?').run(backup)
  }
  for (const m of list) {
    if (m.version <= from) continue
    // PRAGMA foreign_keys is a no-op inside a transaction: a table rebuild turns them off before it.
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        db.exec(m.sql)
        if (m.foreignKeysOff) refuseBrokenReferences(db, file, m.version)
        // user_version takes no bound parameter; the value is an integer from our own list.
        db.pragma(`user_version = ${Math.trunc(m.version)}`)
      })()
    } finally {
      if (m.foreignKeysOff) db.pragma('foreign_keys = ON')
    }
  }
}

/** Throws (rolling the step back) when a table rebuild left a row pointing at a missing row (PRAGMA foreign_key_check). */
function refuseBrokenReferences(db: Db, file: string, version: number): void {
  const bad = db.pragma('foreign_key_check') as { table: string; rowid: number | null; parent: string }[]
  if (bad.length === 0) return
  const first = bad[0]!
  throw new UserError(
    `library ${file}: schema version ${version} not applied: ${first.table} row ${first.rowid ?? '?'} points at a missing ${first.parent} row (${bad.length} such reference${bad.length === 1 ? '' : 's'}); the file was not changed`
  )
}
