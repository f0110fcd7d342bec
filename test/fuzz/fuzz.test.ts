import { describe, expect, it } from 'vitest'
import { runCampaign } from './campaign'
import { referencesAvailable } from './reference'
import { formatReport } from './report'
import { failing, tally } from './tally'

/**
 * The CI count: the first cases of the bench's own campaign (same seed, so a failure here replays
 * with `npx tsx bench/fuzz.ts --replay 12:<case>`), bounded to fit about a minute on two cores.
 */
const CI = { seed: 12, cases: 900, seconds: 75, workers: 1, caseTimeoutMs: 20_000 }

describe('fuzz: info, convert, the stylize loader and the four importers (issue 12)', () => {
  it('gives a correct result or one clean error line for every mutated file, and keeps the library intact', async () => {
    const run = await runCampaign(CI)
    const t = tally(run.results)
    const report = formatReport(t, { seed: CI.seed, seconds: run.seconds, timedOut: run.timedOut, references: referencesAvailable() })
    console.log(report)
    // The time bound must leave a real campaign, not a handful of cases.
    expect(t.total.tried).toBeGreaterThanOrEqual(150)
    const o = t.total.outcomes
    expect(failing(t), `${o.CRASH} crashes, ${o.HANG} hangs, ${o.WRONG} wrong results, ${t.total.integrity} integrity failures (report above)`).toBe(false)
  }, 240_000)
})
