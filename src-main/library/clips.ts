import type { Db } from './open'
import { eq, whereClause, type Condition, type SqlParam } from './where'
import type { Hz, Seconds } from '../util/units'

/** Which part of a dataset a clip belongs to. */
export type Split = 'train' | 'valid' | 'test'

/** What an importer knows about one clip. */
export interface ClipInput {
  /** The dataset's own id for the clip (MagnaTagATune clip_id, VCTK utterance name). */
  sourceKey: string
  path: string
  missing: boolean
  /** Why the file, though present, cannot be used (e.g. "file is empty"); null when it can. */
  unusable?: string | null
  durationS: Seconds | null
  sampleRate: Hz | null
  split?: Split | null
  speakerId?: number | null
  transcript?: string | null
  title?: string | null
  artist?: string | null
  album?: string | null
}

/** A stored clip with its merged tag names. */
export interface Clip extends Required<ClipInput> {
  id: number
  datasetId: number
  tags: string[]
}

/** Filters for listing clips; every given tag must be present (names or aliases). */
export interface ClipQuery {
  datasetId?: number
  tags?: string[]
  split?: Split
  speakerId?: number
  /** Also list clips whose audio is missing or unusable (default: only usable clips, what training reads). */
  includeUnusable?: boolean
  /** true: only clips with a duration; false: only clips without one. */
  durationKnown?: boolean
  limit?: number
  offset?: number
}

interface Row {
  id: number
  dataset_id: number
  source_key: string
  path: string
  missing: number
  unusable: string | null
  duration_s: number | null
  sample_rate: number | null
  split: Split | null
  speaker_id: number | null
  transcript: string | null
  title: string | null
  artist: string | null
  album: string | null
  tag_names: string | null
}

/** In an upsert: the new row names the same file as the stored one, and its header reads. */
const SAME_READABLE = 'clips.path = excluded.path AND excluded.missing = 0 AND excluded.unusable IS NULL'

/** Clips of every dataset. */
export class ClipRepository {
  private readonly upsertStmt
  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO clips (dataset_id, source_key, path, missing, unusable, duration_s, sample_rate, split, speaker_id,
         transcript, title, artist, album)
       VALUES (@datasetId, @sourceKey, @path, @missing, @unusable, @durationS, @sampleRate, @split, @speakerId,
         @transcript, @title, @artist, @album)
       ON CONFLICT (dataset_id, source_key) DO UPDATE SET path = excluded.path, missing = excluded.missing,
         -- What a decode found survives a re-import of the same file whose header still reads: a
         -- measured duration and rate, and a decode failure (rate known from the header, no length).
         unusable = CASE WHEN ${SAME_READABLE} AND clips.sample_rate IS NOT NULL AND clips.duration_s IS NULL
           THEN clips.unusable ELSE excluded.unusable END,
         duration_s = CASE WHEN excluded.duration_s IS NOT NULL THEN excluded.duration_s
           WHEN ${SAME_READABLE} THEN clips.duration_s END,
         sample_rate = CASE WHEN excluded.sample_rate IS NOT NULL THEN excluded.sample_rate
           WHEN ${SAME_READABLE} THEN clips.sample_rate END,
         split = excluded.split,
         speaker_id = excluded.speaker_id, transcript = excluded.transcript, title = excluded.title,
         artist = excluded.artist, album = excluded.album
       RETURNING id`
    )
  }

  /** Inserts or updates the clip `sourceKey` of a dataset; returns its id (stable across re-imports). */
  upsert(datasetId: number, c: ClipInput): number {
    const row = this.upsertStmt.get({
      datasetId,
      sourceKey: c.sourceKey,
      path: c.path,
      missing: c.missing ? 1 : 0,
      unusable: c.unusable ?? null,
      durationS: c.durationS,
      sampleRate: c.sampleRate,
      split: c.split ?? null,
      speakerId: c.speakerId ?? null,
      transcript: c.transcript ?? null,
      title: c.title ?? null,
      artist: c.artist ?? null,
      album: c.album ?? null
    }) as { id: number }
    return row.id
  }

  /** Deletes the dataset's clips whose source key is not in `keep` (gone from the source); returns how many. */
  removeAllExcept(datasetId: number, keep: ReadonlySet<string>): number {
    const rows = this.db.prepare('SELECT id, source_key FROM clips WHERE dataset_id = ?').all(datasetId) as {
      id: number
      source_key: string
    }[]
    const del = this.db.prepare('DELETE FROM clips WHERE id = ?')
    let removed = 0
    for (const r of rows) {
      if (!keep.has(r.source_key)) removed += del.run(r.id).changes
    }
    return removed
  }

  /** Sets the split of the dataset's clips by source key; clips not listed get no split. Returns matches. */
  assignSplits(datasetId: number, splits: ReadonlyMap<string, Split>): number {
    this.db.prepare('UPDATE clips SET split = NULL WHERE dataset_id = ?').run(datasetId)
    const set = this.db.prepare('UPDATE clips SET split = ? WHERE dataset_id = ? AND source_key = ?')
    let matched = 0
    for (const [key, split] of splits) matched += set.run(split, datasetId, key).changes
    return matched
  }

  /** Records a clip's duration and rate once its audio has been decoded (so it is usable). */
  setAudioInfo(clipId: number, durationS: Seconds, sampleRate: Hz): void {
    this.db.prepare('UPDATE clips SET duration_s = ?, sample_rate = ?, unusable = NULL WHERE id = ?').run(durationS, sampleRate, clipId)
  }

  /**
   * Records a clip whose audio could not be read: `missing` (its file is gone; the next import
   * re-checks it, so a restored file is usable again) or else unusable with `reason` (a decode failure).
   */
  markUnreadable(clipId: number, reason: string, missing: boolean): void {
    if (missing) this.db.prepare('UPDATE clips SET missing = 1 WHERE id = ?').run(clipId)
    else this.setUnusable(clipId, reason)
  }

  /** Records why a clip's audio cannot be used (a decode failed); training and listings leave it out. */
  setUnusable(clipId: number, reason: string): void {
    this.db.prepare('UPDATE clips SET unusable = ? WHERE id = ?').run(reason, clipId)
  }

  /**
   * Clips to decode for a duration: a file on disk, no duration yet (MP3s before their first decode),
   * and either usable or found undecodable by an earlier decode (its header read: the rate is known),
   * so a fixed file is measured and usable again. A header the import could not read waits for a re-import.
   */
  withoutDuration(opts: { datasetId?: number; limit?: number } = {}): Clip[] {
    return this.query({ ...opts, includeUnusable: true, durationKnown: false }, [{ sql: 'c.missing = 0 AND (c.unusable IS NULL OR c.sample_rate IS NOT NULL)' }])
  }

  /** Clips matching `q`, ordered by dataset then source key (numeric keys in numeric order). */
  list(q: ClipQuery = {}): Clip[] {
    return this.query(q, [])
  }

  private query(q: ClipQuery, extra: Condition[]): Clip[] {
    const { where, params } = buildWhere(q, extra)
    // -1 is SQLite's "no limit".
    const limit = q.limit ?? -1
    const rows = this.db
      .prepare(
        `SELECT c.*, (SELECT group_concat(t.name, char(31)) FROM clip_tags ct JOIN tags t ON t.id = ct.tag_id
           WHERE ct.clip_id = c.id) AS tag_names
         FROM clips c ${where} ORDER BY c.dataset_id, CAST(c.source_key AS INTEGER), c.source_key LIMIT ? OFFSET ?`
      )
      .all(...params, limit, q.offset ?? 0) as Row[]
    return rows.map(toClip)
  }

  /** How many clips match `q` (limit and offset ignored). */
  count(q: ClipQuery = {}): number {
    const { where, params } = buildWhere(q)
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM clips c ${where}`).get(...params) as { n: number }).n
  }

  /** Usable clips per split of one dataset (missing and unusable audio left out, as training leaves them). */
  splitCounts(datasetId: number): Record<Split | 'none', number> {
    const rows = this.db
      .prepare(`SELECT split, COUNT(*) AS n FROM clips c WHERE dataset_id = ? AND ${USABLE} GROUP BY split`)
      .all(datasetId) as { split: Split | null; n: number }[]
    const out: Record<Split | 'none', number> = { train: 0, valid: 0, test: 0, none: 0 }
    for (const r of rows) out[r.split ?? 'none'] = r.n
    return out
  }
}

/** A tag is named directly or through one of its aliases (a merged synonym). */
const HAS_TAG = `c.id IN (SELECT ct.clip_id FROM clip_tags ct WHERE ct.tag_id IN (
  SELECT id FROM tags WHERE name = ? UNION SELECT tag_id FROM tag_aliases WHERE alias = ?))`

/** The one test of a usable clip `c` (SQL): its file is there and nothing found it unusable. */
export const USABLE = 'c.missing = 0 AND c.unusable IS NULL'

function buildWhere(q: ClipQuery, extra: Condition[] = []): { where: string; params: SqlParam[] } {
  return whereClause([
    eq('c.dataset_id', q.datasetId),
    eq('c.split', q.split),
    eq('c.speaker_id', q.speakerId),
    { sql: USABLE, when: q.includeUnusable !== true },
    ...extra,
    { sql: 'c.duration_s IS NOT NULL', when: q.durationKnown === true },
    { sql: 'c.duration_s IS NULL', when: q.durationKnown === false },
    ...(q.tags ?? []).map((tag) => ({ sql: HAS_TAG, params: [tag, tag] }))
  ])
}

function toClip(r: Row): Clip {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    sourceKey: r.source_key,
    path: r.path,
    missing: r.missing === 1,
    unusable: r.unusable,
    durationS: r.duration_s,
    sampleRate: r.sample_rate,
    split: r.split,
    speakerId: r.speaker_id,
    transcript: r.transcript,
    title: r.title,
    artist: r.artist,
    album: r.album,
    tags: r.tag_names ? r.tag_names.split('\u001f').sort() : []
  }
}
