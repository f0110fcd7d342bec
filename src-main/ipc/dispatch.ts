import type { Envelope, MethodName } from '../../src-preload/api'
import { METHOD_NAMES } from '../../src-preload/api'
import type { ApiHandlers } from '../api/services'
import { UserError, describeError, visibleText } from '../util/errors'
import { requestSchemas } from './schemas'

/** Validates one call's payload and runs its handler; never throws, always resolves to an envelope. */
export type Dispatch = (method: string, payload: unknown) => Promise<Envelope>

const known = new Set<string>(METHOD_NAMES)

/** True when `name` is a method of the contract. */
export function isMethodName(name: string): name is MethodName {
  return known.has(name)
}

/**
 * The single boundary every door goes through: unknown method, malformed payload (zod), the
 * user's own mistake (UserError) and bugs all come back as one clear line, never as a crash.
 */
export function createDispatcher(handlers: ApiHandlers, log: (line: string, err: unknown) => void = defaultLog): Dispatch {
  return async (method, payload) => {
    if (!isMethodName(method)) return { ok: false, code: 'unknown-method', error: `unknown method "${visibleText(String(method).slice(0, 60))}"` }
    const parsed = requestSchemas[method].safeParse(payload)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request'
      return { ok: false, code: 'invalid', error: `${method}: invalid ${where}: ${issue?.message ?? 'malformed'}` }
    }
    try {
      const handler = handlers[method] as (req: unknown) => Promise<unknown>
      return { ok: true, value: await handler(parsed.data) }
    } catch (err) {
      // A message may quote the request (a path with a line break): it still reaches the caller as one line.
      if (err instanceof UserError) return { ok: false, code: 'user', error: visibleText(err.message) }
      log(`${method} failed`, err)
      return { ok: false, code: 'internal', error: `${method} failed: ${describeError(err)}` }
    }
  }
}

function defaultLog(line: string, err: unknown): void {
  console.error(line, err)
}
