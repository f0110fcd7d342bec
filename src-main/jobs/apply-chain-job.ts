import { performance } from 'node:perf_hooks'
import { decodeFile } from '../audio/decode'
import { nonFiniteNote } from '../audio/levels'
import { mixToMono } from '../audio/mix'
import { loadMono, loadMonoNoted } from '../audio/load'
import { resample } from '../audio/resample'
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
  /**
   * Render as the render this output edits was made: at its rate, and mixed to mono when it was mono
   * (a match render: the content loaded as the stylize job loads it, so a net-zero edit gives the
   * same samples). Without it, the file's own rate and channels.
   */
  renderAs?: { sampleRate: Hz; mono: boolean }
  /** Cut the output at the input's length (no reverb tail after it): for sample alignment with the input. */
  keepLength?: boolean
}

/** Result of an `applyChain` job: the processed channels (moved back, not copied) and what they measure. */
export interface ApplyChainJobResult {
  channels: Float32Array[]
  sampleRate: Hz
  duration: Seconds
  /** Seconds of tail rendered after the input's length (0 with keepLength). */
  tail: Seconds
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
  /** The whole job: decode (and resample), chain, measure. */
  wallMs: Milliseconds
  /** The chain alone (applyChain): what x-realtime is figured on. */
  chainMs: Milliseconds
}

// Longer than an album side at 48 kHz stereo would need; a limit so a 10-hour file is refused, not swapped.
const MAX_SECONDS = 2 * 3600

/** Worker-side engine of the `applyChain` job kind: decode, apply (engine/effects/apply), measure. */
export async function applyChainJob(params: ApplyChainJobParams, ctx: JobContext): Promise<ApplyChainJobResult> {
  const started = Date.now()
  ctx.progress({ step: 0, total: 2, phase: 'load' })
  const input = await loadInput(params.path, params.renderAs)
  const duration = (input.channels[0]?.length ?? 0) / input.sampleRate
  if (duration > MAX_SECONDS) throw new UserError(`${params.path}: ${(duration / 3600).toFixed(1)} hours is longer than the ${MAX_SECONDS / 3600} hours the effect chain takes`)
  ctx.throwIfCancelled()
  ctx.progress({ step: 1, total: 2, phase: 'apply' })
  const chainStarted = performance.now()
  const out = await applyChain(input.channels, input.sampleRate, params.chain, { keepLength: params.keepLength === true }).catch((err: unknown) => {
    throw namedError(err, params.path)
  })
  const chainMs = performance.now() - chainStarted
  ctx.throwIfCancelled()
  ctx.progress({ step: 2, total: 2, phase: 'measure' })
  const meter = await loudnessMeter()
  const outMono = mixToMono(out.channels)
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)
  // Level as BS.1770 measures the channels themselves (a stereo pair is not its mono mix); the rest from
  // the mix. Metered here, as the stylize job meters a render, not taken from the chain's own loudness
  // solve: an edit that changes nothing then reports the render's very figures.
  const loudness = finite(meter.integrated(out.channels, input.sampleRate))
  const truePeak = finite(meter.truePeak(out.channels, input.sampleRate))
  const measures = { ...signalMeasures(outMono, input.sampleRate, meter), loudness, truePeak }
  const extra = params.stylePath === undefined ? {} : await styleSide(params.stylePath, mixToMono(input.channels), outMono, input.sampleRate, meter, params.measureInputs === true)
  return {
    channels: out.channels,
    sampleRate: input.sampleRate,
    duration,
    tail: out.tail / input.sampleRate,
    loudness,
    truePeak,
    inputGainDb: out.inputGainDb,
    measures,
    ...extra,
    notes: [...input.notes, ...out.notes],
    wallMs: Date.now() - started,
    chainMs
  }
}

/** The input's channels at the rate the output is rendered at, with the decoder's notes. */
async function loadInput(path: string, renderAs: ApplyChainJobParams['renderAs']): Promise<{ channels: Float32Array[]; sampleRate: Hz; notes: string[] }> {
  if (renderAs?.mono) {
    // The very steps of the stylize job's loading (engine/style/job.ts): decode, mix, resample.
    const { samples, notes } = await loadMonoNoted(path, renderAs.sampleRate)
    return { channels: [samples], sampleRate: renderAs.sampleRate, notes }
  }
  const audio = await decodeFile(path)
  const notes = audio.nonFinite > 0 ? [`${path}: ${nonFiniteNote(audio.nonFinite)}`] : []
  const rate = renderAs?.sampleRate ?? audio.sampleRate
  if (rate === audio.sampleRate) return { channels: audio.channels, sampleRate: rate, notes }
  const channels = await Promise.all(audio.channels.map((c) => resample(c, audio.sampleRate, rate).catch((err: unknown) => { throw namedError(err, path) })))
  return { channels, sampleRate: rate, notes }
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
