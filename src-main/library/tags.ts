import type { Db } from './open'
import { UserError } from '../util/errors'
import { USABLE } from './clips'

/** A tag with how many clips carry it and the names merged into it. */
export interface TagCount {
  id: number
  name: string
  clips: number
  aliases: string[]
}

/** Tags, their aliases (merged synonyms) and clip-tag links. */
export class TagRepository {
  private readonly ensureStmt
  private readonly aliasStmt
  private readonly linkStmt
  constructor(private readonly db: Db) {
    this.ensureStmt = db.prepare(
      'INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id'
    )
    this.aliasStmt = db.prepare(
      'INSERT INTO tag_aliases (alias, tag_id) VALUES (?, ?) ON CONFLICT (alias) DO UPDATE SET tag_id = excluded.tag_id'
    )
    this.linkStmt = db.prepare('INSERT OR IGNORE INTO clip_tags (clip_id, tag_id) VALUES (?, ?)')
  }

  /** The id of tag `name`, created if new. */
  ensure(name: string): number {
    return (this.ensureStmt.get(name) as { id: number }).id
  }

  /** Records that `alias` means tag `tagId` (a synonym merged into it). */
  setAlias(alias: string, tagId: number): void {
    this.aliasStmt.run(alias, tagId)
  }

  /** Tags a clip (no-op when already tagged). */
  link(clipId: number, tagId: number): void {
    this.linkStmt.run(clipId, tagId)
  }

  /** Removes every tag link of one dataset's clips (before a re-import writes them again). */
  clearDatasetLinks(datasetId: number): void {
    this.db.prepare('DELETE FROM clip_tags WHERE clip_id IN (SELECT id FROM clips WHERE dataset_id = ?)').run(datasetId)
  }

  /** The tag a name or alias refers to. */
  resolve(nameOrAlias: string): { id: number; name: string } | undefined {
    return this.db
      .prepare(
        `SELECT id, name FROM tags WHERE name = ?
         UNION ALL SELECT t.id, t.name FROM tag_aliases a JOIN tags t ON t.id = a.tag_id WHERE a.alias = ? LIMIT 1`
      )
      .get(nameOrAlias, nameOrAlias) as { id: number; name: string } | undefined
  }

  /**
   * Tags by usable-clip count (most first, then by name, so ties are deterministic), optionally within
   * one dataset and limited to the top `limit`; tags no usable clip carries are left out. Counting
   * what `clips` lists and training reads keeps the top tags of a tagging set those it can learn.
   */
  counts(opts: { datasetId?: number; limit?: number } = {}): TagCount[] {
    const filter = opts.datasetId === undefined ? `WHERE ${USABLE}` : `WHERE ${USABLE} AND c.dataset_id = ?`
    const params: number[] = opts.datasetId === undefined ? [] : [opts.datasetId]
    const rows = this.db
      .prepare(
        `SELECT t.id, t.name, COUNT(*) AS clips,
           (SELECT group_concat(alias, char(31)) FROM tag_aliases a WHERE a.tag_id = t.id) AS aliases
         FROM clip_tags ct JOIN clips c ON c.id = ct.clip_id JOIN tags t ON t.id = ct.tag_id ${filter}
         GROUP BY t.id ORDER BY clips DESC, t.name ASC LIMIT ?`
      )
      .all(...params, opts.limit ?? -1) as { id: number; name: string; clips: number; aliases: string | null }[]
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      clips: r.clips,
      aliases: r.aliases ? r.aliases.split('\u001f').sort() : []
    }))
  }

  /**
   * Merges tag `from` into tag `into` (a user's own synonym): links move, `from` and its aliases
   * become aliases of `into`, and `from` is deleted. One transaction.
   */
  merge(from: string, into: string): void {
    const src = this.resolve(from)
    const dst = this.resolve(into)
    if (!src) throw new UserError(`tag "${from}": no such tag`)
    if (!dst) throw new UserError(`tag "${into}": no such tag`)
    if (src.id === dst.id) return
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO clip_tags (clip_id, tag_id) SELECT clip_id, ? FROM clip_tags WHERE tag_id = ?').run(dst.id, src.id)
      this.db.prepare('UPDATE tag_aliases SET tag_id = ? WHERE tag_id = ?').run(dst.id, src.id)
      this.db.prepare('DELETE FROM tags WHERE id = ?').run(src.id)
      this.aliasStmt.run(src.name, dst.id)
    })()
  }
}
