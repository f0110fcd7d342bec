import { UserError } from '../util/errors'

/** A JSON object as stored in *_json columns. */
export type JsonObject = Record<string, unknown>

/** Current time as stored in the library: ISO-8601 UTC. */
export function nowIso(): string {
  return new Date().toISOString()
}

/** Serialises a settings object for a *_json column. */
export function toJson(value: JsonObject | unknown[]): string {
  return JSON.stringify(value)
}

/** Parses a *_json column; a corrupt cell names its table and row instead of crashing a listing. */
export function fromJson<T = JsonObject>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T
  } catch {
    throw new UserError(`library ${where}: stored JSON is corrupt`)
  }
}
