/** A SQL value bound as a parameter. */
export type SqlParam = string | number

/** One condition with its parameters; skipped when `when` is false. */
export interface Condition {
  sql: string
  params?: SqlParam[]
  when?: boolean
}

/**
 * Builds a WHERE clause from conditions whose SQL is fixed text in the repositories and whose values
 * are always bound parameters (never spliced into the text).
 */
export function whereClause(conditions: Condition[]): { where: string; params: SqlParam[] } {
  const used = conditions.filter((c) => c.when !== false)
  return {
    where: used.length > 0 ? `WHERE ${used.map((c) => c.sql).join(' AND ')}` : '',
    params: used.flatMap((c) => c.params ?? [])
  }
}

/** An equality condition on `column`, used only when `value` is given. */
export function eq(column: string, value: SqlParam | undefined): Condition {
  return { sql: `${column} = ?`, params: value === undefined ? [] : [value], when: value !== undefined }
}
