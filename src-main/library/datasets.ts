import type { Db } from './open'
import { fromJson, nowIso, toJson, type JsonObject } from './json'
import { freeName, uniqueName } from './names'
import { UserError } from '../util/errors'

/** The dataset formats the library knows. */
export type DatasetKind = 'mtat' | 'vctk' | 'mnist' | 'glove'

/** One imported dataset. */
export interface Dataset {
  id: number
  kind: DatasetKind
  name: string
  rootPath: string
  meta: JsonObject
  importedAt: string
  clipCount: number
}

interface Row {
  id: number
  kind: DatasetKind
  name: string
  root_path: string
  meta_json: string
  imported_at: string
  clip_count: number
}

/** The key of a run's config that names the folder of its removed dataset (see DatasetRepository.remove). */
const UNLINKED = 'unlinkedDataset'

const SELECT = `SELECT d.id, d.kind, d.name, d.root_path, d.meta_json, d.imported_at,
  (SELECT COUNT(*) FROM clips c WHERE c.dataset_id = d.id) AS clip_count FROM datasets d`

/** Datasets: one row per (kind, root folder or file). */
export class DatasetRepository {
  constructor(private readonly db: Db) {}

  /**
   * Creates or refreshes the dataset at `rootPath`; returns its id (stable across re-imports). A
   * re-import keeps the dataset's name (the user may have renamed it) and refreshes its metadata and
   * import time; a new dataset gets `name` made unique ("name 2"...: two folders called `audio`
   * import side by side and can be told apart).
   */
  upsert(input: { kind: DatasetKind; name: string; rootPath: string; meta?: JsonObject }): number {
    return this.db.transaction(() => {
      const existing = this.findByPath(input.kind, input.rootPath)
      if (existing) {
        this.db.prepare('UPDATE datasets SET meta_json = ?, imported_at = ? WHERE id = ?').run(toJson(input.meta ?? {}), nowIso(), existing.id)
        return existing.id
      }
      const row = this.db
        .prepare('INSERT INTO datasets (kind, name, root_path, meta_json, imported_at) VALUES (?, ?, ?, ?, ?) RETURNING id')
        .get(input.kind, uniqueName(this.db, 'datasets', 'dataset', input.name), input.rootPath, toJson(input.meta ?? {}), nowIso()) as { id: number }
      // Runs kept when this folder's dataset was removed (see remove) are its runs again.
      this.db
        .prepare(
          `UPDATE training_runs SET dataset_id = ?, config_json = json_remove(config_json, '$.${UNLINKED}')
           WHERE dataset_id IS NULL AND json_extract(config_json, '$.${UNLINKED}.kind') = ? AND json_extract(config_json, '$.${UNLINKED}.rootPath') = ?`
        )
        .run(row.id, input.kind, input.rootPath)
      return row.id
    })()
  }

  /**
   * `name` checked and free for the dataset at (`kind`, `rootPath`) (its own name counts as free):
   * an import given a name another dataset has is refused in one line before anything is read.
   */
  assertNameFree(name: string, kind: DatasetKind, rootPath: string): string {
    return freeName(this.db, 'datasets', 'dataset', name, this.findByPath(kind, rootPath)?.id ?? -1)
  }

  /** Replaces a dataset's metadata (e.g. counts known only at the end of an import). */
  setMeta(id: number, meta: JsonObject): void {
    this.db.prepare('UPDATE datasets SET meta_json = ? WHERE id = ?').run(toJson(meta), id)
  }

  /** Every dataset, newest import first. */
  list(kind?: DatasetKind): Dataset[] {
    const rows = (
      kind === undefined
        ? this.db.prepare(`${SELECT} ORDER BY d.imported_at DESC, d.id DESC`).all()
        : this.db.prepare(`${SELECT} WHERE d.kind = ? ORDER BY d.imported_at DESC, d.id DESC`).all(kind)
    ) as Row[]
    return rows.map(toDataset)
  }

  /** One dataset by id. */
  get(id: number): Dataset | undefined {
    const row = this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as Row | undefined
    return row && toDataset(row)
  }

  /** Renames a dataset; an unknown id, or a name another dataset has (any case), is refused in one line. */
  rename(id: number, name: string): Dataset {
    return this.db.transaction(() => {
      if (!this.get(id)) throw new UserError(`dataset ${id}: not in the library`)
      this.db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(freeName(this.db, 'datasets', 'dataset', name, id), id)
      return this.get(id)!
    })()
  }

  /**
   * Deletes a dataset's library rows in one transaction: its clips with their tag links, its speakers
   * (ON DELETE CASCADE), and the tags no clip carries any more (with their aliases). Runs trained on
   * it keep their rows and their models, dataset_id NULL (ON DELETE SET NULL): a trained model is the
   * user's work and needs no dataset row to be used. Each kept run notes the folder (its config's
   * `unlinkedDataset`: kind and root path), and importing that folder again links it back: its ids
   * are new (never given twice), and evaluate reads a tagger's split from its run's dataset. Never
   * touches a file. Returns the row as it was and how many runs it kept, undefined when there is none.
   */
  remove(id: number): { dataset: Dataset; runsKept: number } | undefined {
    return this.db.transaction(() => {
      const dataset = this.get(id)
      if (!dataset) return undefined
      const { changes: n } = this.db
        .prepare(`UPDATE training_runs SET config_json = json_set(config_json, '$.${UNLINKED}', json(?)) WHERE dataset_id = ?`)
        .run(JSON.stringify({ kind: dataset.kind, rootPath: dataset.rootPath }), id)
      this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id)
      this.db.prepare('DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM clip_tags ct WHERE ct.tag_id = tags.id)').run()
      return { dataset, runsKept: n }
    })()
  }

  /** The dataset imported from `rootPath`, if any. */
  findByPath(kind: DatasetKind, rootPath: string): Dataset | undefined {
    const row = this.db.prepare(`${SELECT} WHERE d.kind = ? AND d.root_path = ?`).get(kind, rootPath) as Row | undefined
    return row && toDataset(row)
  }
}

function toDataset(r: Row): Dataset {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    rootPath: r.root_path,
    meta: fromJson(r.meta_json, `datasets#${r.id}`),
    importedAt: r.imported_at,
    clipCount: r.clip_count
  }
}
