import { UserError } from '../util/errors'
import type { JobContext } from './job-context'

/**
 * The `selfTest` job: repeated [1/4, 1/2, 1/4] smoothing of a signal, a small iterative computation
 * with a loss that falls step by step (the signal's roughness), used to check the pool end to end
 * (transfer in and out, progress, cancel) on any machine. Pure: tests call it directly too.
 */

/** Params: the signal (moved to the worker) and how many smoothing passes to run. */
export interface SelfTestParams {
  samples: Float32Array
  passes: number
}

/** Result: input statistics, the smoothed signal (moved back) and its final roughness. */
export interface SelfTestResult {
  /** Sum and sum of squares of the input, accumulated in float64. */
  sum: number
  sumOfSquares: number
  smoothed: Float32Array
  /** Sum of squared neighbour differences of the output. */
  roughness: number
  passes: number
}

/** Upper bound on passes: keeps a typo from queueing a job that runs for days. */
const MAX_PASSES = 1e9
/** At most this many progress reports per job, so the loss is computed for a small share of steps. */
const REPORTS = 1000

/** One smoothing pass from src into dst; the end samples are repeated, which keeps the sum unchanged. */
export function smoothPass(src: Float32Array, dst: Float32Array): void {
  const n = src.length
  if (n === 0) return
  for (let i = 0; i < n; i++) {
    const left = src[i === 0 ? 0 : i - 1]!
    const right = src[i === n - 1 ? n - 1 : i + 1]!
    dst[i] = 0.25 * left + 0.5 * src[i]! + 0.25 * right
  }
}

/** Sum of squared differences between neighbouring samples. */
export function roughness(x: Float32Array): number {
  let r = 0
  for (let i = 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!
    r += d * d
  }
  return r
}

/** Runs the selfTest job; the input array is used as working memory (the worker owns it). */
export async function selfTest(params: SelfTestParams, ctx: JobContext): Promise<SelfTestResult> {
  const { samples, passes } = params
  if (!(samples instanceof Float32Array)) throw new UserError('selfTest: samples must be a Float32Array')
  if (!Number.isInteger(passes) || passes < 0 || passes > MAX_PASSES) {
    throw new UserError(`selfTest: passes must be an integer in [0, ${MAX_PASSES}], got ${passes}`)
  }
  let sum = 0
  let sumOfSquares = 0
  for (const v of samples) {
    sum += v
    sumOfSquares += v * v
  }
  let a: Float32Array = samples
  let b: Float32Array = new Float32Array(samples.length)
  const every = Math.max(1, Math.floor(passes / REPORTS))
  for (let pass = 1; pass <= passes; pass++) {
    ctx.throwIfCancelled()
    smoothPass(a, b)
    ;[a, b] = [b, a]
    if (pass % every === 0 || pass === passes) {
      const loss = roughness(a)
      ctx.progress({ step: pass, total: passes, loss, metrics: { roughness: loss }, phase: 'smooth' })
    }
  }
  return { sum, sumOfSquares, smoothed: a, roughness: roughness(a), passes }
}
