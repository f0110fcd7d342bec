import type { Envelope, MethodName } from '../../src-preload/api'
import { METHOD_NAMES } from '../../src-preload/api'
import type { ApiHandlers } from '../api/services'
import { UserError, describeError, visibleText } from '../util/errors'
import { requestSchemas } from './schemas'
import type { z } from 'zod'

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
      return { ok: false, code: 'invalid', error: `${method}: invalid ${where}: ${issue ? plainIssue(issue) : 'malformed'}` }
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

/**
 * A size refusal in plain words ("too long: at most 500 characters") in place of zod's own
 * ("Too big: expected string to have <=500 characters"); any other issue keeps its message.
 */
export function plainIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return issue.message
  const big = issue.code === 'too_big'
  const bound = Number(big ? issue.maximum : issue.minimum)
  const exclusive = issue.inclusive === false
  const limit = exclusive ? (big ? `below ${bound}` : `above ${bound}`) : big ? `at most ${bound}` : `at least ${bound}`
  const unit = (one: string): string => ` ${one}${bound === 1 && !exclusive ? '' : 's'}`
  switch (issue.origin) {
    case 'string':
      return big ? `too long: ${limit}${unit('character')}` : bound === 1 ? 'empty' : `too short: ${limit}${unit('character')}`
    case 'array':
    case 'set':
      return `${big ? 'too many' : 'too few'}: ${limit}${unit('item')}`
    default:
      return `${big ? 'too large' : 'too small'}: ${limit}`
  }
}

function defaultLog(line: string, err: unknown): void {
  console.error(line, err)
}
