import { UserError } from '../../src-main/util/errors'

/** A failed case's class and the line to report. */
export interface Failure {
  outcome: 'CLEAN-ERROR' | 'CRASH'
  detail: string
}

/**
 * A thrown value judged against the clean-error rule: a UserError with a one-line message that
 * names the thing (any of `names`: the file's path or base name, a folder, "content") and a reason.
 */
export function classifyError(err: unknown, names: readonly string[]): Failure {
  if (!(err instanceof UserError)) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : `non-Error thrown: ${String(err)}`
    return { outcome: 'CRASH', detail: what.split('\n').slice(0, 3).join(' | ') }
  }
  // A bare CR counts: a terminal returns to the line's start there and overwrites what was printed.
  const lines = err.message.split(/\r\n|\r|\n/)
  if (lines.length > 1) return { outcome: 'CRASH', detail: `multi-line UserError (${lines.length} lines): ${lines.slice(0, 3).join(' | ')}` }
  if (!names.some((n) => n !== '' && err.message.includes(n))) return { outcome: 'CRASH', detail: `UserError that names no file: ${err.message}` }
  return { outcome: 'CLEAN-ERROR', detail: err.message }
}
