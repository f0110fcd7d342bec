import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Library } from '../../../src-main/library/library'
import { LIBRARY_FILE, openDatabase, type Db } from '../../../src-main/library/open'
import { migrations } from '../../../src-main/library/migrations'
import { UserError } from '../../../src-main/util/errors'
import { tempLibrary } from './helpers'
import { neutralChain } from '../../../src-main/engine/effects/chain'

/** The schema version 7 rebuilds (AUTOINCREMENT), and the list of migrations before it. */
const REBUILD = migrations.find((m) => m.version === 7)!
const BEFORE = migrations.filter((m) => m.version < 7)
/** Every table with an INTEGER PRIMARY KEY id: all get AUTOINCREMENT. */
const ID_TABLES = ['datasets', 'speakers', 'clips', 'tags', 'models', 'training_runs', 'checkpoints', 'renders', 'projects', 'tracks', 'track_clips', 'presets']

const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'eb-autoinc-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A library at schema version 6 with rows in every table, ids with gaps (ids 2 and 5 deleted). */
function version6Library(): string {
  const dir = tempDir()
  const db = openDatabase(dir, BEFORE)
  const t = '2025-01-01T00:00:00Z'
  db.exec(`
INSERT INTO datasets (id, kind, name, root_path, meta_json, imported_at) VALUES (1, 'vctk', 'voices', '/v', '{"mic":"mic1"}', '${t}'), (3, 'mtat', 'tags', '/m', '{}', '${t}');
INSERT INTO speakers (id, dataset_id, code, age, gender, accent, region, comment) VALUES (4, 1, 'p225', 23, 'F', 'English', 'Southern', NULL);
INSERT INTO clips (id, dataset_id, source_key, path, missing, duration_s, sample_rate, split, speaker_id, transcript, unusable)
  VALUES (7, 1, 'p225_001', '/v/p225_001.flac', 0, 2.5, 48000, 'train', 4, 'Please call Stella.', NULL),
         (9, 3, '0/a.mp3', '/m/0/a.mp3', 1, NULL, NULL, 'valid', NULL, NULL, 'empty file');
INSERT INTO tags (id, name) VALUES (2, 'guitar'), (6, 'drums');
INSERT INTO tag_aliases (alias, tag_id) VALUES ('guitars', 2);
INSERT INTO clip_tags (clip_id, tag_id) VALUES (9, 2), (9, 6);
INSERT INTO models (id, name, kind, config_json, created_at) VALUES (1, 'tagger', 'tagger/cnn', '{"n":50}', '${t}'), (4, 'wavenet', 'wavenet', '{}', '${t}');
INSERT INTO training_runs (id, model_id, dataset_id, config_json, status, error, created_at, started_at, finished_at)
  VALUES (3, 1, 3, '{}', 'completed', NULL, '${t}', '${t}', '${t}'), (8, 4, 1, '{}', 'failed', 'out of memory', '${t}', '${t}', '${t}');
INSERT INTO run_metrics (run_id, step, name, value) VALUES (3, 1, 'loss', 0.5), (3, 2, 'loss', 0.25);
INSERT INTO checkpoints (id, run_id, path, step, metrics_json, created_at, size_bytes) VALUES (5, 3, '/d/checkpoints/run-3/epoch-001', 1, '{}', '${t}', 1024), (11, 8, '/d/checkpoints/run-8/epoch-001', 1, '{}', '${t}', NULL);
INSERT INTO renders (id, method, inputs_json, params_json, output_path, metrics_json, checkpoint_id, created_at) VALUES (6, 'texture', '{}', '{}', '/r/6.wav', '{}', 5, '${t}');
INSERT INTO renders (id, method, inputs_json, output_path, checkpoint_id, name, created_at) VALUES (12, 'wavenet', '{}', '/r/12.wav', 11, 'my take', '${t}');
INSERT INTO projects (id, name, bpm, sample_rate, created_at, updated_at) VALUES (2, 'song', 96, 48000, '${t}', '${t}');
INSERT INTO tracks (id, project_id, position, name, gain_db, pan, muted, solo) VALUES (3, 2, 0, 'beat', -3, 0.5, 0, 1);
INSERT INTO track_clips (id, track_id, source_path, start_s, offset_s, duration_s, gain_db, render_id) VALUES (10, 3, '/r/6.wav', 1.5, 0, 2, 0, 6);
INSERT INTO presets (id, name, kind, chain_json, source_render_id, created_at, updated_at) VALUES (4, 'warm', 'effectChain', '[]', 12, '${t}', '${t}');
`)
  db.close()
  return dir
}

type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null }

function schema(db: Db): SchemaRow[] {
  return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_sequence' ORDER BY type, name").all() as SchemaRow[]
}

/**
 * A CREATE TABLE statement as a name plus its clauses (column definitions, table constraints), whitespace
 * folded, sorted: ALTER TABLE ADD COLUMN appends its clause after the table constraints, a rebuild
 * writes it among the columns, and the rename quotes the name; the column order is compared apart.
 */
function clauses(sql: string): string[] {
  const body = sql.slice(sql.indexOf('(') + 1, sql.lastIndexOf(')'))
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of body) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.map((c) => c.replace(/\s+/g, ' ').trim()).sort()
}

/** Everything about a table SQLite reports: columns in order, foreign keys with their actions, indexes. */
function tableShape(db: Db, table: string): unknown {
  return {
    columns: db.pragma(`table_info(${table})`),
    foreignKeys: db.pragma(`foreign_key_list(${table})`),
    indexes: (db.pragma(`index_list(${table})`) as { name: string }[]).map((i) => ({ ...i, columns: db.pragma(`index_xinfo("${i.name}")`) })).sort((a, b) => a.name.localeCompare(b.name))
  }
}

const rowsOf = (db: Db): Record<string, unknown[]> =>
  Object.fromEntries(
    (schema(db).filter((s) => s.type === 'table') as SchemaRow[]).map((s) => [s.name, db.prepare(`SELECT * FROM "${s.name}" ORDER BY 1, 2`).all()])
  )

describe('schema version 7: ids are never given twice (AUTOINCREMENT)', () => {
  it('migrates a version-6 library with every row, id and reference kept, constraints as they were', () => {
    const dir = version6Library()
    const old = new Database(join(dir, LIBRARY_FILE), { readonly: true })
    const oldSchema = schema(old)
    const oldRows = rowsOf(old)
    const oldShapes = Object.fromEntries(oldSchema.filter((s) => s.type === 'table').map((s) => [s.name, tableShape(old, s.name)]))
    old.close()

    const db = openDatabase(dir)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(7)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
      expect(rowsOf(db)).toEqual(oldRows)

      const newSchema = schema(db)
      expect(newSchema.map((s) => [s.type, s.name, s.tbl_name])).toEqual(oldSchema.map((s) => [s.type, s.name, s.tbl_name]))
      for (const [i, s] of newSchema.entries()) {
        const before = oldSchema[i]!
        if (s.type !== 'table') {
          // Indexes and the renders trigger are recreated word for word.
          expect(s.sql).toBe(before.sql)
          continue
        }
        expect(tableShape(db, s.name)).toEqual(oldShapes[s.name])
        const autoinc = ID_TABLES.includes(s.name)
        expect(/AUTOINCREMENT/.test(s.sql!), s.name).toBe(autoinc)
        const clean = (sql: string): string[] => clauses(sql.replace(' AUTOINCREMENT', ''))
        expect(clean(s.sql!), s.name).toEqual(clean(before.sql!))
      }
      // Each counter starts at the table's largest id, so the ids below it stay where they are.
      const seqRows = db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]
      // One counter a table (SQLite reads only the first of two rows of a name; a second is litter).
      expect(seqRows.map((r) => r.name).sort()).toEqual([...new Set(seqRows.map((r) => r.name))].sort())
      const seq = Object.fromEntries(seqRows.map((r) => [r.name, r.seq]))
      expect(seq).toEqual({ datasets: 3, speakers: 4, clips: 9, tags: 6, models: 4, training_runs: 8, checkpoints: 11, renders: 12, projects: 2, tracks: 3, track_clips: 10, presets: 4 })
      // ON DELETE actions still act: a dataset's clips go with it, a render keeps its row without its checkpoint.
      db.prepare('DELETE FROM datasets WHERE id = 3').run()
      expect(db.prepare('SELECT id FROM clips').all()).toEqual([{ id: 7 }])
      expect(db.prepare('SELECT dataset_id FROM training_runs WHERE id = 3').get()).toEqual({ dataset_id: null })
      expect(() => db.prepare('DELETE FROM models WHERE id = 1').run()).toThrow(/FOREIGN KEY/)
      const renderId = db.prepare("INSERT INTO renders (method, inputs_json, output_path, created_at) VALUES ('gram', '{}', '/r/x.wav', 'now') RETURNING id").get() as { id: number }
      expect(renderId.id).toBe(13)
      expect(db.prepare('SELECT name FROM renders WHERE id = 13').get()).toEqual({ name: 'gram 13' })
    } finally {
      db.close()
    }
  })

  it('gives a new id after the newest model, run, checkpoint, render, dataset and preset are deleted', () => {
    const { lib, dispose } = tempLibrary()
    try {
      const dataset = lib.datasets.upsert({ kind: 'vctk', name: 'voices', rootPath: '/v' })
      const model = lib.models.create({ name: 'm', kind: 'tagger' })
      const run = lib.runs.create({ modelId: model, datasetId: dataset })
      const checkpoint = lib.checkpoints.add({ runId: run, path: '/d/checkpoints/run-1/epoch-001', step: 1 })
      const render = lib.renders.add({ method: 'texture', inputs: {}, outputPath: '/r/1.wav', checkpointId: checkpoint })
      const preset = lib.presets.add({ name: 'p', chain: neutralChain() })

      lib.renders.remove(render)
      expect(lib.checkpoints.remove(checkpoint)).toBeDefined()
      expect(lib.runs.remove(run)).toBeDefined()
      expect(lib.models.remove(model)).toBeDefined()
      expect(lib.presets.remove(preset)).toBe(true)
      expect(lib.datasets.remove(dataset)?.dataset.name).toBe('voices')

      const dataset2 = lib.datasets.upsert({ kind: 'vctk', name: 'voices', rootPath: '/v' })
      const model2 = lib.models.create({ name: 'm', kind: 'tagger' })
      const run2 = lib.runs.create({ modelId: model2 })
      const checkpoint2 = lib.checkpoints.add({ runId: run2, path: '/d/checkpoints/run-2/epoch-001', step: 1 })
      const render2 = lib.renders.add({ method: 'texture', inputs: {}, outputPath: '/r/2.wav' })
      const preset2 = lib.presets.add({ name: 'p', chain: neutralChain() })
      expect([dataset2, model2, run2, checkpoint2, render2, preset2]).toEqual([dataset + 1, model + 1, run + 1, checkpoint + 1, render + 1, preset + 1])
    } finally {
      dispose()
    }
  })

  it('a migration that fails half-way leaves the version-6 schema and rows as they were, foreign keys on', () => {
    const dir = version6Library()
    const read = (): { schema: SchemaRow[]; rows: Record<string, unknown[]>; version: unknown } => {
      const db = new Database(join(dir, LIBRARY_FILE), { readonly: true })
      try {
        return { schema: schema(db), rows: rowsOf(db), version: db.pragma('user_version', { simple: true }) }
      } finally {
        db.close()
      }
    }
    const before = read()
    // The throw comes after every table was rebuilt and renamed: all of it must roll back.
    const failing = [...BEFORE, { ...REBUILD, sql: `${REBUILD.sql}\nSELECT * FROM injected_failure;` }]
    expect(() => openDatabase(dir, failing)).toThrow(/injected_failure/)
    expect(read()).toEqual(before)
    expect(before.schema.some((s) => /AUTOINCREMENT/.test(s.sql ?? ''))).toBe(false)

    // The same library then migrates, and the connection has its foreign keys back on.
    const db = openDatabase(dir)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(7)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    } finally {
      db.close()
    }
  })

  it('refuses, in one line and unchanged, a library whose rows point at missing rows', () => {
    const dir = version6Library()
    const raw = new Database(join(dir, LIBRARY_FILE))
    raw.pragma('foreign_keys = OFF')
    raw.prepare("INSERT INTO checkpoints (id, run_id, path, step, created_at) VALUES (20, 99, '/orphan', 1, 'now')").run()
    raw.close()
    let error: unknown
    try {
      openDatabase(dir)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(/schema version 7 not applied: checkpoints row 20 points at a missing training_runs row \(1 such reference\); the file was not changed/)
    const after = new Database(join(dir, LIBRARY_FILE), { readonly: true })
    expect(after.pragma('user_version', { simple: true })).toBe(6)
    expect(after.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'").get()).toEqual({ n: 0 })
    after.close()
    const lib = () => Library.open(dir)
    expect(lib).toThrow(UserError)
  })
})
