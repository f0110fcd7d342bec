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

/** One line describing any thrown value, for logs and the CLI's stderr. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name
  return String(err)
}
