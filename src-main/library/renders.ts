import type { Db } from './open'
import { fromJson, nowIso, toJson, type JsonObject } from './json'

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
          `INSERT INTO renders (method, inputs_json, params_json, output_path, metrics_json, checkpoint_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
        )
        .get(r.method, toJson(r.inputs), toJson(r.params ?? {}), r.outputPath, toJson(r.metrics ?? {}), r.checkpointId ?? null, nowIso()) as {
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
    createdAt: r.created_at
  }
}
