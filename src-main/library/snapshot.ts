import type { Db } from './open'

/**
 * Every user table's rows in a stable order: lets tests and the doctor command prove that a failed
 * import left the library exactly as it was.
 */
export function snapshotTables(db: Db): Record<string, unknown[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[]
  const out: Record<string, unknown[]> = {}
  for (const { name } of tables) {
    // Table names come from sqlite_master, not from input; quoting guards odd names all the same.
    const quoted = `"${name.replace(/"/g, '""')}"`
    out[name] = db.prepare(`SELECT * FROM ${quoted} ORDER BY 1, 2`).all()
  }
  return out
}
