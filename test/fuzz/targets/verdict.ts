import type { Failure } from '../classify'
import type { Outcome, ReferenceCheck } from '../outcome'

/** What a target concluded about one case. */
export interface Verdict {
  outcome: Outcome
  detail: string
  integrityFailure?: string
  reference?: ReferenceCheck
}

/** WRONG with every reason, or OK with `summary`. */
export const judged = (wrongs: string[], summary: string, reference?: ReferenceCheck): Verdict =>
  wrongs.length > 0 ? { outcome: 'WRONG', detail: wrongs.join('; '), reference } : { outcome: 'OK', detail: summary, reference }

/**
 * A refusal, as the user meets it at the CLI: a clean error stays clean only with a non-zero exit
 * and exactly one stderr line; a refusal of a file that is valid is WRONG.
 */
export function refusal(f: Failure, cli: { code: number; stderr: string[] } | undefined, valid: boolean): Verdict {
  if (f.outcome === 'CRASH') return { outcome: 'CRASH', detail: f.detail }
  if (cli && cli.code === 0) return { outcome: 'WRONG', detail: `exit 0 after the error: ${f.detail}` }
  if (cli && cli.stderr.length !== 1) return { outcome: 'CRASH', detail: `${cli.stderr.length} stderr lines: ${cli.stderr.slice(0, 4).join(' | ')}` }
  if (valid) return { outcome: 'WRONG', detail: `refuses a valid file: ${f.detail}` }
  return { outcome: 'CLEAN-ERROR', detail: f.detail }
}
