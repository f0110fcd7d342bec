/** A seeded, time-bounded fuzz campaign: cases 0, 1, 2, ... of one seed, over one or more child processes. */
import type { CaseResult } from './outcome'
import { CaseRunner } from './pool'

/** How much to run. */
export interface CampaignOptions {
  seed: number
  /** Stop after this many cases... */
  cases: number
  /** ...or when this many seconds have passed, whichever comes first. */
  seconds: number
  /** Per-case bound: past it, the case is a HANG. */
  caseTimeoutMs: number
  /** Child processes running cases side by side. */
  workers: number
  /** Called after each case (progress lines). */
  onResult?: (r: CaseResult, done: number) => void
}

/** What a campaign did. */
export interface CampaignRun {
  seed: number
  results: CaseResult[]
  seconds: number
  /** true when the time bound, not the case count, ended it. */
  timedOut: boolean
}

/** Runs the campaign; results come back in case order. */
export async function runCampaign(o: CampaignOptions): Promise<CampaignRun> {
  const started = performance.now()
  const deadline = started + o.seconds * 1000
  const results: CaseResult[] = []
  let next = 0
  let timedOut = false
  const worker = async (): Promise<void> => {
    const runner = new CaseRunner()
    try {
      for (;;) {
        if (next >= o.cases) return
        if (performance.now() > deadline) {
          timedOut = true
          return
        }
        const index = next++
        const r = await runner.run(o.seed, index, o.caseTimeoutMs)
        results.push(r)
        o.onResult?.(r, results.length)
      }
    } finally {
      runner.close()
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, o.workers) }, worker))
  results.sort((a, b) => Number(a.id.split(':')[1]) - Number(b.id.split(':')[1]))
  return { seed: o.seed, results, seconds: (performance.now() - started) / 1000, timedOut }
}

/** Runs one case alone with its files kept (the replay command). */
export async function replayCase(seed: number, index: number, caseTimeoutMs: number): Promise<CaseResult> {
  const runner = new CaseRunner()
  try {
    return await runner.run(seed, index, caseTimeoutMs, true)
  } finally {
    runner.close()
  }
}
