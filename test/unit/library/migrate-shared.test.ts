/**
 * A schema update where the library is shared or the disk is short:
 *   - the CLI and the app opening the same old library at once: the one that read the old version
 *     while the other was updating applied the steps again ('duplicate column name: name');
 *   - a full disk during the backup left a half copy under the backup's name (0 bytes here), which
 *     the next open took for the backup and migrated without one; the error was SQLite's own
 *     'database or disk is full', with no file named.
 * The disk-full cases need a tmpfs mount (root); where mounting is not allowed they are skipped.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { LIBRARY_FILE, openDatabase } from '../../../src-main/library/open'
import { latestVersion, migrations } from '../../../src-main/library/migrations'
import { UserError } from '../../../src-main/util/errors'
import { mountTmpfs, unmount } from '../../../bench/reliability/mounts'

/** Folders a test made, unmounted where a tmpfs was mounted on them, then removed. */
const made: { dir: string; mount: boolean }[] = []
afterEach(() => {
  for (const { dir, mount } of made.splice(0)) {
    if (mount) unmount(dir)
    rmSync(dir, { recursive: true, force: true })
  }
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eb-migrate-'))
  made.push({ dir, mount: false })
  return dir
}

/** A library at schema `version` with `clips` clips in one dataset. */
function oldLibrary(version: number, clips: number): string {
  const dir = tempDir()
  const db = openDatabase(dir, migrations.filter((m) => m.version <= version))
  db.prepare("INSERT INTO datasets (kind, name, root_path, imported_at) VALUES ('mtat', 'old', '/old', '2025-01-01T00:00:00Z')").run()
  const insert = db.prepare("INSERT INTO clips (dataset_id, source_key, path, split) VALUES (1, ?, ?, 'train')")
  db.transaction(() => {
    for (let i = 0; i < clips; i++) insert.run(String(i), `/old/clip-${i}.mp3`)
  })()
  db.close()
  return dir
}

/**
 * Another process (plain Node and better-sqlite3, as the app beside the CLI) that takes the
 * library's write lock, says 'ready', and then applies `sql` and sets `version` before it commits.
 */
function otherProcessUpdating(file: string, sql: string, version: number): { ready: Promise<void>; done: Promise<number | null> } {
  const sqlFile = `${file}.steps.sql`
  writeFileSync(sqlFile, sql)
  const code = `
const Database = require('better-sqlite3')
const db = new Database(${JSON.stringify(file)})
db.pragma('busy_timeout = 5000')
db.pragma('foreign_keys = OFF')
db.exec('BEGIN IMMEDIATE')
process.stdout.write('ready\\n')
// Long enough for the test's open to read the old version and wait on the lock.
setTimeout(() => {
  db.exec(require('node:fs').readFileSync(${JSON.stringify(sqlFile)}, 'utf8'))
  db.pragma('user_version = ${version}')
  db.exec('COMMIT')
  db.close()
}, 300)`
  const child = spawn(process.execPath, ['-e', code], { cwd: resolve('.'), stdio: ['ignore', 'pipe', 'inherit'] })
  const ready = new Promise<void>((ok, fail) => {
    child.stdout.once('data', () => ok())
    child.once('exit', (c) => fail(new Error(`the other process ended (${c}) before taking the lock`)))
  })
  const done = new Promise<number | null>((ok) => child.once('exit', ok))
  return { ready, done }
}

describe('schema update of a shared library', () => {
  it('a second process that read the old version while the first updated skips the steps done, each applied once', async () => {
    const dir = oldLibrary(4, 3)
    const file = join(dir, LIBRARY_FILE)
    const steps = migrations.filter((m) => m.version > 4)
    const other = otherProcessUpdating(file, steps.map((m) => m.sql).join('\n'), latestVersion)
    await other.ready
    // Reads version 4 (the other's update is not committed), then waits on its lock.
    const db = openDatabase(dir)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestVersion)
      const renderColumns = (db.pragma('table_info(renders)') as { name: string }[]).map((c) => c.name)
      expect(renderColumns.filter((c) => c === 'name')).toHaveLength(1)
      expect(db.prepare('SELECT COUNT(*) AS n FROM clips').get()).toEqual({ n: 3 })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      db.close()
    }
    expect(await other.done).toBe(0)
    // The backup was taken before either update: the library at version 4.
    const backup = new Database(join(dir, `${LIBRARY_FILE}.before-v${latestVersion}.bak`), { readonly: true })
    expect(backup.pragma('user_version', { simple: true })).toBe(4)
    backup.close()
  })

  it('a newer app that updated the library while this one waited: refused as a newer schema, not used', async () => {
    const dir = oldLibrary(latestVersion - 1, 1)
    const file = join(dir, LIBRARY_FILE)
    const newer = latestVersion + 1
    const other = otherProcessUpdating(file, `${migrations.at(-1)!.sql}\nCREATE TABLE from_the_future (id INTEGER PRIMARY KEY);`, newer)
    await other.ready
    expect(() => openDatabase(dir)).toThrow(new UserError(`library ${file}: schema version ${newer} is newer than this Electric Beats understands (${latestVersion}); update the app, the file was not changed`))
    expect(await other.done).toBe(0)
  })
})

describe('schema update on a full disk', () => {
  /** The version-6 library of `clips` clips copied onto a tmpfs of its size times `room`; null where no mount is allowed. */
  function onSmallDisk(room: number): { dir: string; file: string } | null {
    const source = join(oldLibrary(6, 20000), LIBRARY_FILE)
    const dir = tempDir()
    if (!mountTmpfs(dir, statSync(source).size * room)) return null
    made.find((m) => m.dir === dir)!.mount = true
    copyFileSync(source, join(dir, LIBRARY_FILE))
    return { dir, file: join(dir, LIBRARY_FILE) }
  }

  const version = (file: string): number => {
    const db = new Database(file, { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      return db.pragma('user_version', { simple: true }) as number
    } finally {
      db.close()
    }
  }

  it('no room for the backup: one line naming it, no half copy left under its name, the library as it was', (ctx) => {
    const disk = onSmallDisk(1.25)
    if (!disk) return ctx.skip()
    const backup = `${disk.file}.before-v${latestVersion}.bak`
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() => openDatabase(disk.dir)).toThrow(
        new UserError(`library ${disk.file}: cannot back it up to ${backup} before the schema update: disk full; the library was not changed`)
      )
      expect(readdirSync(disk.dir)).toEqual([LIBRARY_FILE])
    }
    expect(version(disk.file)).toBe(6)
  })

  it('room for the backup but not the update: one line, version 6 kept whole and said', (ctx) => {
    const disk = onSmallDisk(2.25)
    if (!disk) return ctx.skip()
    expect(() => openDatabase(disk.dir)).toThrow(new UserError(`library ${disk.file}: schema version 7 not applied: disk full; the library stays at version 6`))
    expect(version(disk.file)).toBe(6)
    expect(version(`${disk.file}.before-v${latestVersion}.bak`)).toBe(6)
  })
})
