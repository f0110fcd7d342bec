import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { LIBRARY_FILE, openDatabase } from '../../../src-main/library/open'
import { latestVersion, migrations } from '../../../src-main/library/migrations'
import { DATA_DIR_ENV, resolveDataDir } from '../../../src-main/library/data-dir'
import { UserError } from '../../../src-main/util/errors'

const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'eb-lib-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('openDatabase', () => {
  it('creates library.sqlite in WAL mode with foreign keys and the latest schema', () => {
    const dir = join(tempDir(), 'nested', 'data')
    const db = openDatabase(dir)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name)
    for (const t of ['datasets', 'clips', 'tags', 'tag_aliases', 'clip_tags', 'speakers', 'models', 'training_runs', 'run_metrics', 'checkpoints', 'renders', 'projects', 'tracks', 'track_clips']) {
      expect(tables).toContain(t)
    }
    db.close()
  })

  it('applies only the pending migrations, in order', () => {
    const dir = tempDir()
    openDatabase(dir).close()
    const next = [...migrations, { version: latestVersion + 1, sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);' }]
    const db = openDatabase(dir, next)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion + 1)
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 1 })
    db.close()
    // The library as it was before the migration is kept beside it.
    const backup = new Database(join(dir, `${LIBRARY_FILE}.before-v${latestVersion + 1}.bak`), { readonly: true })
    expect(backup.pragma('user_version', { simple: true })).toBe(latestVersion)
    backup.close()
    // Reopening with the same list changes nothing (the CREATE would fail if re-run).
    openDatabase(dir, next).close()
  })

  it('version 2 adds the clips.unusable reason to a version-1 library, its clips staying usable', () => {
    const dir = tempDir()
    const v1 = openDatabase(dir, migrations.slice(0, 1))
    v1.prepare("INSERT INTO datasets (kind, name, root_path, imported_at) VALUES ('mtat', 'old', '/old', '2024-01-01T00:00:00Z')").run()
    v1.prepare("INSERT INTO clips (dataset_id, source_key, path, split) VALUES (1, '7', '/old/7.mp3', 'train')").run()
    v1.close()
    const lib = Library.open(dir)
    try {
      expect(lib.schemaVersion()).toBe(latestVersion)
      expect(lib.clips.list().map((c) => [c.sourceKey, c.unusable])).toEqual([['7', null]])
      expect(lib.clips.splitCounts(1).train).toBe(1)
    } finally {
      lib.close()
    }
    expect(existsSync(join(dir, `${LIBRARY_FILE}.before-v${latestVersion}.bak`))).toBe(true)
  })

  it('rolls back a failing migration, leaving the previous version', () => {
    const dir = tempDir()
    openDatabase(dir).close()
    const bad = [...migrations, { version: latestVersion + 1, sql: 'CREATE TABLE half (id INTEGER); SELECT * FROM no_such_table;' }]
    expect(() => openDatabase(dir, bad)).toThrow()
    const db = openDatabase(dir)
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 })
    db.close()
  })

  it('refuses a newer schema with a clear error and leaves the file byte for byte unchanged', () => {
    const dir = tempDir()
    const file = join(dir, LIBRARY_FILE)
    const raw = new Database(file)
    raw.exec('CREATE TABLE future (x INTEGER)')
    raw.pragma(`user_version = ${latestVersion + 5}`)
    raw.close()
    const before = createHash('sha256').update(readFileSync(file)).digest('hex')
    let error: unknown
    try {
      Library.open(dir)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(/schema version \d+ is newer than this Electric Beats understands/)
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before)
  })

  it('reports a file that is not a database as a UserError', () => {
    const dir = tempDir()
    writeFileSync(join(dir, LIBRARY_FILE), 'this is not sqlite at all, just text'.repeat(40))
    expect(() => Library.open(dir)).toThrow(UserError)
  })
})

describe('resolveDataDir', () => {
  it('prefers the flag, then EB_DATA_DIR, then the platform folder', () => {
    const saved = process.env[DATA_DIR_ENV]
    try {
      process.env[DATA_DIR_ENV] = '/from/env'
      expect(resolveDataDir('/from/flag')).toBe('/from/flag')
      expect(resolveDataDir()).toBe('/from/env')
      delete process.env[DATA_DIR_ENV]
      expect(resolveDataDir()).toMatch(/electric-beats/)
    } finally {
      if (saved === undefined) delete process.env[DATA_DIR_ENV]
      else process.env[DATA_DIR_ENV] = saved
    }
  })
})
