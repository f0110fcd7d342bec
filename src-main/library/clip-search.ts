import type { Db } from './open'
import type { ClipRow, DatasetTagCount } from './clip-rows'
import { whereClause, type Condition } from './where'

export type { ClipRow, DatasetTagCount }

/** A browser query: every `tags` present, no `notTags` present, every word of `text` found; tag ids resolved by the caller. */
export interface ClipSearch {
  datasetId: number
  tagIds: number[]
  notTagIds: number[]
  /** Words, each matching a title, artist, album or tag name (substring, case-insensitive for ASCII). */
  words: string[]
  offset: number
  limit: number
}

// The MagnaTagATune papers train on the 50 most frequent tags; the browser highlights the same set.
export const TOP_TAGS = 50

interface Row {
  id: number
  source_key: string
  title: string | null
  artist: string | null
  album: string | null
  duration_s: number | null
  missing: number
  unusable: string | null
  tag_names: string | null
}

/** LIKE pattern matching `word` anywhere, its own % and _ escaped. */
function contains(word: string): string {
  return `%${word.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
}

const WORD = `(c.title LIKE ? ESCAPE '\\' OR c.artist LIKE ? ESCAPE '\\' OR c.album LIKE ? ESCAPE '\\'
  OR EXISTS (SELECT 1 FROM clip_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.clip_id = c.id AND t.name LIKE ? ESCAPE '\\'))`

/** Clips of a tagging set filtered by tags (AND, NOT) and words, in pages: the tag browser's SQL. */
export class ClipSearchRepository {
  constructor(private readonly db: Db) {}

  /** The dataset's tags by clip count (most first, then by name), the top 50 flagged. */
  datasetTags(datasetId: number): DatasetTagCount[] {
    const rows = this.db
      .prepare(
        `SELECT t.name, COUNT(*) AS clips,
           (SELECT group_concat(alias, char(31)) FROM tag_aliases a WHERE a.tag_id = t.id) AS aliases
         FROM clip_tags ct JOIN clips c ON c.id = ct.clip_id JOIN tags t ON t.id = ct.tag_id
         WHERE c.dataset_id = ? GROUP BY t.id ORDER BY clips DESC, t.name ASC`
      )
      .all(datasetId) as { name: string; clips: number; aliases: string | null }[]
    return rows.map((r, i) => ({ name: r.name, clips: r.clips, aliases: r.aliases ? r.aliases.split('\u001f').sort() : [], top: i < TOP_TAGS }))
  }

  /** How many of a dataset's clips there are, and how many have no playable audio. */
  audioCounts(datasetId: number): { clips: number; missing: number } {
    return this.db
      .prepare('SELECT COUNT(*) AS clips, COALESCE(SUM(missing = 1 OR unusable IS NOT NULL), 0) AS missing FROM clips WHERE dataset_id = ?')
      .get(datasetId) as { clips: number; missing: number }
  }

  /** One page of the clips matching `q` (ordered by numeric source key) and the total that match. */
  search(q: ClipSearch): { total: number; clips: ClipRow[] } {
    const { where, params } = whereClause(conditions(q))
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM clips c ${where}`).get(...params) as { n: number }).n
    if (total === 0 || q.offset >= total) return { total, clips: [] }
    // The page is chosen first, so tag names are gathered for its rows only, not for every match.
    const rows = this.db
      .prepare(
        `WITH page AS (SELECT c.id, c.source_key FROM clips c ${where}
           ORDER BY CAST(c.source_key AS INTEGER), c.source_key LIMIT ? OFFSET ?)
         SELECT c.id, c.source_key, c.title, c.artist, c.album, c.duration_s, c.missing, c.unusable,
           (SELECT group_concat(t.name, char(31)) FROM clip_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.clip_id = c.id) AS tag_names
         FROM page JOIN clips c ON c.id = page.id ORDER BY CAST(page.source_key AS INTEGER), page.source_key`
      )
      .all(...params, q.limit, q.offset) as Row[]
    return { total, clips: rows.map(toRow) }
  }

  /** The file and dataset of one clip (for audition and the timeline), or undefined. */
  clipFile(clipId: number): { path: string; datasetId: number; problem: string | null; title: string | null; sourceKey: string } | undefined {
    const r = this.db.prepare('SELECT path, dataset_id, missing, unusable, title, source_key FROM clips WHERE id = ?').get(clipId) as
      | { path: string; dataset_id: number; missing: number; unusable: string | null; title: string | null; source_key: string }
      | undefined
    return r && { path: r.path, datasetId: r.dataset_id, problem: problemOf(r.missing, r.unusable), title: r.title, sourceKey: r.source_key }
  }
}

function conditions(q: ClipSearch): Condition[] {
  const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ')
  return [
    { sql: 'c.dataset_id = ?', params: [q.datasetId] },
    // AND over tags: a clip qualifies when it carries as many of the wanted tags as were asked.
    {
      sql: `c.id IN (SELECT clip_id FROM clip_tags WHERE tag_id IN (${marks(q.tagIds.length)}) GROUP BY clip_id HAVING COUNT(*) = ?)`,
      params: [...q.tagIds, q.tagIds.length],
      when: q.tagIds.length > 0
    },
    {
      sql: `NOT EXISTS (SELECT 1 FROM clip_tags x WHERE x.clip_id = c.id AND x.tag_id IN (${marks(q.notTagIds.length)}))`,
      params: q.notTagIds,
      when: q.notTagIds.length > 0
    },
    ...q.words.map((w) => {
      const p = contains(w)
      return { sql: WORD, params: [p, p, p, p] }
    })
  ]
}

function problemOf(missing: number, unusable: string | null): string | null {
  return missing === 1 ? 'audio file missing' : unusable
}

function toRow(r: Row): ClipRow {
  return {
    id: r.id,
    sourceKey: r.source_key,
    title: r.title,
    artist: r.artist,
    album: r.album,
    durationS: r.duration_s,
    problem: problemOf(r.missing, r.unusable),
    tags: r.tag_names ? r.tag_names.split('\u001f').sort() : []
  }
}
