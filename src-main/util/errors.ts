/**
 * An error caused by what the user asked for (a bad file, a bad option), as opposed to a bug.
 * Its message is one line naming the thing and the reason; the CLI prints it as is and exits 1.
 */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UserError'
  }
}

/** `err` as a UserError whose message starts with `name` (a file), unless it already does. */
export function namedError(err: unknown, name: string): Error {
  if (!(err instanceof UserError)) return err instanceof Error ? err : new Error(String(err))
  return err.message.startsWith(`${name}: `) ? err : new UserError(`${name}: ${err.message}`, { cause: err })
}

/**
 * One line describing any thrown value, for logs and the CLI's stderr. Control characters left in
 * it (a parser quoting a bare CR, say) are written as escapes, so a terminal cannot overwrite the line.
 */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err).split('\n')[0]!
  return visibleText(text)
}

/** `text` with control characters (CR, tab, escape...) written as \r, \t or \u001b. */
export function visibleText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))
}
