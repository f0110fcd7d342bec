import type { Db } from './open'
import { eq, whereClause } from './where'
import { USABLE } from './clips'

/** A speaker as listed in a speech dataset's speaker table. */
export interface SpeakerInput {
  /** The dataset's id for the speaker, normalised (VCTK: "p225"). */
  code: string
  age: number | null
  gender: 'F' | 'M' | null
  accent: string | null
  region: string | null
  comment: string | null
}

/** A stored speaker with its count of usable clips. */
export interface Speaker extends SpeakerInput {
  id: number
  datasetId: number
  clips: number
}

interface Row {
  id: number
  dataset_id: number
  code: string
  age: number | null
  gender: 'F' | 'M' | null
  accent: string | null
  region: string | null
  comment: string | null
  clips: number
}

/** Speakers of speech datasets. */
export class SpeakerRepository {
  private readonly upsertStmt
  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO speakers (dataset_id, code, age, gender, accent, region, comment)
       VALUES (@datasetId, @code, @age, @gender, @accent, @region, @comment)
       ON CONFLICT (dataset_id, code) DO UPDATE SET age = excluded.age, gender = excluded.gender,
         accent = excluded.accent, region = excluded.region, comment = excluded.comment
       RETURNING id`
    )
  }

  /** Inserts or updates a speaker; returns its id (stable across re-imports). */
  upsert(datasetId: number, s: SpeakerInput): number {
    return (this.upsertStmt.get({ datasetId, ...s }) as { id: number }).id
  }

  /** Deletes the dataset's speakers not in `keep`; returns how many. */
  removeAllExcept(datasetId: number, keep: ReadonlySet<string>): number {
    const rows = this.db.prepare('SELECT id, code FROM speakers WHERE dataset_id = ?').all(datasetId) as {
      id: number
      code: string
    }[]
    const del = this.db.prepare('DELETE FROM speakers WHERE id = ?')
    let removed = 0
    for (const r of rows) if (!keep.has(r.code)) removed += del.run(r.id).changes
    return removed
  }

  /** Speakers, optionally of one dataset or one gender, by dataset then code. */
  list(opts: { datasetId?: number; gender?: 'F' | 'M' } = {}): Speaker[] {
    const { where, params } = whereClause([eq('s.dataset_id', opts.datasetId), eq('s.gender', opts.gender)])
    const rows = this.db
      .prepare(
        `SELECT s.*, (SELECT COUNT(*) FROM clips c WHERE c.speaker_id = s.id AND ${USABLE}) AS clips
         FROM speakers s ${where} ORDER BY s.dataset_id, s.code`
      )
      .all(...params) as Row[]
    return rows.map((r) => ({
      id: r.id,
      datasetId: r.dataset_id,
      code: r.code,
      age: r.age,
      gender: r.gender,
      accent: r.accent,
      region: r.region,
      comment: r.comment,
      clips: r.clips
    }))
  }
}
