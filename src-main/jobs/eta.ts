import type { Milliseconds } from '../util/units'

/**
 * Time left for a job from its progress so far, assuming the remaining steps take as long as the
 * done ones did on average.
 */
export function estimateEtaMs(step: number, total: number, elapsedMs: Milliseconds): Milliseconds | undefined {
  if (!(total > 0) || !(step > 0) || !(elapsedMs >= 0)) return undefined
  if (step >= total) return 0
  return (elapsedMs / step) * (total - step)
}

/** Gives the ETA of one job's next progress report at time `nowMs`. */
export type EtaEstimator = (p: { step: number; total: number; phase?: string }, nowMs: Milliseconds) => Milliseconds | undefined

/**
 * The one place job ETAs are computed (for jobs that do not give their own). The first report of a
 * phase is timed from `startMs` (the job's start); later ones from that first report, so set-up time
 * (loading a model, analysing the inputs) does not inflate the rate of the steps that follow.
 */
export function createEtaEstimator(startMs: Milliseconds): EtaEstimator {
  let ref: { step: number; ms: Milliseconds; total: number; phase?: string } | undefined
  return (p, nowMs) => {
    if (!ref || ref.total !== p.total || ref.phase !== p.phase || p.step < ref.step) {
      ref = { step: p.step, ms: nowMs, total: p.total, phase: p.phase }
      return estimateEtaMs(p.step, p.total, nowMs - startMs)
    }
    if (p.step === ref.step) return estimateEtaMs(p.step, p.total, nowMs - startMs)
    return estimateEtaMs(p.step - ref.step, p.total - ref.step, nowMs - ref.ms)
  }
}
