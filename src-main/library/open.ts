import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { UserError, describeError } from '../util/errors'
import { cannotWrite, tempPathFor } from '../util/atomic-write'
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
    if (version > newest) throw newerSchema(file, version, newest)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // Readers may briefly wait on a writer in another process (the CLI beside the app).
    db.pragma('busy_timeout = 5000')
    migrate(db, list, version, file)
    // A newer app beside this one may have updated the library while this one waited to.
    const now = readVersion(db, file)
    if (now > newest) throw newerSchema(file, now, newest)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/** The refusal of a library whose schema `version` is newer than `newest`, the last this code knows. */
function newerSchema(file: string, version: number, newest: number): UserError {
  return new UserError(`library ${file}: schema version ${version} is newer than this Electric Beats understands (${newest}); update the app, the file was not changed`)
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
 * schema change can never cost a producer their library. Another process (the CLI beside the app)
 * may open the same old library at the same moment: each step takes the write lock first (BEGIN
 * IMMEDIATE) and reads the version again under it, so a step the other one applied meanwhile is
 * skipped, never applied twice ('duplicate column name', or a table rebuilt twice).
 */
function migrate(db: Db, list: readonly Migration[], from: number, file: string): void {
  const pending = list.filter((m) => m.version > from)
  if (pending.length === 0) return
  if (from > 0) backUp(db, file, from, `${file}.before-v${pending[pending.length - 1]!.version}.bak`)
  let at = from
  for (const m of pending) {
    // PRAGMA foreign_keys is a no-op inside a transaction: a table rebuild turns them off before it.
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        if (readVersion(db, file) >= m.version) return
        db.exec(m.sql)
        if (m.foreignKeysOff) refuseBrokenReferences(db, file, m.version)
        // user_version takes no bound parameter; the value is an integer from our own list.
        db.pragma(`user_version = ${Math.trunc(m.version)}`)
      }).immediate()
      at = m.version
    } catch (err) {
      // Steps before this one stay applied (each commits on its own); this one left nothing.
      throw stepFailed(err, `library ${file}: schema version ${m.version} not applied`, `the library stays at version ${at}`)
    } finally {
      if (m.foreignKeysOff) db.pragma('foreign_keys = ON')
    }
  }
}

/**
 * Copies the library at version `from` to `backup` unless that exists: written under a name of its
 * own and renamed into place only whole, so a full disk or a killed process leaves no half copy that
 * a later open would take for the backup and migrate without one; a copy that caught another
 * process's migration (its version is no longer `from`) is dropped, that process kept its own.
 */
function backUp(db: Db, file: string, from: number, backup: string): void {
  if (existsSync(backup)) return
  const partial = tempPathFor(backup)
  try {
    db.prepare('VACUUM INTO ?').run(partial)
    const copy = new Database(partial, { readonly: true })
    let copied: number
    try {
      copied = readVersion(copy, partial)
    } finally {
      copy.close()
    }
    if (copied === from && !existsSync(backup)) renameSync(partial, backup)
  } catch (err) {
    throw stepFailed(err, `library ${file}: cannot back it up to ${backup} before the schema update`, 'the library was not changed')
  } finally {
    rmSync(partial, { force: true })
  }
}

/** SQLite's codes a user can act on, in words (its own are 'database or disk is full', 'database is locked'). */
const SQLITE_WORDS: Record<string, string> = {
  SQLITE_FULL: 'disk full',
  SQLITE_READONLY: 'read-only',
  SQLITE_BUSY: 'another program kept the library busy; close it and try again',
  SQLITE_IOERR: 'disk I/O error (a failing disk, or a file size limit)'
}

/** `err` from a migration step or its backup as one line: `what`, the reason in words, and what was `kept`; a bug's error as it was. */
function stepFailed(err: unknown, what: string, kept: string): Error {
  if (err instanceof UserError) return err
  const code = (err as { code?: unknown } | undefined)?.code
  if (typeof code !== 'string') return err instanceof Error ? err : new Error(String(err))
  const words = SQLITE_WORDS[code] ?? SQLITE_WORDS[code.replace(/_[A-Z]+$/, '')]
  if (words !== undefined) return new UserError(`${what}: ${words}; ${kept}`, { cause: err })
  // A file-system error (renaming the backup into place): the same words as every other write.
  return code.startsWith('E') ? cannotWrite(what, err) : err instanceof Error ? err : new Error(String(err))
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
