import { loadMonoNoted } from '../../audio/load'
import { initBackend } from '../backend'
import type { JobContext } from '../../jobs/job-context'
import { stylizeMatch } from './match/index'
import type { StyleHooks } from './progress'
import { methodSampleRate, stylize, type StyleTagger } from './stylize'
import { loudnessMeter } from '../../dsp/loudness'
import { signalMeasures } from '../../dsp/measures'
import type { RenderMeasures, StylizeOptions, StylizeReport } from './types'

/** Params of a `stylize` job: files by path (the worker decodes them), and the user's options. */
export interface StylizeJobParams {
  contentPath: string
  stylePath: string
  options: StylizeOptions
  /** The library holding the tagger of the activation method (the caller's resolved data directory). */
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
  try {
    return await render(params, ctx, backend, tagger?.sampleRate ?? sr, tagger)
  } finally {
    tagger?.model.dispose()
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

/** The activation method's tagger, from the job's data directory. */
async function loadActivationTagger(params: StylizeJobParams): Promise<StyleTagger> {
  // Imported here: only activation renders pay for opening the library.
  const { loadTagger } = await import('../../jobs/load-tagger')
  if (params.dataDir === undefined) throw new Error('stylize job: the activation method needs the data directory in its params')
  const { model, checkpoint } = params.options
  return loadTagger({ dataDir: params.dataDir, ...(model !== undefined && { modelId: model }), ...(checkpoint !== undefined && { checkpointId: checkpoint }) })
}

async function render(params: StylizeJobParams, ctx: JobContext, backend: string, sr: number, tagger: StyleTagger | undefined): Promise<StylizeJobResult> {
  const [content, style] = await Promise.all([loadMonoNoted(params.contentPath, sr), loadMonoNoted(params.stylePath, sr)])
  ctx.throwIfCancelled()
  const hooks: StyleHooks = {
    signal: ctx.signal,
    onProgress: (p) => {
      ctx.throwIfCancelled()
      ctx.progress({ step: p.step, total: p.total, phase: p.phase, ...(p.loss !== undefined && { loss: p.loss }) })
    }
  }
  const out =
    params.options.method === 'match'
      ? await stylizeMatch(content.samples, style.samples, sr, params.options, hooks, { content: params.contentPath, style: params.stylePath }, Math.min(content.sourceRate, style.sourceRate) / 2)
      : stylize(content.samples, style.samples, params.options, hooks, backend, tagger)
  const inputNotes = [...content.notes, ...style.notes, ...(params.options.method === 'match' ? matchFormatNotes(params.contentPath, content, sr) : [])]
  // Level and room measures of the three signals, the same for every method (dsp/measures).
  const meter = await loudnessMeter()
  const measures: RenderMeasures = {
    content: signalMeasures(content.samples, sr, meter),
    style: signalMeasures(style.samples, sr, meter),
    output: signalMeasures(out.audio, out.sampleRate, meter)
  }
  const report = { ...out.report, measures }
  return { audio: out.audio, sampleRate: out.sampleRate, report: inputNotes.length > 0 ? { ...report, inputNotes } : report }
}
