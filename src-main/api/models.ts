/**
 * The model library service: what is trained (models, their runs with curves, their checkpoints),
 * and the jobs that use a trained tagger (tag a file, evaluate on a split, export the files). The
 * same functions serve the CLI (`models`, `tag`, `evaluate`, `export`), the app and the web host.
 */
import { stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { writeWav } from '../audio/wav'
import type { Library } from '../library/library'
import type { Checkpoint } from '../library/checkpoints'
import type { Model } from '../library/models'
import type { RunMetric, TrainingRun } from '../library/runs'
import { resolveDataDir } from '../library/data-dir'
import type { JobProgress } from '../jobs/protocol'
import type { EvaluateResult, ExportResult, TagAudioResult } from '../jobs/model-jobs'
import type { FoolReport } from '../jobs/fool-job'
import type { TaggerSplit } from '../datasets/mtat/training-splits'
import type { Split } from '../library/clips'
import { UserError } from '../util/errors'
import { getJobPool } from './jobs'

/** A model with its runs, each with its checkpoints: the library view and `models --json`. */
export interface ModelEntry extends Model {
  runs: (TrainingRun & { checkpoints: Checkpoint[] })[]
}

/** Every model, newest first, with runs and checkpoints. */
export function listModels(lib: Library): ModelEntry[] {
  return lib.models.list().map((m) => ({ ...m, runs: lib.runs.list({ modelId: m.id }).map((r) => ({ ...r, checkpoints: lib.checkpoints.list({ runId: r.id }) })) }))
}

/** A run's curves: metric name -> points by step (loss per batch, validation figures per epoch). */
export function runCurves(lib: Library, runId: number): Record<string, { step: number; value: number }[]> {
  if (!lib.runs.get(runId)) throw new UserError(`run ${runId}: not in the library`)
  const out: Record<string, { step: number; value: number }[]> = {}
  for (const m of lib.runs.metrics(runId) as RunMetric[]) (out[m.name] ??= []).push({ step: m.step, value: m.value })
  return out
}

/** Which trained tagger: a model id (its best checkpoint), a checkpoint id, or (neither) the newest tagger. */
export interface TaggerRef {
  modelId?: number
  checkpointId?: number
  dataDir?: string
}

/** Hooks of a model job. */
export interface ModelJobHooks {
  onProgress?(p: JobProgress): void
  signal?: AbortSignal
}

const ref = (r: TaggerRef) => ({
  dataDir: resolveDataDir(r.dataDir),
  ...(r.modelId !== undefined && { modelId: r.modelId }),
  ...(r.checkpointId !== undefined && { checkpointId: r.checkpointId })
})
const hooksOf = (h: ModelJobHooks) => ({ ...(h.onProgress && { onProgress: h.onProgress }), ...(h.signal && { signal: h.signal }) })

/** The top `top` tags of an audio file of any length and supported format, with probabilities. */
export function tagFile(r: TaggerRef & { path: string; top?: number }, hooks: ModelJobHooks = {}): Promise<TagAudioResult> {
  return getJobPool().run('tagAudio', { ...ref(r), path: resolve(r.path), top: r.top ?? 10 }, hooksOf(hooks)).result
}

/** Per-tag and macro ROC-AUC / PR-AUC of a tagger on one split of its dataset (by default the test part of the split it trained on). */
export function evaluateModel(
  r: TaggerRef & { split?: Split; splitChoice?: TaggerSplit; seed?: number; evalMaxWindows?: number },
  hooks: ModelJobHooks = {}
): Promise<EvaluateResult> {
  return getJobPool().run(
    'evaluateTagger',
    {
      ...ref(r),
      ...(r.split !== undefined && { split: r.split }),
      ...(r.splitChoice !== undefined && { splitChoice: typeof r.splitChoice === 'object' ? { file: resolve(r.splitChoice.file) } : r.splitChoice }),
      ...(r.seed !== undefined && { seed: r.seed }),
      ...(r.evalMaxWindows !== undefined && { evalMaxWindows: r.evalMaxWindows })
    },
    hooksOf(hooks)
  ).result
}

/** Writes a tagger's TF.js Layers files into `out` (refused when it already holds a model). */
export function exportModel(r: TaggerRef & { out: string }, hooks: ModelJobHooks = {}): Promise<ExportResult> {
  return getJobPool().run('exportModel', { ...ref(r), out: resolve(r.out) }, hooksOf(hooks)).result
}

/** Where a fooled clip went, and what fooling measured. */
export interface FoolFileResult {
  outPath: string
  report: FoolReport
}

/**
 * Changes the clip `inPath` to maximise `tag` of a trained tagger (the research report's "fooling")
 * and writes the result to `outPath` (a 16-bit WAV at the tagger's rate, written atomically).
 */
export async function foolFile(
  r: TaggerRef & { inPath: string; outPath: string; tag: string; iterations?: number },
  hooks: ModelJobHooks = {}
): Promise<FoolFileResult> {
  if (extname(r.outPath).toLowerCase() !== '.wav') throw new UserError(`${r.outPath}: output must be a .wav file`)
  const info = await stat(r.inPath).catch(() => null)
  if (!info?.isFile()) throw new UserError(`${r.inPath}: ${info ? 'not a file' : 'input file does not exist'}`)
  const params = { ...ref(r), inPath: resolve(r.inPath), tag: r.tag, ...(r.iterations !== undefined && { iterations: r.iterations }) }
  const result = await getJobPool().run('fool', params, hooksOf(hooks)).result
  await writeWav(r.outPath, [result.audio], result.sampleRate, { float: false })
  return { outPath: r.outPath, report: result.report }
}
