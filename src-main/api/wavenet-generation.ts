/**
 * The WaveNet generation service: audio from a trained WaveNet (van den Oord et al. 2016), fast
 * per-layer queues by default (Paine et al. 2016) or the naive full-window pass, through the job pool
 * (`generateWavenet`). One behaviour for every door: the CLI's `generate` and the app's generate
 * panel both come here; the checks of the request's figures are made once, here, and those of the
 * model (unknown, not a WaveNet, an untrained speaker) in the job.
 */
import type { JobProgress } from '../jobs/protocol'
import type { GenerateWavenetParams, GenerateWavenetResult } from '../jobs/generate-wavenet-job'
import { resolveDataDir } from '../library/data-dir'
import { UserError } from '../util/errors'
import type { Seconds } from '../util/units'
import { getJobPool } from './jobs'
import type { TrainHooks } from './training'

/** Longest generation asked for in one request: ten minutes (naive generation would take days). */
export const MAX_GENERATE_SECONDS: Seconds = 600

/** Most streams (output files) in one request: a batch past this is a typo (100,000 was taken, run and written as 100,000 files). */
export const MAX_GENERATE_BATCH = 64

/** A generation request: the job's params, with the data dir and the naive switch optional. */
export type GenerateWavenetRequest = Omit<GenerateWavenetParams, 'dataDir' | 'naive'> & { dataDir?: string; naive?: boolean }

/** Figures a progress event carries (in `metrics`) while samples are made (no realtime factor for a run as long as its mel frames). */
export interface GenerationRate {
  /** Samples per second of wall time since the first sample, all streams counted. */
  samplesPerSecond: number
  /** Seconds of audio per second of wall time, all streams counted. */
  realtimeFactor: number
}

/**
 * Rate of a generation from its progress: `step` of `total` samples per stream, `streams` streams,
 * `elapsedMs` since step 0, and `seconds` of audio per stream when known (then the rate is total /
 * seconds Hz and the realtime factor is given; a run as long as its mel frames does not know it).
 * Null before a sample is made or when no time has passed.
 */
export function generationRate(p: { step: number; total: number; streams: number; elapsedMs: number; seconds?: Seconds }): Partial<GenerationRate> | null {
  if (!(p.step > 0 && p.elapsedMs > 0 && p.total > 0)) return null
  const samplesPerSecond = (p.step * p.streams) / (p.elapsedMs / 1000)
  return p.seconds !== undefined && p.seconds > 0 ? { samplesPerSecond, realtimeFactor: samplesPerSecond / (p.total / p.seconds) } : { samplesPerSecond }
}

/**
 * Generates `seconds` of audio per output file (one stream per file; 16-bit WAV at the model's
 * rate, written atomically by the job). `flag` prefixes the names in the refusals ('--' for the
 * CLI's flags). Rejects with a one-line UserError for bad input (more than 64 streams, seconds outside 0..600, a
 * temperature of 0 or below, a seed that is not a whole number >= 0, and the job's own checks),
 * with JobCancelled when the signal aborts. Progress carries GenerationRate in `metrics`.
 */
export async function generateWavenet(req: GenerateWavenetRequest, hooks: TrainHooks = {}, flag = ''): Promise<GenerateWavenetResult> {
  if (req.outs.length > MAX_GENERATE_BATCH) throw new UserError(`${flag}batch ${req.outs.length}: at most ${MAX_GENERATE_BATCH} streams in one request`)
  if (!req.untilMelEnds && !(req.seconds > 0 && req.seconds <= MAX_GENERATE_SECONDS)) throw new UserError(`${flag}seconds ${req.seconds}: not in 0..${MAX_GENERATE_SECONDS} (above 0)`)
  // The engine's 0 means argmax (a test mode); a listener asking for 0 or less has made a typo.
  if (!(req.temperature > 0)) throw new UserError(`${flag}temperature ${req.temperature}: must be above 0 (1 samples the model's distribution, lower is more conservative)`)
  if (!Number.isInteger(req.seed) || req.seed < 0) throw new UserError(`${flag}seed ${req.seed}: not a whole number >= 0`)
  const params: GenerateWavenetParams = { ...req, dataDir: resolveDataDir(req.dataDir), naive: req.naive ?? false }
  let firstStep: number | undefined
  const job = getJobPool().run('generateWavenet', params, {
    onProgress: (p: JobProgress) => {
      // The clock starts at the job's step 0, after the model is loaded: the rate is generation's alone.
      firstStep ??= performance.now()
      const rate = generationRate({ step: p.step, total: p.total, streams: params.outs.length, elapsedMs: performance.now() - firstStep, ...(!params.untilMelEnds && { seconds: params.seconds }) })
      hooks.onProgress?.(rate ? { ...p, metrics: { ...p.metrics, ...rate } } : p)
    },
    ...(hooks.signal && { signal: hooks.signal })
  })
  hooks.onJobId?.(job.id)
  return job.result
}
