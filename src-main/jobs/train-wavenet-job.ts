/**
 * Worker side of the `trainWavenet` job: opens the library of `dataDir`, turns a VCTK-format dataset
 * (speech) or a MagnaTagATune import (music) into silence-trimmed clips at the model's rate with
 * speaker indices or dense vectors and a seeded train/valid split, runs engine/train's loop on a
 * mu-law WaveNet conditioned globally on the speaker (one-hot -> the model's per-layer Dense) or on a
 * dense vector per clip (its tags' multi-hot, the mean GloVe vector of its tags or transcript:
 * datasets/wavenet-vectors.ts), locally on log-mel frames of the crop's own audio, on a global and
 * the local, or on nothing, and records everything as it goes, as the tagger job does: the model, the run,
 * per-batch loss and per-epoch train/valid cross-entropy (nats and bits per sample) in run_metrics,
 * each epoch's checkpoint folder with its metrics. Every check runs before the library is written.
 */
import { join, resolve } from 'node:path'
import type { Library } from '../library/library'
import type { JsonObject } from '../library/json'
import { AudioCache, DEFAULT_CACHE_BYTES } from '../datasets/audio-cache'
import { WavenetBatches, trimBounds, type WavenetClip } from '../datasets/wavenet-batches'
import type { SkippedClip } from '../datasets/tagger-batches'
import { requireDatasetFolder, skippedClip } from '../datasets/validity'
import { seededSplit } from '../datasets/split'
import { initialTrainState, train, type StopReason } from '../engine/train/loop'
import { loadCheckpoint, readCheckpointMeta, saveCheckpoint, type CheckpointMeta } from '../engine/train/checkpoint'
import { disposeModel, type LayersModel } from '../engine/models/model-files'
import { defaultMelSettings, type MelSettings } from '../dsp/mel-frames'
import { wavenetSignature } from '../engine/models/wavenet'
import { WAVENET_ARCH, buildWavenetModel, checkSpecMatches, toBits, wavenetNll, wavenetSize, wavenetSpec, wavenetStep, wavenetStepBytes, type WavenetSpec, type WavenetVectorSpec } from '../engine/train/wavenet'
import { loadGloveSet, meanVector, multiHot, tagVocabulary, tagWords, textWords } from '../datasets/wavenet-vectors'
import type { Dataset } from '../library/datasets'
import type { Clip } from '../library/clips'
import { UserError } from '../util/errors'
import type { Samples } from '../util/units'
import type { JobContext } from './job-context'
import { inJobLibrary, recordRunOutcome } from './run-outcome'

/** Params of a `trainWavenet` job. */
export interface TrainWavenetJobParams {
  dataDir: string
  datasetId: number
  /** Shape of a new model (a resumed run takes its checkpoint's and refuses another). */
  stacks?: number
  layers?: number
  channels?: number
  /** Loss-carrying outputs per crop (N): crops are receptiveField + N samples. */
  targets: Samples
  /** Epochs to reach, counted from the run's start. */
  epochs: number
  maxMinutes?: number
  batch: number
  learningRate: number
  seed: number
  /** Epochs without a lower validation NLL before stopping. */
  patience: number
  /**
   * 'speaker': global conditioning on the speaker (VCTK); 'tags': on the clip's tags as a multi-hot
   * over the dataset's top 50 (MTAT); 'glove': on the mean GloVe vector of the clip's tags (MTAT) or
   * transcript words (VCTK); 'mel': local, on log-mel frames; 'X+mel': a global and the local;
   * 'none': unconditioned. Absent: 'speaker' for VCTK, 'none' for MTAT.
   */
  condition?: WavenetCondition
  /** The GloVe set (an `import-glove` dataset id) of 'glove' conditioning. */
  glove?: number
  /** How mel frames reach the sample rate: repeated (default) or a learned transposed conv. */
  upsampling?: 'repeat' | 'transposed'
  /** Mel bands (80) and hop in samples (256 at 16 kHz, scaled with the rate) of a new mel-conditioned model. */
  melBands?: number
  melHop?: Samples
  /** Speaker codes to train on (all of the dataset's when absent). */
  speakers?: string[]
  /** A checkpoint id from the library, or a checkpoint folder. */
  resume?: string
  /** Sample rate of the model (16000). */
  sampleRate: number
  cacheBytes?: number
}

/** What a WaveNet is conditioned on. */
export type WavenetCondition = 'speaker' | 'none' | 'mel' | 'speaker+mel' | 'tags' | 'tags+mel' | 'glove' | 'glove+mel'

/** The global part of a condition (null: none) and whether it has the local (mel) part. */
export function conditionParts(c: WavenetCondition): { global: 'speaker' | 'tags' | 'glove' | null; mel: boolean } {
  const [first] = c.split('+') as [string]
  return { global: first === 'none' || first === 'mel' ? null : (first as 'speaker' | 'tags' | 'glove'), mel: c === 'mel' || c.endsWith('+mel') }
}

/** What a WaveNet training job did: the figures `train-wavenet --json` prints. */
export interface TrainWavenetJobResult {
  runId: number
  modelId: number
  /** The checkpoint with the lowest validation NLL. */
  checkpointId: number
  checkpointPath: string
  receptiveField: Samples
  crop: Samples
  /** Loss-carrying outputs per crop (raised to whole mel frames with local conditioning). */
  targets: Samples
  /** The mel settings of local conditioning, null without it. */
  mel: MelSettings | null
  /** The dense global vector (kind, width, tags or GloVe set), null without one. */
  vector: WavenetVectorSpec | null
  /** Clips given the zero vector: none of their words (glove) or tags (tags) was in the vocabulary. */
  zeroVectors: number
  /** Clips of the dataset whose audio file is missing (left out, as the import found them). */
  missing: number
  /** Validation cross-entropy of that checkpoint, nats and bits per sample. */
  validNll: number | null
  validBits: number | null
  /** The last epoch's mean training loss (nats per sample). */
  finalLoss: number | null
  epochs: number
  steps: number
  reason: StopReason
  /** Mean wall time of this session's epochs (validation and checkpoint included). */
  secondsPerEpoch: number | null
  /** Loss-carrying samples per second of training. */
  samplesPerSecond: number
  clips: { train: number; valid: number }
  speakers: string[]
  skipped: SkippedClip[]
}

/** Runs one training job (see the file comment). Rejects with a UserError for bad input, JobCancelled when cancelled. */
export async function trainWavenetJob(params: TrainWavenetJobParams, ctx: JobContext): Promise<TrainWavenetJobResult> {
  return inJobLibrary(params.dataDir, ctx, (lib, backend) => runTraining(lib, params, ctx, backend))
}

/** A usable clip after trimming: where its speech lies in the decoded audio. */
interface Prepared {
  clipId: number
  key: string
  path: string
  speakerId: number | null
  start: Samples
  end: Samples
  /** Its dense global vector, with a vector-conditioned model. */
  global?: Float32Array
}

/** What one step may hold on the wasm and cpu backends: wasm's heap tops out near 2 GB, with room kept for weights and moments. */
const WASM_STEP_BYTES = 1.2e9

/** Refuses a batch whose step would not fit the wasm heap (it would abort mid-run with 'memory access out of bounds'). */
function checkStepFits(spec: WavenetSpec, batch: number, backend: string): void {
  if (backend !== 'wasm' && backend !== 'cpu') return
  const bytes = wavenetStepBytes(spec, batch)
  if (bytes <= WASM_STEP_BYTES) return
  const fit = Math.floor(WASM_STEP_BYTES / wavenetStepBytes(spec, 1))
  const crop = spec.receptiveField + spec.targets
  throw new UserError(
    `batch ${batch} of ${crop}-sample crops needs about ${(bytes / 1e9).toFixed(1)} GB for one step, more than the ${backend} backend holds: ${fit >= 1 ? `use --batch ${fit}` : 'use a smaller model'} or fewer --targets`
  )
}

async function runTraining(lib: Library, asked: TrainWavenetJobParams, ctx: JobContext, backend: string): Promise<TrainWavenetJobResult> {
  let p = asked
  const dataset = lib.datasets.get(p.datasetId)
  if (!dataset) throw new UserError(`dataset ${p.datasetId}: not in the library (an import prints its dataset id)`)
  if (dataset.kind !== 'vctk' && dataset.kind !== 'mtat') throw new UserError(`dataset ${p.datasetId}: a ${dataset.kind} dataset; WaveNet trains on VCTK-format (import-vctk) or MagnaTagATune (import-mtat) imports`)
  requireDatasetFolder(dataset)
  // A new model's default; a resumed one keeps its checkpoint's conditioning (recorded as absent).
  if (p.condition === undefined && p.resume === undefined) p = { ...p, condition: dataset.kind === 'mtat' ? 'none' : 'speaker' }

  const resumed = asked.resume === undefined ? null : await resolveCheckpoint(lib, asked.resume)
  // A resumed run without --speakers trains on the speakers its checkpoint's run chose.
  const chosen = resumed?.meta.extra.chosenSpeakers
  if (asked.speakers === undefined && Array.isArray(chosen)) p = { ...asked, speakers: chosen as string[] }
  let spec: WavenetSpec
  let seed: number
  let data: PreparedData
  try {
    if (!resumed) checkCondition(lib, p, dataset)
    // Another dataset would silently feed the model other speakers, tags or none (a tags model resumed on VCTK got zero vectors).
    if (resumed && resumed.datasetId !== null && resumed.datasetId !== p.datasetId) throw new UserError(`--dataset ${p.datasetId}: checkpoint ${asked.resume} was trained on dataset ${resumed.datasetId}; a resumed run keeps its dataset (give --dataset ${resumed.datasetId})`)
    spec = resumed ? (resumed.meta.extra.spec as WavenetSpec) : newSpec(lib, p)
    if (resumed) checkSameShape(p, spec)
    checkStepFits(spec, p.batch, backend)
    const done = resumed?.meta.state.epoch ?? 0
    if (resumed && p.epochs <= done) throw new UserError(`--resume: the checkpoint has done ${done} epoch${done === 1 ? '' : 's'} already; ask for more with --epochs (e.g. --epochs ${done + 10})`)
    seed = resumed?.meta.state.seed ?? p.seed
    const cache = new AudioCache(join(lib.dataDir, 'cache', 'audio'), p.cacheBytes ?? DEFAULT_CACHE_BYTES)
    data = await prepare(lib, p, spec, cache, seed, ctx)
  } catch (err) {
    if (resumed) disposeModel(resumed.model) // the worker outlives the job: a refused resume leaves no weights behind
    throw err
  }
  // From here the model is trainPrepared's, which disposes it however training ends.
  return trainPrepared(lib, p, ctx, spec, seed, data, resumed)
}

/**
 * Refuses, in one line, a condition the dataset cannot feed: speakers of an MTAT import, tags of a
 * VCTK one, --glove without glove conditioning or glove without a GloVe set, --speakers on music.
 */
function checkCondition(lib: Library, p: TrainWavenetJobParams, dataset: Dataset): void {
  const { global } = conditionParts(p.condition!)
  const what = `--condition ${p.condition}`
  if (dataset.kind === 'mtat' && global === 'speaker') throw new UserError(`${what}: dataset ${dataset.id} is a MagnaTagATune import, which has no speakers; condition on none, tags, glove or mel`)
  if (dataset.kind === 'mtat' && p.speakers !== undefined) throw new UserError(`--speakers: dataset ${dataset.id} is a MagnaTagATune import, which has no speakers`)
  if (dataset.kind === 'vctk' && global === 'tags') throw new UserError(`${what}: dataset ${dataset.id} is a VCTK-format import, whose clips carry no tags; condition on speaker, glove (transcripts), mel or none`)
  if (global !== 'glove' && p.glove !== undefined) throw new UserError(`--glove ${p.glove}: only glove conditioning uses a GloVe set (--condition glove)`)
  if (global === 'glove' && p.glove === undefined) throw new UserError(`${what}: give the GloVe set with --glove ID (the id import-glove printed)`)
  if (global === 'glove') {
    const set = lib.datasets.get(p.glove!)
    if (!set) throw new UserError(`--glove ${p.glove}: not in the library (import-glove prints its id)`)
    if (set.kind !== 'glove') throw new UserError(`--glove ${p.glove}: a ${set.kind} dataset, not a GloVe set (import-glove)`)
  }
  if (global === 'tags' && tagVocabulary(lib, dataset.id).length === 0) throw new UserError(`${what}: no usable clip of dataset ${dataset.id} carries a tag`)
}

/** The dense vector a new model of `p` is conditioned on (tags: the dataset's top 50; glove: the set's dimension), or undefined. */
function newVector(lib: Library, p: TrainWavenetJobParams, kind: 'vctk' | 'mtat'): WavenetVectorSpec | undefined {
  const { global } = conditionParts(p.condition!)
  if (global === 'tags') {
    const tags = tagVocabulary(lib, p.datasetId)
    return { kind: 'tags', width: tags.length, tags }
  }
  if (global !== 'glove') return undefined
  const dim = Number(lib.datasets.get(p.glove!)!.meta.dim)
  return { kind: 'glove', width: dim, gloveId: p.glove!, dim, from: kind === 'mtat' ? 'tags' : 'transcript' }
}

/** A new model's description: the dataset's speakers with usable clips in code order, or the chosen ones in the order given; or its vector. */
function newSpec(lib: Library, p: TrainWavenetJobParams): WavenetSpec {
  const all = lib.speakers.list({ datasetId: p.datasetId }).filter((s) => s.clips > 0)
  const chosen = p.speakers === undefined ? all : p.speakers.flatMap((code) => all.filter((s) => s.code === code))
  const parts = conditionParts(p.condition!)
  const speakers = parts.global === 'speaker' ? chosen.map((s) => ({ id: s.id, code: s.code })) : []
  const vector = newVector(lib, p, lib.datasets.get(p.datasetId)!.kind as 'vctk' | 'mtat')
  const mel = parts.mel ? defaultMelSettings(p.sampleRate, { ...(p.melBands !== undefined && { bands: p.melBands }), ...(p.melHop !== undefined && { hop: p.melHop }) }) : undefined
  const options = { ...wavenetSize(p.stacks ?? 2, p.layers ?? 10, p.channels ?? 32), ...(mel && { localUpsampling: p.upsampling ?? 'repeat' }) }
  return wavenetSpec(options, speakers, p.sampleRate, p.targets, mel, vector)
}

/**
 * The library ids of the speakers whose clips the run trains on (null: every clip). A code that is
 * not the dataset's, or a speaker the model was not trained with, is refused in one line.
 */
function allowedSpeakers(lib: Library, p: TrainWavenetJobParams, spec: WavenetSpec): Set<number> | null {
  const all = lib.speakers.list({ datasetId: p.datasetId }).filter((s) => s.clips > 0)
  const inModel = new Set(spec.speakers.map((s) => s.id))
  const conditioned = spec.speakers.length > 0
  const asked = p.speakers === undefined ? all : p.speakers.map((code) => all.find((s) => s.code === code) ?? code)
  const unknown = asked.filter((s): s is string => typeof s === 'string')
  if (unknown.length > 0) throw new UserError(`speaker ${unknown.join(', ')}: not a speaker of dataset ${p.datasetId} with usable clips (${all.map((s) => s.code).join(', ')})`)
  const chosen = asked.filter((s) => typeof s !== 'string') as typeof all
  const untrained = conditioned ? chosen.filter((s) => !inModel.has(s.id)) : []
  if (untrained.length > 0) {
    throw new UserError(`speaker ${untrained.map((s) => s.code).join(', ')} of dataset ${p.datasetId}: the model was trained without it (its speakers: ${spec.speakers.map((s) => s.code).join(', ')}); choose others with --speakers`)
  }
  return p.speakers === undefined && !conditioned ? null : new Set(chosen.map((s) => s.id))
}

/** A resumed run refuses a shape or a conditioning other than its checkpoint's. */
function checkSameShape(p: TrainWavenetJobParams, spec: WavenetSpec): void {
  const global = spec.speakers.length > 0 ? 'speaker' : spec.vector?.kind ?? null
  const trained = (global === null ? (spec.mel ? 'mel' : 'none') : spec.mel ? `${global}+mel` : global) as WavenetCondition
  if (p.condition !== undefined && p.condition !== trained) throw new UserError(`--condition ${p.condition}: the checkpoint was trained on ${trained}; a resumed run keeps its model's conditioning (leave out --condition)`)
  const dilations = spec.options.dilations ?? []
  const layers = dilations.indexOf(1, 1) === -1 ? dilations.length : dilations.indexOf(1, 1)
  const have = { stacks: dilations.length / layers, layers, channels: spec.options.residualChannels }
  for (const k of ['stacks', 'layers', 'channels'] as const) {
    if (p[k] !== undefined && p[k] !== have[k]) throw new UserError(`--${k} ${p[k]}: the checkpoint has ${have[k]}; a resumed run keeps its model's shape`)
  }
}

/** The clips decoded (through the cache), trimmed, split, and cut into training and validation batches. */
async function prepare(lib: Library, p: TrainWavenetJobParams, spec: WavenetSpec, cache: AudioCache, seed: number, ctx: JobContext) {
  const speakerIndex = new Map(spec.speakers.map((s, i) => [s.id, i]))
  const allowed = allowedSpeakers(lib, p, spec)
  const clips = lib.clips.list({ datasetId: p.datasetId }).filter((c) => allowed === null || (c.speakerId !== null && allowed.has(c.speakerId)))
  if (clips.length === 0) throw new UserError(`dataset ${p.datasetId}: no usable clip${allowed === null ? '' : ' of the chosen speakers'}`)
  const crop = spec.receptiveField + spec.targets
  const vectorOf = await clipVectors(lib, spec)
  const prepared: Prepared[] = []
  const skipped: SkippedClip[] = []
  let longest = 0
  let zeroVectors = 0
  for (const [i, c] of clips.entries()) {
    ctx.throwIfCancelled()
    ctx.progress({ step: i, total: clips.length, phase: 'preparing clips' })
    try {
      const { start, end } = trimBounds((await cache.get(c.path, spec.sampleRate)).samples)
      longest = Math.max(longest, end - start)
      if (end - start >= crop) {
        const global = vectorOf?.(c)
        if (global && global.every((v) => v === 0)) zeroVectors++
        prepared.push({ clipId: c.id, key: c.sourceKey, path: c.path, speakerId: c.speakerId, start, end, ...(global && { global }) })
      }
    } catch (err) {
      skipped.push(skippedClip(c.id, c.path, err))
    }
  }
  if (longest === 0) throw new UserError(`dataset ${p.datasetId}: no usable clip (${skipped.length} could not be decoded, the rest are silent)`)
  const ms = (n: number): string => `${Math.round((n / spec.sampleRate) * 1000)} ms`
  if (prepared.length < 2) {
    throw new UserError(
      `receptive field ${spec.receptiveField} + ${spec.targets} targets = ${crop} samples (${ms(crop)}) is longer than ${prepared.length === 0 ? 'every' : 'all but one'} trimmed clip (the longest is ${longest} samples, ${ms(longest)}); training needs two clips that long: use fewer layers or stacks, or fewer targets`
    )
  }
  // Seeded split by clip key, at least one clip each side: the same split for a resumed run.
  const split = seededSplit(prepared.map((c) => c.key), seed, Math.max(0.1, 1 / prepared.length))
  const part = (s: 'train' | 'valid'): Prepared[] => prepared.filter((c) => split.get(c.key) === s)
  const toClips = (list: Prepared[]): WavenetClip[] =>
    list.map((c) => ({ clipId: c.clipId, length: c.end - c.start, speaker: c.speakerId === null ? 0 : speakerIndex.get(c.speakerId) ?? 0, ...(c.global && { global: c.global }) }))
  const loader = (list: Prepared[]) => async (i: number) => (await cache.get(list[i]!.path, spec.sampleRate)).samples.subarray(list[i]!.start, list[i]!.end)
  const common = { receptiveField: spec.receptiveField, targets: spec.targets, batch: p.batch, quantization: spec.options.quantization ?? 256, ...(spec.mel && { mel: spec.mel }) }
  const trainClips = part('train')
  const validClips = part('valid')
  return {
    train: new WavenetBatches({ ...common, clips: toClips(trainClips), load: loader(trainClips), seed }),
    // Validation: the same crops every epoch (epoch 0 of its own stream), so the figures compare.
    valid: new WavenetBatches({ ...common, clips: toClips(validClips), load: loader(validClips), seed: seed + 1 }),
    counts: { train: trainClips.length, valid: validClips.length },
    skipped,
    zeroVectors,
    missing: lib.clips.list({ datasetId: p.datasetId, includeUnusable: true }).filter((c) => c.missing).length,
    crop
  }
}

/**
 * How a clip's global vector is built for a vector-conditioned `spec` (undefined otherwise): the
 * multi-hot of its tags over the model's vocabulary, or the mean GloVe vector of its tags' words
 * (MTAT) or its transcript's (VCTK), words missing from GloVe skipped, the zero vector when none is found.
 */
async function clipVectors(lib: Library, spec: WavenetSpec): Promise<((c: Clip) => Float32Array) | undefined> {
  const v = spec.vector
  if (!v) return undefined
  if (v.kind === 'tags') return (c) => multiHot(c.tags, v.tags)
  const glove = await loadGloveSet(lib, v.gloveId, `--condition glove`, v.dim)
  return (c) => meanVector(glove, v.from === 'tags' ? tagWords(c.tags) : textWords(c.transcript ?? '')).vector
}

type PreparedData = Awaited<ReturnType<typeof prepare>>

async function trainPrepared(
  lib: Library,
  p: TrainWavenetJobParams,
  ctx: JobContext,
  spec: WavenetSpec,
  seed: number,
  data: PreparedData,
  resumed: Awaited<ReturnType<typeof resolveCheckpoint>> | null
): Promise<TrainWavenetJobResult> {
  const dataset = lib.datasets.get(p.datasetId)!
  const size = `${(spec.options.dilations ?? []).length} layers, ${spec.options.residualChannels} channels`
  const modelId =
    resumed?.modelId ??
    lib.models.create({ name: `WaveNet (${size}) on ${dataset.name}`, kind: WAVENET_ARCH, config: { ...spec } as unknown as JsonObject })
  const runConfig = { ...p, seed, resume: p.resume ?? null }
  const runId = lib.runs.createForTraining({ modelId, datasetId: dataset.id, config: runConfig as unknown as JsonObject })
  let model: LayersModel | null = null
  const epochTimes: number[] = []
  let epochStarted = performance.now()
  try {
    return await recordRunOutcome(lib, runId, ctx, async () => {
      ctx.progress({ step: 0, total: 1, phase: 'starting', metrics: { runId, modelId } })
      model = resumed ? resumed.model : buildWavenetModel(spec, p.learningRate)
      const total = p.epochs * Math.max(1, data.train.batchesPerEpoch)
      const report = await train({
        model,
        data: data.train,
        step: (m, b) => wavenetStep(m, spec, b),
        epochs: p.epochs,
        state: resumed?.meta.state ?? initialTrainState(seed),
        ...(p.maxMinutes !== undefined && { maxMs: p.maxMinutes * 60_000 }),
        earlyStopping: { metric: 'validNll', mode: 'min', patience: p.patience },
        shouldStop: () => ctx.isCancelled(),
        onBatchEnd: (b) => {
          lib.runs.addMetrics(runId, b.step, { loss: b.loss })
          const samplesPerSecond = b.examplesPerSecond * spec.targets
          ctx.progress({ step: Math.min(b.step, total), total, phase: `epoch ${b.epoch + 1}/${p.epochs}`, loss: b.loss, metrics: { samplesPerSecond, runId, modelId } })
        },
        validate: async (m) => {
          const validNll = await wavenetNll(m, spec, data.valid.epoch(0), () => ctx.throwIfCancelled())
          return { validNll, validBits: toBits(validNll) }
        },
        checkpoint: async (m, end) => {
          const dir = join(lib.dataDir, 'checkpoints', `run-${runId}`, `epoch-${String(end.epoch + 1).padStart(3, '0')}`)
          const meta: CheckpointMeta = { arch: WAVENET_ARCH, modelOptions: { ...spec.options }, extra: { spec, datasetId: dataset.id, runId, chosenSpeakers: p.speakers ?? null }, state: end.state }
          const saved = await saveCheckpoint(m, dir, meta)
          const figures = finiteOnly({ epochLoss: end.loss, trainBits: toBits(end.loss), validNll: end.metrics.validNll ?? Number.NaN, validBits: end.metrics.validBits ?? Number.NaN })
          lib.checkpoints.add({ runId, path: dir, step: end.step, metrics: { epoch: end.epoch + 1, ...figures }, sizeBytes: saved.bytes })
          lib.runs.addMetrics(runId, end.step, figures)
        },
        onEpochEnd: () => {
          const now = performance.now()
          epochTimes.push(now - epochStarted)
          epochStarted = now
        }
      })
      if (report.reason === 'cancelled') ctx.throwIfCancelled()
      for (const c of data.skipped) lib.clips.markUnreadable(c.clipId, c.reason, c.missing)
      const chosen = bestCheckpoint(lib, runId, resumed)
      const validNll = chosen.metrics.validNll ?? null
      return {
        runId,
        modelId,
        checkpointId: chosen.id,
        checkpointPath: chosen.path,
        receptiveField: spec.receptiveField,
        crop: data.crop,
        targets: spec.targets,
        mel: spec.mel ?? null,
        vector: spec.vector ?? null,
        zeroVectors: data.zeroVectors,
        missing: data.missing,
        validNll,
        validBits: validNll === null ? null : toBits(validNll),
        finalLoss: report.lastEpoch?.loss ?? null,
        epochs: report.state.epoch,
        steps: report.state.step,
        reason: report.reason,
        secondsPerEpoch: epochTimes.length === 0 ? null : epochTimes.reduce((a, b) => a + b, 0) / epochTimes.length / 1000,
        samplesPerSecond: report.examplesPerSecond * spec.targets,
        clips: data.counts,
        speakers: spec.speakers.map((s) => s.code),
        skipped: data.skipped
      }
    })
  } finally {
    // Assigned inside the callback, which TypeScript's flow analysis does not follow.
    const built = model as LayersModel | null
    if (built) disposeModel(built)
  }
}

/** The finite values of a metrics object. */
function finiteOnly(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)))
}

/** A checkpoint to resume from, by library id or folder: its model, metadata and model record. */
async function resolveCheckpoint(lib: Library, ref: string): Promise<{ model: LayersModel; meta: CheckpointMeta; modelId: number | null; checkpointId: number | null; datasetId: number | null; path: string }> {
  const byId = /^\d+$/.test(ref) ? lib.checkpoints.get(Number(ref)) : lib.checkpoints.list().find((c) => c.path === resolve(ref))
  if (/^\d+$/.test(ref) && !byId) throw new UserError(`--resume ${ref}: no checkpoint with that id in the library`)
  const path = byId ? byId.path : resolve(ref)
  const meta = await readCheckpointMeta(path)
  if (meta.arch !== WAVENET_ARCH) throw new UserError(`--resume ${ref}: a checkpoint of ${meta.arch}, not of a WaveNet`)
  const { model } = await loadCheckpoint(path, WAVENET_ARCH)
  try {
    checkSpecMatches(wavenetSignature(model), meta.extra.spec as WavenetSpec, `--resume ${ref}`)
  } catch (err) {
    disposeModel(model)
    throw err
  }
  const run = byId ? lib.runs.get(byId.runId) : undefined
  return { model, meta, modelId: run?.modelId ?? null, checkpointId: byId?.id ?? null, datasetId: run?.datasetId ?? null, path }
}

/** The checkpoint with the lowest validation NLL over this run and, when it resumed a recorded one, that run's up to it; ties to the newest. */
function bestCheckpoint(lib: Library, runId: number, resumed: { checkpointId: number | null } | null) {
  const before = resumed?.checkpointId != null ? lib.checkpoints.get(resumed.checkpointId) : undefined
  const candidates = [...lib.checkpoints.list({ runId }), ...(before ? lib.checkpoints.list({ runId: before.runId }).filter((c) => c.step <= before.step) : [])]
  if (candidates.length === 0) throw new UserError('training stopped before its first epoch finished: no checkpoint was written (give it more time)')
  return lowestValidNll(candidates)
}

/** Of non-empty `checkpoints`, the one with the lowest validation NLL; ties (or none scored) to the highest step. */
export function lowestValidNll<C extends { step: number; metrics: Record<string, number> }>(checkpoints: C[]): C {
  const score = (c: C): number => c.metrics.validNll ?? Number.POSITIVE_INFINITY
  return checkpoints.reduce((a, b) => (score(b) < score(a) || (score(b) === score(a) && b.step > a.step) ? b : a))
}
