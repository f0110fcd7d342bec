import type { Db } from './open'
import { fromJson, nowIso, toJson } from './json'

/** A saved model state from a training run. */
export interface Checkpoint {
  id: number
  runId: number
  path: string
  step: number
  metrics: Record<string, number>
  createdAt: string
}

interface Row {
  id: number
  run_id: number
  path: string
  step: number
  metrics_json: string
  created_at: string
}

/** Checkpoint files of training runs. */
export class CheckpointRepository {
  constructor(private readonly db: Db) {}

  /** Records a checkpoint file written at `step`; returns its id. */
  add(input: { runId: number; path: string; step: number; metrics?: Record<string, number> }): number {
    return (
      this.db
        .prepare('INSERT INTO checkpoints (run_id, path, step, metrics_json, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id')
        .get(input.runId, input.path, input.step, toJson(input.metrics ?? {}), nowIso()) as { id: number }
    ).id
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
    createdAt: r.created_at
  }
}
