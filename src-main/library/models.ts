import type { Db } from './open'
import { fromJson, nowIso, toJson, type JsonObject } from './json'

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

  /** Records a model; returns its id. */
  create(input: { name: string; kind: string; config?: JsonObject }): number {
    return (
      this.db
        .prepare('INSERT INTO models (name, kind, config_json, created_at) VALUES (?, ?, ?, ?) RETURNING id')
        .get(input.name, input.kind, toJson(input.config ?? {}), nowIso()) as { id: number }
    ).id
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
}

function toModel(r: Row): Model {
  return { id: r.id, name: r.name, kind: r.kind, config: fromJson(r.config_json, `models#${r.id}`), createdAt: r.created_at }
}
