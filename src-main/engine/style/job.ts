import { loadMonoNoted } from '../../audio/load'
import { initBackend } from '../backend'
import type { JobContext } from '../../jobs/job-context'
import { stylizeMatch } from './match/index'
import type { StyleHooks } from './progress'
import { checkSignal, methodSampleRate, stylize, type StyleTagger } from './stylize'
import { stylizeWavenet, type StyleWavenet } from './wavenet/index'
import { METRIC_LOG_MEL } from '../../dsp/metrics'
import { loudnessMeter } from '../../dsp/loudness'
import { signalMeasures } from '../../dsp/measures'
import { UserError } from '../../util/errors'
import type { RenderMeasures, StylizeOptions, StylizeReport } from './types'

/** Params of a `stylize` job: files by path (the worker decodes them), and the user's options. */
export interface StylizeJobParams {
  contentPath: string
  stylePath: string
  options: StylizeOptions
  /** The library holding the tagger of the activation method or the WaveNet of the wavenet method (the caller's resolved data directory). */
  dataDir?: string
}

/** Result of a `stylize` job: the output audio (moved, not copied, back to the caller) and its report. */
export interface StylizeJobResult {
  audio: Float32Array
  sampleRate: number
  report: StylizeReport
}

/** Worker-side engine of the `stylize` job kind: load both clips at the method's rate, then stylize. */
export async function stylizeJob(params: StylizeJobParams, ctx: JobContext): Promise<StylizeJobResult> {
  const sr = methodSampleRate(params.options.method)
  ctx.progress({ step: 0, total: 1, phase: 'load' })
  // A backend named in the options (the app's or host's render request) is switched to here, in the
  // worker that runs the job; otherwise the worker's own (the pool's, EB_BACKEND's, or the best).
  // The match method is DSP and a search, no TensorFlow.js: it needs no backend.
  const backend = params.options.method === 'match' ? 'none' : (await initBackend(params.options.backend ?? (ctx.backend === 'none' ? undefined : ctx.backend))).name
  const tagger = params.options.method === 'activation' ? await loadActivationTagger(params) : undefined
  const wavenet = params.options.method === 'wavenet' ? await loadWavenet(params) : undefined
  try {
    return await render(params, ctx, backend, tagger?.sampleRate ?? wavenet?.sampleRate ?? sr, tagger, wavenet)
  } finally {
    tagger?.model.dispose()
    wavenet?.model.dispose()
  }
}

/**
 * What a match render does to the content's format, said rather than done silently: renders are
 * mono at MATCH_RATE (apply-chain keeps a file's own rate and channels).
 */
function matchFormatNotes(path: string, content: { sourceRate: number; sourceChannels: number }, sr: number): string[] {
  const notes: string[] = []
  if (content.sourceChannels > 1) notes.push(`${path}: ${content.sourceChannels} channels mixed to mono for the match render (apply-chain with its chain keeps the channels)`)
  if (content.sourceRate !== sr) notes.push(`${path}: ${content.sourceRate} Hz, rendered at ${sr} Hz`)
  return notes
}

/** The wavenet method resamples both clips to its model's rate (a WaveNet knows one rate): said, not done silently. */
function wavenetRateNotes(inputs: [string, { sourceRate: number }][], sr: number): string[] {
  return inputs.filter(([, x]) => x.sourceRate !== sr).map(([path, x]) => `${path}: ${x.sourceRate} Hz, resampled to ${sr} Hz, the WaveNet's rate`)
}

/** The wavenet method's WaveNet, from the job's data directory. */
async function loadWavenet(params: StylizeJobParams): Promise<StyleWavenet> {
  // Imported here: only wavenet renders pay for opening the library.
  const { loadStyleWavenet } = await import('../../jobs/load-wavenet')
  if (params.dataDir === undefined) throw new Error('stylize job: the wavenet method needs the data directory in its params')
  const { model, checkpoint } = params.options
  return loadStyleWavenet({ dataDir: params.dataDir, ...(model !== undefined && { modelId: model }), ...(checkpoint !== undefined && { checkpointId: checkpoint }) })
}

/** Checks both clips (non-silent, long enough to measure) and runs the wavenet method. */
function renderWavenet(content: Float32Array, style: Float32Array, net: StyleWavenet, params: StylizeJobParams, hooks: StyleHooks, backend: string): ReturnType<typeof stylizeWavenet> {
  for (const [x, what] of [
    [content, 'content'],
    [style, 'style']
  ] as const) {
    checkSignal(x, what)
    if (x.length < METRIC_LOG_MEL.nFft) throw new UserError(`${what}: too short for the wavenet method (${x.length} samples at ${net.sampleRate} Hz; the measures need at least ${METRIC_LOG_MEL.nFft})`)
  }
  return stylizeWavenet(content, style, net, params.options, hooks, backend)
}

/** The activation method's tagger, from the job's data directory. */
async function loadActivationTagger(params: StylizeJobParams): Promise<StyleTagger> {
  // Imported here: only activation renders pay for opening the library.
  const { loadTagger } = await import('../../jobs/load-tagger')
  if (params.dataDir === undefined) throw new Error('stylize job: the activation method needs the data directory in its params')
  const { model, checkpoint } = params.options
  return loadTagger({ dataDir: params.dataDir, ...(model !== undefined && { modelId: model }), ...(checkpoint !== undefined && { checkpointId: checkpoint }) })
}

async function render(params: StylizeJobParams, ctx: JobContext, backend: string, sr: number, tagger: StyleTagger | undefined, wavenet: StyleWavenet | undefined): Promise<StylizeJobResult> {
  const [content, style] = await Promise.all([loadMonoNoted(params.contentPath, sr), loadMonoNoted(params.stylePath, sr)])
  ctx.throwIfCancelled()
  const hooks: StyleHooks = {
    signal: ctx.signal,
    onProgress: (p) => {
      ctx.throwIfCancelled()
      ctx.progress({ step: p.step, total: p.total, phase: p.phase, ...(p.loss !== undefined && { loss: p.loss }) })
    }
  }
  const match =
    params.options.method === 'match'
      ? await stylizeMatch(content.samples, style.samples, sr, params.options, hooks, { content: params.contentPath, style: params.stylePath }, Math.min(content.sourceRate, style.sourceRate) / 2)
      : undefined
  const out = match ?? (wavenet ? renderWavenet(content.samples, style.samples, wavenet, params, hooks, backend) : stylize(content.samples, style.samples, params.options, hooks, backend, tagger))
  const formatNotes =
    params.options.method === 'match'
      ? matchFormatNotes(params.contentPath, content, sr)
      : wavenet
        ? wavenetRateNotes([
            [params.contentPath, content],
            [params.stylePath, style]
          ], sr)
        : []
  const inputNotes = [...content.notes, ...style.notes, ...formatNotes]
  // Level and room measures of the three signals, the same for every method (dsp/measures). The match
  // method metered the inputs' loudness on these very samples at this rate: reused, not metered again.
  const meter = await loudnessMeter()
  const measures: RenderMeasures = {
    content: signalMeasures(content.samples, sr, meter, match && { loudness: match.inputLoudness.content }),
    style: signalMeasures(style.samples, sr, meter, match && { loudness: match.inputLoudness.style }),
    output: signalMeasures(out.audio, out.sampleRate, meter)
  }
  const report = { ...out.report, measures }
  return { audio: out.audio, sampleRate: out.sampleRate, report: inputNotes.length > 0 ? { ...report, inputNotes } : report }
}
