import type { Db } from './open'
import { fromJson, nowIso, toJson } from './json'

/** A saved model state from a training run. */
export interface Checkpoint {
  id: number
  runId: number
  path: string
  step: number
  metrics: Record<string, number>
  /** Bytes on disk (model.json + weights); null for checkpoints recorded before schema v3. */
  sizeBytes: number | null
  createdAt: string
}

interface Row {
  id: number
  run_id: number
  path: string
  step: number
  metrics_json: string
  size_bytes: number | null
  created_at: string
}

/** Checkpoint files of training runs. */
export class CheckpointRepository {
  constructor(private readonly db: Db) {}

  /** Records a checkpoint written at `step` (its folder, metrics and size); returns its id. */
  add(input: { runId: number; path: string; step: number; metrics?: Record<string, number>; sizeBytes?: number }): number {
    return (
      this.db
        .prepare('INSERT INTO checkpoints (run_id, path, step, metrics_json, size_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
        .get(input.runId, input.path, input.step, toJson(input.metrics ?? {}), input.sizeBytes ?? null, nowIso()) as { id: number }
    ).id
  }

  /** Adds metrics to a recorded checkpoint (e.g. the test figures once the run is evaluated). */
  addMetrics(id: number, metrics: Record<string, number>): void {
    const c = this.get(id)
    if (!c) return
    this.db.prepare('UPDATE checkpoints SET metrics_json = ? WHERE id = ?').run(toJson({ ...c.metrics, ...metrics }), id)
  }

  /** Checkpoints, newest first, optionally of one run. */
  list(opts: { runId?: number } = {}): Checkpoint[] {
    const rows = (
      opts.runId === undefined
        ? this.db.prepare('SELECT * FROM checkpoints ORDER BY created_at DESC, id DESC').all()
        : this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC').all(opts.runId)
    ) as Row[]
    return rows.map(toCheckpoint)
  }

  /** Deletes a checkpoint row (renders made with it keep theirs, checkpoint_id NULL); the row as it was, undefined when there is none. */
  remove(id: number): Checkpoint | undefined {
    return this.db.transaction(() => {
      const c = this.get(id)
      if (c) this.db.prepare('DELETE FROM checkpoints WHERE id = ?').run(id)
      return c
    })()
  }

  /** One checkpoint by id. */
  get(id: number): Checkpoint | undefined {
    const row = this.db.prepare('SELECT * FROM checkpoints WHERE id = ?').get(id) as Row | undefined
    return row && toCheckpoint(row)
  }
}

function toCheckpoint(r: Row): Checkpoint {
  return {
    id: r.id,
    runId: r.run_id,
    path: r.path,
    step: r.step,
    metrics: fromJson(r.metrics_json, `checkpoints#${r.id}`),
    sizeBytes: r.size_bytes,
    createdAt: r.created_at
  }
}
