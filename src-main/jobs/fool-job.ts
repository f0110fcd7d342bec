/**
 * Worker side of the `fool` job: load a trained tagger and one clip, maximise one tag's song-level
 * probability on the clip's waveform (engine/style/activation-fool), and measure what that did to
 * the sound: the tag's probability before and after, the style measures against the input, and the
 * spectral flatness of input and output (the research report heard white noise).
 */
import { performance } from 'node:perf_hooks'
import { loadMonoNoted } from '../audio/load'
import { initBackend } from '../engine/backend'
import { foolTagger, tagIndex, FOOL_ITERATIONS } from '../engine/style/activation-fool'
import { checkSignal } from '../engine/style/stylize'
import { contentDistance, styleDistance } from '../dsp/metrics'
import { spectralFlatness } from '../dsp/flatness'
import type { Hz, Milliseconds } from '../util/units'
import type { JobContext } from './job-context'
import { loadTagger } from './load-tagger'
import { Library } from '../library/library'
import type { ModelRef } from './model-jobs'

/** Params of `fool`: the clip (decoded in the worker), the tag to maximise, the iteration budget. */
export interface FoolParams extends ModelRef {
  inPath: string
  tag: string
  /** L-BFGS iterations per ~29.5 s segment (default FOOL_ITERATIONS). */
  iterations?: number
}

/** What fooling did, measured. */
export interface FoolReport {
  tag: string
  modelId: number
  checkpointId: number
  arch: string
  backend: string
  sampleRate: Hz
  durationS: number
  /** The tag's song-level probability (mean over evenly spaced windows, as `tag` reports it). */
  probability: { before: number; after: number }
  iterations: number
  finalLoss: number
  /** Frechet distance of log-mel statistics, output vs input (dsp/metrics; 0 = same texture). */
  styleDistance: number
  /** Mean absolute difference of z-scored log-mel frames, output vs input (dsp/metrics). */
  contentDistance: number
  /** Spectral flatness (dsp/flatness): 0 for a tone, 0.56 for white noise. */
  spectralFlatness: { input: number; output: number }
  /**
   * What was added (output - input, sample by sample): its energy relative to the input's in dB
   * (negative: quieter than the clip) and its spectral flatness; both null when nothing changed.
   */
  change: { levelDb: number; spectralFlatness: number } | { levelDb: null; spectralFlatness: null }
  wallMs: Milliseconds
  /** What the decoder repaired in the input (NaN/Inf samples); absent when nothing. */
  inputNotes?: string[]
}

/** Result of `fool`: the output audio at the tagger's rate (moved back to the caller) and its report. */
export interface FoolResult {
  audio: Float32Array
  sampleRate: Hz
  report: FoolReport
}

/** The merged tag a name stands for (`violins` is `violin`), as `clips --tag` reads it; the name itself otherwise. */
function mergedTag(p: FoolParams): string {
  const lib = Library.open(p.dataDir)
  try {
    return lib.tags.resolve(p.tag)?.name ?? p.tag
  } finally {
    lib.close()
  }
}

/** Fools a trained tagger on one clip. */
export async function foolJob(p: FoolParams, ctx: JobContext): Promise<FoolResult> {
  const started = performance.now()
  ctx.progress({ step: 0, total: 1, phase: 'load' })
  const backend = (await initBackend(ctx.backend === 'none' ? undefined : ctx.backend)).name
  const tagger = await loadTagger(p)
  try {
    const tag = tagIndex(tagger, mergedTag(p))
    const input = await loadMonoNoted(p.inPath, tagger.sampleRate)
    checkSignal(input.samples, 'input')
    ctx.throwIfCancelled()
    const out = foolTagger(tagger, input.samples, tag, p.iterations ?? FOOL_ITERATIONS, {
      signal: ctx.signal,
      onProgress: (q) => {
        ctx.throwIfCancelled()
        ctx.progress({ step: q.step, total: q.total, phase: q.phase, ...(q.loss !== undefined && { loss: q.loss }) })
      }
    })
    const sr = tagger.sampleRate
    const report: FoolReport = {
      tag: p.tag,
      modelId: tagger.modelId,
      checkpointId: tagger.checkpointId,
      arch: tagger.arch,
      backend,
      sampleRate: sr,
      durationS: input.samples.length / sr,
      probability: { before: out.before, after: out.after },
      iterations: out.iterations,
      finalLoss: out.losses.at(-1) ?? Number.NaN,
      styleDistance: styleDistance(out.audio, input.samples, sr, ['output', 'input']),
      contentDistance: contentDistance(out.audio, input.samples, sr),
      spectralFlatness: { input: spectralFlatness(input.samples), output: spectralFlatness(out.audio) },
      change: changeOf(input.samples, out.audio),
      wallMs: Math.round(performance.now() - started),
      ...(input.notes.length > 0 && { inputNotes: input.notes })
    }
    return { audio: out.audio, sampleRate: sr, report }
  } finally {
    tagger.model.dispose()
  }
}

/** The added signal output - input: its level relative to the input and its spectral flatness. */
function changeOf(input: Float32Array, output: Float32Array): FoolReport['change'] {
  const diff = Float32Array.from(output, (v, i) => v - input[i]!)
  let added = 0
  let original = 0
  for (let i = 0; i < diff.length; i++) {
    added += diff[i]! * diff[i]!
    original += input[i]! * input[i]!
  }
  if (added === 0) return { levelDb: null, spectralFlatness: null }
  return { levelDb: 10 * Math.log10(added / original), spectralFlatness: spectralFlatness(diff) }
}
