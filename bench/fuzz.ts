/**
 * The fuzz section of `npm run bench` and its replay command (issue 12, "find the rest of each
 * kind"): a seeded, time-bounded campaign over info, convert, the stylize loader and the four
 * importers (engine in test/fuzz/), printing tallies per target, per mutation and per reference
 * decoder, and each distinct failure with the `seed:case` that replays it.
 *
 *   npm run bench -- fuzz [--fuzz-cases N] [--fuzz-seconds S] [--fuzz-seed N] [--fuzz-workers N]
 *   npx tsx bench/fuzz.ts [same options]           the campaign alone, without the bench's backend
 *   npx tsx bench/fuzz.ts --replay 12:345           one case again, its files kept, its result in full
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { replayCase, runCampaign } from '../test/fuzz/campaign'
import { referencesAvailable } from '../test/fuzz/reference'
import { formatReport } from '../test/fuzz/report'
import { tally } from '../test/fuzz/tally'

/** Campaign size and shape. */
export interface FuzzBenchOptions {
  seed: number
  cases: number
  seconds: number
  workers: number
  caseTimeoutMs: number
}

/** The full count: thousands of cases, bounded at 15 minutes; two children use both cores of the dev machine. */
export const FUZZ_DEFAULTS: FuzzBenchOptions = { seed: 12, cases: 5000, seconds: 900, workers: 2, caseTimeoutMs: 20_000 }

/** The bench options this section adds (parseArgs form). */
export const FUZZ_OPTIONS = {
  'fuzz-cases': { type: 'string' },
  'fuzz-seconds': { type: 'string' },
  'fuzz-seed': { type: 'string' },
  'fuzz-workers': { type: 'string' }
} as const

/** Reads the --fuzz-* flags over the defaults; throws on a value that is not a positive integer. */
export function fuzzOptions(values: Partial<Record<keyof typeof FUZZ_OPTIONS, string | undefined>>): FuzzBenchOptions {
  const num = (name: keyof typeof FUZZ_OPTIONS, fallback: number): number => {
    const raw = values[name]
    if (raw === undefined) return fallback
    if (!/^\d+$/.test(raw)) throw new Error(`--${name}: "${raw}" is not a whole number`)
    return Number(raw)
  }
  return {
    ...FUZZ_DEFAULTS,
    seed: num('fuzz-seed', FUZZ_DEFAULTS.seed),
    cases: num('fuzz-cases', FUZZ_DEFAULTS.cases),
    seconds: num('fuzz-seconds', FUZZ_DEFAULTS.seconds),
    workers: Math.max(1, num('fuzz-workers', FUZZ_DEFAULTS.workers))
  }
}

/** Runs the campaign, prints its report on stderr, and returns the headline counts for bench/results.json. */
export async function benchFuzz(o: FuzzBenchOptions): Promise<Record<string, number>> {
  let last = performance.now()
  const run = await runCampaign({
    ...o,
    onResult: (_r, done) => {
      if (performance.now() - last < 10_000) return
      last = performance.now()
      process.stderr.write(`fuzz: ${done} cases\n`)
    }
  })
  const t = tally(run.results)
  process.stderr.write(`${formatReport(t, { seed: o.seed, seconds: run.seconds, timedOut: run.timedOut, references: referencesAvailable() })}\n`)
  // Every case's result, one JSON object a line, for digging beyond the first example of each failure.
  const all = join(tmpdir(), `eb-fuzz-results-seed${o.seed}.jsonl`)
  writeFileSync(all, run.results.map((r) => JSON.stringify(r)).join('\n') + '\n')
  process.stderr.write(`every result: ${all}\n`)
  const c = t.total
  return {
    fuzzCases: c.tried,
    fuzzOk: c.outcomes.OK,
    fuzzCleanErrors: c.outcomes['CLEAN-ERROR'],
    fuzzCrashes: c.outcomes.CRASH,
    fuzzHangs: c.outcomes.HANG,
    fuzzWrong: c.outcomes.WRONG,
    fuzzIntegrityFailures: c.integrity,
    fuzzReferenceCompared: c.refCompared,
    fuzzReferenceDisagreements: c.refDisagree,
    fuzzSeconds: run.seconds
  }
}

async function cli(): Promise<void> {
  const { values } = parseArgs({ options: { ...FUZZ_OPTIONS, replay: { type: 'string' } } })
  const o = fuzzOptions(values)
  if (values.replay !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(values.replay)
    if (!m) throw new Error(`--replay: "${values.replay}" is not <seed>:<case>`)
    const r = await replayCase(Number(m[1]), Number(m[2]), o.caseTimeoutMs)
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`)
    return
  }
  await benchFuzz(o)
}

if (process.argv[1] !== undefined && /bench[\\/]fuzz\.ts$/.test(process.argv[1])) {
  cli().catch((err: unknown) => {
    process.stderr.write(`fuzz: ${(err as Error)?.message ?? String(err)}\n`)
    process.exit(2)
  })
}
