import type { Db } from './open'
import { fromJson, nowIso, toJson, type JsonObject } from './json'
import { freeName } from './names'
import { UserError } from '../util/errors'

/** What a render needs to be recorded: where it came from and what it produced. */
export interface RenderInput {
  /** The style method or model used (e.g. "gram", "wavenet"). */
  method: string
  /** Named input files (e.g. { content: "...", style: "..." }). */
  inputs: Record<string, string>
  params?: JsonObject
  outputPath: string
  metrics?: Record<string, number>
  checkpointId?: number | null
  /** What the library view calls it (absent: "<method> <id>", given by the schema's trigger). */
  name?: string
}

/** A stored render. */
export interface Render extends Required<RenderInput> {
  id: number
  createdAt: string
}

interface Row {
  id: number
  method: string
  inputs_json: string
  params_json: string
  output_path: string
  metrics_json: string
  checkpoint_id: number | null
  name: string | null
  created_at: string
}

/** Renders: every output file with how it was made. */
export class RenderRepository {
  constructor(private readonly db: Db) {}

  /** Records a finished render; returns its id. */
  add(r: RenderInput): number {
    return (
      this.db
        .prepare(
          `INSERT INTO renders (method, inputs_json, params_json, output_path, metrics_json, checkpoint_id, name, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
        )
        .get(r.method, toJson(r.inputs), toJson(r.params ?? {}), r.outputPath, toJson(r.metrics ?? {}), r.checkpointId ?? null, r.name ?? null, nowIso()) as {
        id: number
      }
    ).id
  }

  /** Renders, newest first, optionally of one method. */
  list(opts: { method?: string; limit?: number } = {}): Render[] {
    const rows = (
      opts.method === undefined
        ? this.db.prepare('SELECT * FROM renders ORDER BY created_at DESC, id DESC LIMIT ?').all(opts.limit ?? -1)
        : this.db.prepare('SELECT * FROM renders WHERE method = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(opts.method, opts.limit ?? -1)
    ) as Row[]
    return rows.map(toRender)
  }

  /**
   * Deletes a render and, in the same transaction, every project track holding its output (a track
   * would otherwise point at a file about to be removed). Returns the render as it was and the ids of
   * the projects that lost a track; undefined when there is no such render. The caller removes the
   * file after this commits, so a failed removal never leaves a row behind.
   */
  remove(id: number): { render: Render; projectIds: number[] } | undefined {
    return this.db.transaction(() => {
      const render = this.get(id)
      if (!render) return undefined
      const tracks = this.db
        .prepare('SELECT DISTINCT t.id, t.project_id FROM tracks t JOIN track_clips c ON c.track_id = t.id WHERE c.render_id = ?')
        .all(id) as { id: number; project_id: number }[]
      const dropTrack = this.db.prepare('DELETE FROM tracks WHERE id = ?')
      for (const t of tracks) dropTrack.run(t.id)
      this.db.prepare('DELETE FROM renders WHERE id = ?').run(id)
      return { render, projectIds: [...new Set(tracks.map((t) => t.project_id))] }
    })()
  }

  /** Renames a render; an unknown id, or a name another render has (any case), is refused in one line. */
  rename(id: number, name: string): Render {
    return this.db.transaction(() => {
      if (!this.get(id)) throw new UserError(`render ${id}: not in the library`)
      this.db.prepare('UPDATE renders SET name = ? WHERE id = ?').run(freeName(this.db, 'renders', 'render', name, id), id)
      return this.get(id)!
    })()
  }

  /** One render by id. */
  get(id: number): Render | undefined {
    const row = this.db.prepare('SELECT * FROM renders WHERE id = ?').get(id) as Row | undefined
    return row && toRender(row)
  }
}

function toRender(r: Row): Render {
  const where = `renders#${r.id}`
  return {
    id: r.id,
    method: r.method,
    inputs: fromJson(r.inputs_json, where),
    params: fromJson(r.params_json, where),
    outputPath: r.output_path,
    metrics: fromJson(r.metrics_json, where),
    checkpointId: r.checkpoint_id,
    name: r.name ?? `${r.method} ${r.id}`,
    createdAt: r.created_at
  }
}
