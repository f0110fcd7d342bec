import type { Db } from './open'
import { UserError } from '../util/errors'

// Long enough for any real title, short enough to fit a row of the library view.
const MAX_NAME = 200

/** `name` trimmed, or one line naming `what` and why it cannot be a name (empty, too long, control characters). */
export function checkedName(what: string, name: string): string {
  const trimmed = name.trim()
  // Format characters (zero-width space, joiners, direction marks) and other spaces show nothing either.
  if (trimmed.replace(/[\p{Cf}\p{Z}]/gu, '') === '') throw new UserError(`${what} name: empty`)
  if (trimmed.length > MAX_NAME) throw new UserError(`${what} name: ${trimmed.length} characters, at most ${MAX_NAME}`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new UserError(`${what} name: contains control characters`)
  return trimmed
}

/**
 * What two names are compared by: without case (Unicode-aware, unlike SQLite's NOCASE) and in one
 * Unicode form (NFKC: "Café" typed as é or as e + combining accent, a full-width or ligature letter),
 * invisible format characters left out (a zero-width space), so two rows a list shows alike are one name.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').replace(/\p{Cf}/gu, '').toLocaleLowerCase()
}

/**
 * A checked name no other row of `table` has (compared by nameKey: two rows a list shows alike could
 * not be told apart); a taken one is refused in one line naming its holder.
 */
export function freeName(db: Db, table: NamedTable, what: string, name: string, ownId: number): string {
  const checked = checkedName(what, name)
  const key = nameKey(checked)
  const taken = namedRows(db, table).find((r) => r.id !== ownId && nameKey(r.name) === key)
  if (taken) throw new UserError(`${what} name: "${checked}" is taken by ${what} ${taken.id}`)
  return checked
}

/**
 * An automatic name made unique: `name` (cut to the longest allowed) when no row of `table` has it
 * (any case), else the first free of "name 2", "name 3"... (a second model trained alike), so every
 * name a row gets on creation can be told apart and renamed to. Call it in the inserting transaction.
 */
export function uniqueName(db: Db, table: NamedTable, what: string, name: string): string {
  const base = checkedName(what, name.trim().slice(0, MAX_NAME))
  const taken = new Set(namedRows(db, table).map((r) => nameKey(r.name)))
  if (!taken.has(nameKey(base))) return base
  for (let n = 2; ; n++) {
    const suffix = ` ${n}`
    const candidate = `${base.slice(0, MAX_NAME - suffix.length).trimEnd()}${suffix}`
    if (!taken.has(nameKey(candidate))) return candidate
  }
}

/** The tables whose rows carry a name the library view shows. */
type NamedTable = 'models' | 'renders' | 'datasets' | 'presets'

function namedRows(db: Db, table: NamedTable): { id: number; name: string }[] {
  // `table` is one of our own literals, never user input.
  return db.prepare(`SELECT id, name FROM ${table} WHERE name IS NOT NULL`).all() as { id: number; name: string }[]
}
