import type { Db } from './open'
import { UserError } from '../util/errors'

// Long enough for any real title, short enough to fit a row of the library view.
const MAX_NAME = 200

/** `name` trimmed, or one line naming `what` and why it cannot be a name (empty, too long, control characters). */
export function checkedName(what: string, name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw new UserError(`${what} name: empty`)
  if (trimmed.length > MAX_NAME) throw new UserError(`${what} name: ${trimmed.length} characters, at most ${MAX_NAME}`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new UserError(`${what} name: contains control characters`)
  return trimmed
}

/**
 * A checked name no other row of `table` has (compared without case, Unicode-aware: two rows a list
 * shows alike could not be told apart); a taken one is refused in one line naming its holder.
 */
export function freeName(db: Db, table: 'models' | 'renders', what: string, name: string, ownId: number): string {
  const checked = checkedName(what, name)
  const key = checked.toLocaleLowerCase()
  // `table` is one of two literals of ours, never user input.
  const rows = db.prepare(`SELECT id, name FROM ${table} WHERE name IS NOT NULL`).all() as { id: number; name: string }[]
  const taken = rows.find((r) => r.id !== ownId && r.name.toLocaleLowerCase() === key)
  if (taken) throw new UserError(`${what} name: "${checked}" is taken by ${what} ${taken.id}`)
  return checked
}
