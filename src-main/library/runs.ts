import type { Db } from './open'
import { eq, whereClause } from './where'
import { fromJson, nowIso, toJson, type JsonObject } from './json'
import { clearStaleRunFolder } from './run-folder'

/** Where a training run stands. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped'

/** One training run of a model. */
export interface TrainingRun {
  id: number
  modelId: number
  datasetId: number | null
  config: JsonObject
  status: RunStatus
  error: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

/** One logged value of a run. */
export interface RunMetric {
  step: number
  name: string
  value: number
}

interface Row {
  id: number
  model_id: number
  dataset_id: number | null
  config_json: string
  status: RunStatus
  error: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

const FINISHED: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'stopped'])

/** Training runs and their metrics. */
export class RunRepository {
  private readonly metricStmt
  constructor(
    private readonly db: Db,
    private readonly dataDir: string
  ) {
    this.metricStmt = db.prepare(
      `INSERT INTO run_metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value`
    )
  }

  /** Records a queued run; returns its id. */
  create(input: { modelId: number; datasetId?: number | null; config?: JsonObject }): number {
    return (
      this.db
        .prepare(
          `INSERT INTO training_runs (model_id, dataset_id, config_json, status, created_at)
           VALUES (?, ?, ?, 'queued', ?) RETURNING id`
        )
        .get(input.modelId, input.datasetId ?? null, toJson(input.config ?? {}), nowIso()) as { id: number }
    ).id
  }

  /**
   * Records a queued run that a training job is about to write checkpoints for; returns its id. Its
   * checkpoint folder starts empty: what a deleted run of the same id left there is cleared, or the
   * run refused in one line (see clearStaleRunFolder) and not recorded.
   */
  createForTraining(input: { modelId: number; datasetId?: number | null; config?: JsonObject }): number {
    return this.db.transaction(() => {
      const id = this.create(input)
      clearStaleRunFolder(this.db, this.dataDir, id)
      return id
    }).immediate()
  }

  /** Moves a run to `status`, stamping started_at on 'running' and finished_at on an end state. */
  setStatus(id: number, status: RunStatus, error?: string): void {
    const now = nowIso()
    this.db
      .prepare(
        `UPDATE training_runs SET status = ?, error = ?,
           started_at = CASE WHEN ? = 'running' AND started_at IS NULL THEN ? ELSE started_at END,
           finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE id = ?`
      )
      .run(status, error ?? null, status, now, FINISHED.has(status) ? 1 : 0, now, id)
  }

  /** Logs metric values at one step (several names at once, one transaction). */
  addMetrics(runId: number, step: number, values: Record<string, number>): void {
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(values)) this.metricStmt.run(runId, step, name, value)
    })()
  }

  /** A run's metrics by name then step, optionally one name only. */
  metrics(runId: number, name?: string): RunMetric[] {
    return (
      name === undefined
        ? this.db.prepare('SELECT step, name, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(runId)
        : this.db.prepare('SELECT step, name, value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step').all(runId, name)
    ) as RunMetric[]
  }

  /** Runs, newest first, optionally of one model or status. */
  list(opts: { modelId?: number; status?: RunStatus } = {}): TrainingRun[] {
    const { where, params } = whereClause([eq('model_id', opts.modelId), eq('status', opts.status)])
    const rows = this.db.prepare(`SELECT * FROM training_runs ${where} ORDER BY created_at DESC, id DESC`).all(...params) as Row[]
    return rows.map(toRun)
  }

  /**
   * Deletes a run with its metrics and checkpoints in one transaction (renders made with those
   * checkpoints keep their row). Returns the checkpoint folders to remove once this has committed;
   * undefined when there is no such run.
   */
  remove(id: number): { run: TrainingRun; checkpointPaths: string[] } | undefined {
    return this.db.transaction(() => {
      const run = this.get(id)
      if (!run) return undefined
      const checkpointPaths = (this.db.prepare('SELECT path FROM checkpoints WHERE run_id = ? ORDER BY id').all(id) as { path: string }[]).map((r) => r.path)
      this.db.prepare('DELETE FROM checkpoints WHERE run_id = ?').run(id)
      this.db.prepare('DELETE FROM training_runs WHERE id = ?').run(id)
      return { run, checkpointPaths }
    })()
  }

  /** One run by id. */
  get(id: number): TrainingRun | undefined {
    const row = this.db.prepare('SELECT * FROM training_runs WHERE id = ?').get(id) as Row | undefined
    return row && toRun(row)
  }
}

function toRun(r: Row): TrainingRun {
  return {
    id: r.id,
    modelId: r.model_id,
    datasetId: r.dataset_id,
    config: fromJson(r.config_json, `training_runs#${r.id}`),
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at
  }
}
