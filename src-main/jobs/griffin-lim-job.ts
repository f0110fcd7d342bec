import { griffinLim, spectralConvergence, type GriffinLimOptions } from '../dsp/griffin-lim'
import { UserError } from '../util/errors'
import type { JobContext } from './job-context'

/** Params of a `griffinLim` job: a magnitude spectrogram (frames x bins, frame-major, moved) and the options. */
export interface GriffinLimJobParams {
  magnitude: Float32Array
  frames: number
  bins: number
  options: Omit<GriffinLimOptions, 'onIteration'>
}

/** Result: the reconstructed signal (moved back) and its spectral convergence to the magnitude. */
export interface GriffinLimJobResult {
  signal: Float32Array
  spectralConvergence: number
  iterations: number
}

/**
 * Adapts dsp/griffin-lim onto the job context: one progress step per iteration with the spectral
 * convergence as loss, and the cancel checked once per iteration.
 */
export async function griffinLimJob(params: GriffinLimJobParams, ctx: JobContext): Promise<GriffinLimJobResult> {
  const { magnitude, frames, bins, options } = params
  if (!(magnitude instanceof Float32Array)) throw new UserError('griffinLim: magnitude must be a Float32Array')
  if (typeof options !== 'object' || options === null) throw new UserError('griffinLim: options are missing')
  const total = options.iterations
  const signal = griffinLim(magnitude, frames, bins, {
    ...options,
    onIteration(i, sc) {
      ctx.progress({ step: i + 1, total, loss: sc, metrics: { spectralConvergence: sc }, phase: 'phase' })
      ctx.throwIfCancelled()
    }
  })
  return { signal, spectralConvergence: spectralConvergence(magnitude, signal, options), iterations: total }
}
