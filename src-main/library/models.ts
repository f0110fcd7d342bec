import type { Db } from './open'
import { fromJson, nowIso, toJson, type JsonObject } from './json'
import { freeName, uniqueName } from './names'
import { UserError } from '../util/errors'

/** A model definition (architecture and its settings); training runs belong to one. */
export interface Model {
  id: number
  name: string
  kind: string
  config: JsonObject
  createdAt: string
}

interface Row {
  id: number
  name: string
  kind: string
  config_json: string
  created_at: string
}

/** Model definitions. */
export class ModelRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records a model; returns its id. The name is made unique ("… 2", "… 3": see uniqueName), so a
   * second model trained alike can be told apart; read and insert in one immediate transaction.
   */
  create(input: { name: string; kind: string; config?: JsonObject }): number {
    return this.db.transaction(() => {
      const name = uniqueName(this.db, 'models', 'model', input.name)
      return (
        this.db
          .prepare('INSERT INTO models (name, kind, config_json, created_at) VALUES (?, ?, ?, ?) RETURNING id')
          .get(name, input.kind, toJson(input.config ?? {}), nowIso()) as { id: number }
      ).id
    }).immediate()
  }

  /** Every model, newest first. */
  list(): Model[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY created_at DESC, id DESC').all() as Row[]).map(toModel)
  }

  /** One model by id. */
  get(id: number): Model | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Row | undefined
    return row && toModel(row)
  }

  /** Renames a model; an unknown id, or a name another model has (any case), is refused in one line. */
  rename(id: number, name: string): Model {
    return this.db.transaction(() => {
      if (!this.get(id)) throw new UserError(`model ${id}: not in the library`)
      this.db.prepare('UPDATE models SET name = ? WHERE id = ?').run(freeName(this.db, 'models', 'model', name, id), id)
      return this.get(id)!
    })()
  }

  /**
   * Deletes a model with its runs (their metrics) and their checkpoints in one transaction; renders
   * made with those checkpoints keep their row (checkpoint_id becomes NULL). Returns the checkpoint
   * folders to remove once this has committed; undefined when there is no such model.
   */
  remove(id: number): { model: Model; checkpointPaths: string[] } | undefined {
    return this.db.transaction(() => {
      const model = this.get(id)
      if (!model) return undefined
      const checkpointPaths = (
        this.db.prepare('SELECT c.path FROM checkpoints c JOIN training_runs r ON r.id = c.run_id WHERE r.model_id = ? ORDER BY c.id').all(id) as { path: string }[]
      ).map((r) => r.path)
      this.db.prepare('DELETE FROM checkpoints WHERE run_id IN (SELECT id FROM training_runs WHERE model_id = ?)').run(id)
      this.db.prepare('DELETE FROM training_runs WHERE model_id = ?').run(id)
      this.db.prepare('DELETE FROM models WHERE id = ?').run(id)
      return { model, checkpointPaths }
    })()
  }
}

function toModel(r: Row): Model {
  return { id: r.id, name: r.name, kind: r.kind, config: fromJson(r.config_json, `models#${r.id}`), createdAt: r.created_at }
}
