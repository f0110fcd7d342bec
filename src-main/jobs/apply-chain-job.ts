import { decodeFile } from '../audio/decode'
import { nonFiniteNote } from '../audio/levels'
import { mixToMono } from '../audio/mix'
import { loadMono } from '../audio/load'
import type { EffectChain } from '../engine/effects/chain'
import { applyChain } from '../engine/effects/apply'
import { loudnessMeter, type LoudnessMeter } from '../dsp/loudness'
import { signalMeasures } from '../dsp/measures'
import { styleMetrics } from '../dsp/metrics'
import type { SignalMeasures, StyleMetrics } from '../engine/style/types'
import { UserError, namedError } from '../util/errors'
import type { Decibels, Hz, Milliseconds, Seconds } from '../util/units'
import type { JobContext } from './job-context'

/** Params of an `applyChain` job: the dry file (decoded in the worker at its own rate) and the chain. */
export interface ApplyChainJobParams {
  path: string
  chain: EffectChain
  /** The style of a render this output belongs to: its distances to the output are measured too. */
  stylePath?: string
  /** With a stylePath: measure the input and the style as well (a new render; an edit keeps its render's). */
  measureInputs?: boolean
}

/** Result of an `applyChain` job: the processed channels (moved back, not copied) and what they measure. */
export interface ApplyChainJobResult {
  channels: Float32Array[]
  sampleRate: Hz
  duration: Seconds
  loudness: number | null
  truePeak: Decibels | null
  inputGainDb: Decibels
  measures: SignalMeasures
  /** With a stylePath: style distances of the input and the output, and the output's content distance. */
  metrics?: StyleMetrics
  /** Measures of the input and the style (with a stylePath), for a new render's report. */
  inputMeasures?: SignalMeasures
  styleMeasures?: SignalMeasures
  notes: string[]
  wallMs: Milliseconds
}

// Longer than an album side at 48 kHz stereo would need; a limit so a 10-hour file is refused, not swapped.
const MAX_SECONDS = 2 * 3600

/** Worker-side engine of the `applyChain` job kind: decode, apply (engine/effects/apply), measure. */
export async function applyChainJob(params: ApplyChainJobParams, ctx: JobContext): Promise<ApplyChainJobResult> {
  const started = Date.now()
  ctx.progress({ step: 0, total: 2, phase: 'load' })
  const input = await decodeFile(params.path)
  const duration = (input.channels[0]?.length ?? 0) / input.sampleRate
  if (duration > MAX_SECONDS) throw new UserError(`${params.path}: ${(duration / 3600).toFixed(1)} hours is longer than the ${MAX_SECONDS / 3600} hours the effect chain takes`)
  ctx.throwIfCancelled()
  ctx.progress({ step: 1, total: 2, phase: 'apply' })
  const out = await applyChain(input.channels, input.sampleRate, params.chain).catch((err: unknown) => {
    throw namedError(err, params.path)
  })
  ctx.throwIfCancelled()
  ctx.progress({ step: 2, total: 2, phase: 'measure' })
  const meter = await loudnessMeter()
  const outMono = mixToMono(out.channels)
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)
  // Level as BS.1770 measures the channels themselves (a stereo pair is not its mono mix); the rest from the mix.
  const measures = { ...signalMeasures(outMono, input.sampleRate, meter), loudness: finite(out.loudness), truePeak: finite(out.truePeak) }
  const extra = params.stylePath === undefined ? {} : await styleSide(params.stylePath, mixToMono(input.channels), outMono, input.sampleRate, meter, params.measureInputs === true)
  return {
    channels: out.channels,
    sampleRate: input.sampleRate,
    duration,
    loudness: finite(out.loudness),
    truePeak: finite(out.truePeak),
    inputGainDb: out.inputGainDb,
    measures,
    ...extra,
    notes: [...(input.nonFinite > 0 ? [`${params.path}: ${nonFiniteNote(input.nonFinite)}`] : []), ...out.notes],
    wallMs: Date.now() - started
  }
}

/** Distances to the style and the measures of input and style, all at the input's rate. */
async function styleSide(
  stylePath: string, inMono: Float32Array, outMono: Float32Array, sampleRate: Hz, meter: LoudnessMeter, measureInputs: boolean
): Promise<Pick<ApplyChainJobResult, 'metrics' | 'inputMeasures' | 'styleMeasures'>> {
  const style = await loadMono(stylePath, sampleRate)
  const metrics = styleMetrics(inMono, style, outMono, sampleRate)
  if (!measureInputs) return { metrics }
  return { metrics, inputMeasures: signalMeasures(inMono, sampleRate, meter), styleMeasures: signalMeasures(style, sampleRate, meter) }
}
