/**
 * Worker side of the jobs that use a trained tagger: tagging a file (`tagAudio`), evaluating a
 * model on a split of its dataset (`evaluateTagger`), and exporting its files (`exportModel`).
 * Each opens the library of `dataDir` to find the model's checkpoint; the heavy work is engine's.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Library } from '../library/library'
import type { Split } from '../library/clips'
import type { Checkpoint } from '../library/checkpoints'
import { AudioCache, DEFAULT_CACHE_BYTES } from '../datasets/audio-cache'
import { labelledSplits, type TaggerSplit } from '../datasets/mtat/training-splits'
import { loadMonoNoted } from '../audio/load'
import { initBackend } from '../engine/backend'
import { holdsModel, loadModel, saveModel, type LayersModel } from '../engine/models/model-files'
import { evaluateTagger, predictSong, type TaggerSpec } from '../engine/train/tagger'
import type { TagMetrics } from '../engine/train/metrics'
import { UserError } from '../util/errors'
import { DEFAULT_SPLIT_SEED } from '../datasets/split'
import type { JobContext } from './job-context'
import { resolveModelRef, type ModelFamily, type ModelRef } from './model-ref'
import { resolveWavenet } from './load-wavenet'
import { WAVENET_ARCH } from '../engine/train/wavenet'

export type { ModelRef } from './model-ref'

/** Taggers: a model id stands for its best checkpoint by validation ROC-AUC; without one (a split too small to score), the newest. */
const TAGGERS: ModelFamily = {
  label: 'tagger',
  trainWith: 'train-tagger',
  is: (arch) => arch.startsWith('tagger/'),
  best: (all) => [...all].sort((a, b) => (b.metrics.valRocAuc ?? -1) - (a.metrics.valRocAuc ?? -1) || b.step - a.step)[0]!
}

/** The checkpoint a reference names, with the tagger description stored in it. */
export async function resolveTagger(lib: Library, ref: ModelRef): Promise<{ checkpoint: Checkpoint; spec: TaggerSpec; modelId: number }> {
  const { checkpoint, spec, modelId } = await resolveModelRef<TaggerSpec>(lib, ref, TAGGERS)
  return { checkpoint, spec, modelId }
}

async function withTagger<T>(ref: ModelRef, ctx: JobContext, use: (lib: Library, model: LayersModel, found: Awaited<ReturnType<typeof resolveTagger>>) => Promise<T>): Promise<T> {
  await initBackend(ctx.backend === 'none' ? undefined : ctx.backend)
  const lib = Library.open(ref.dataDir)
  let model: LayersModel | null = null
  try {
    const found = await resolveTagger(lib, ref)
    model = await loadModel(found.checkpoint.path, { optimizer: false })
    return await use(lib, model, found)
  } finally {
    model?.dispose()
    lib.close()
  }
}

/** Params of `tagAudio`: a file of any length and format, and how many tags to return. */
export interface TagAudioParams extends ModelRef {
  path: string
  top: number
}

/** The song's tags, most probable first, and what produced them. */
export interface TagAudioResult {
  path: string
  modelId: number
  checkpointId: number
  tags: { tag: string; probability: number }[]
  /** Windows averaged (evenly spaced across the whole file). */
  windows: number
  durationS: number
  notes: string[]
}

/** Tags one file: song-level probabilities (mean over windows), the top `top`. */
export function tagAudioJob(p: TagAudioParams, ctx: JobContext): Promise<TagAudioResult> {
  return withTagger(p, ctx, async (_lib, model, { checkpoint, spec, modelId }) => {
    const { samples, notes } = await loadMonoNoted(p.path, spec.sampleRate)
    const probs = predictSong(model, samples, spec.crop)
    const tags = spec.tags.map((tag, i) => ({ tag, probability: probs[i]! })).sort((a, b) => b.probability - a.probability)
    return {
      path: p.path,
      modelId,
      checkpointId: checkpoint.id,
      tags: tags.slice(0, Math.max(1, p.top)),
      windows: Math.max(1, Math.ceil(samples.length / spec.crop)),
      durationS: samples.length / spec.sampleRate,
      notes
    }
  })
}

/**
 * Params of `evaluateTagger`: a split of the model's own dataset. Without `splitChoice` and `seed`,
 * those its run trained with (so 'test' is the run's own test part, never clips it trained on);
 * without `split`, 'test', or 'valid' where the choice has no test part (the shuffled split).
 */
export interface EvaluateParams extends ModelRef {
  split?: Split
  splitChoice?: TaggerSplit
  seed?: number
  evalMaxWindows?: number
}

/** A model's figures on one split. */
export interface EvaluateResult extends TagMetrics {
  modelId: number
  checkpointId: number
  split: Split
  unscored: number
}

/** Evaluates a tagger on a split of the dataset it was trained on: per-tag and macro ROC-AUC / PR-AUC. */
export function evaluateTaggerJob(p: EvaluateParams, ctx: JobContext): Promise<EvaluateResult> {
  return withTagger(p, ctx, async (lib, model, { checkpoint, spec, modelId }) => {
    const run = lib.runs.get(checkpoint.runId)
    const dataset = run?.datasetId != null ? lib.datasets.get(run.datasetId) : undefined
    if (!dataset) throw new UserError(`checkpoint ${checkpoint.id}: its dataset is no longer in the library`)
    const trained = (run?.config ?? {}) as { splitChoice?: TaggerSplit; seed?: number }
    const choice = p.splitChoice ?? trained.splitChoice ?? 'standard'
    const splits = labelledSplits(lib, dataset, choice, p.seed ?? trained.seed ?? DEFAULT_SPLIT_SEED, spec.tags)
    const cache = new AudioCache(join(lib.dataDir, 'cache', 'audio'), DEFAULT_CACHE_BYTES)
    const clipsOf = (split: Split) =>
      splits[split].map((c) => ({ labels: c.labels, audio: async () => cache.get(c.path, spec.sampleRate).then((a) => a.samples).catch(() => null) }))
    let split = p.split ?? 'test'
    let clips = clipsOf(split)
    if (clips.length === 0 && p.split === undefined) clips = clipsOf((split = 'valid'))
    if (clips.length === 0) throw new UserError(`dataset ${dataset.id}: no usable tagged clip in the ${split} split`)
    const m = await evaluateTagger(model, clips, spec, {
      maxWindows: p.evalMaxWindows,
      onClip: (done, total) => {
        ctx.throwIfCancelled()
        ctx.progress({ step: done, total, phase: `evaluate ${split}` })
      }
    })
    return { ...m, modelId, checkpointId: checkpoint.id, split }
  })
}

/** Params of `exportModel`: where to write the model's files. */
export interface ExportParams extends ModelRef {
  out: string
}

/** Where the files went. */
export interface ExportResult {
  out: string
  modelId: number
  checkpointId: number
  bytes: number
}

/**
 * Writes the model's TF.js Layers files into `out` (atomically; refused when `out` already holds a
 * model): the topology and weights only, without the optimizer state, as tensorflowjs_converter and
 * tf.loadLayersModel expect for inference or further training elsewhere.
 */
export function exportModelJob(p: ExportParams, ctx: JobContext): Promise<ExportResult> {
  return (async () => {
    if (await holdsModel(p.out)) throw new UserError(`${p.out}: already holds a model (model.json); choose another folder`)
    const existing = await stat(p.out).catch(() => null)
    if (existing && !existing.isDirectory()) throw new UserError(`${p.out}: is a file, not a folder; choose a folder to export into`)
    if (await namesWavenet(p)) return exportWavenet(p, ctx)
    return withTagger(p, ctx, async (_lib, model, { checkpoint, spec, modelId }) => {
      const saved = await saveModel(model, p.out, { metadata: { electricBeats: { arch: `tagger/${spec.arch}`, tags: spec.tags, sampleRate: spec.sampleRate, crop: spec.crop } } })
      return { out: p.out, modelId, checkpointId: checkpoint.id, bytes: saved.bytes }
    })
  })()
}

/** Whether a reference names a WaveNet (by its model's kind), which `export` writes as a WaveNet rather than refusing as no tagger. */
async function namesWavenet(ref: ModelRef): Promise<boolean> {
  const lib = Library.open(ref.dataDir)
  try {
    const runId = ref.checkpointId === undefined ? undefined : lib.checkpoints.get(ref.checkpointId)?.runId
    const modelId = ref.modelId ?? (runId === undefined ? undefined : lib.runs.get(runId)?.modelId)
    return modelId !== undefined && lib.models.get(modelId)?.kind === WAVENET_ARCH
  } finally {
    lib.close()
  }
}

/** A WaveNet's files, its description (rate, mu-law levels, conditioning) kept in the metadata: stock Keras layers only, as tensorflowjs_converter and tf.loadLayersModel take them. */
async function exportWavenet(p: ExportParams, ctx: JobContext): Promise<ExportResult> {
  await initBackend(ctx.backend === 'none' ? undefined : ctx.backend)
  const lib = Library.open(p.dataDir)
  let model: LayersModel | null = null
  try {
    const { checkpoint, spec, modelId } = await resolveWavenet(lib, p)
    model = await loadModel(checkpoint.path, { optimizer: false })
    const saved = await saveModel(model, p.out, { metadata: { electricBeats: { arch: WAVENET_ARCH, spec } } })
    return { out: p.out, modelId, checkpointId: checkpoint.id, bytes: saved.bytes }
  } finally {
    model?.dispose()
    lib.close()
  }
}
