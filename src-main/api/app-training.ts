import { randomUUID } from 'node:crypto'
import type {
  CheckpointSummary,
  JobFinished,
  JobProgress,
  ModelSummary,
  RunCurves,
  RunSummary,
  SpeakerInfo,
  TagResult,
  TrainingDataset,
  TrainingJob,
  TrainingOutcome,
  TrainingRequest,
  VaeTrainingOutcome,
  VaeTrainingRequest,
  WavenetTrainingOutcome,
  WavenetTrainingRequest
} from '../../src-preload/api'
import type { Library } from '../library/library'
import type { TrainTaggerJobResult } from '../jobs/train-tagger-job'
import type { TrainWavenetJobResult } from '../jobs/train-wavenet-job'
import type { TrainVaeJobResult } from '../jobs/train-vae-job'
import type { TrainVlaeJobResult } from '../jobs/train-vlae-job'
import { UserError, describeError } from '../util/errors'
import type { AudioService } from './audio'
import { listModels, runCurves, tagFile, type ModelEntry } from './models'
import type { EventHub } from './services'
import { trainTagger, type TrainHooks } from './training'
import { trainWavenet, type TrainWavenetRequest } from './wavenet-training'
import { trainVae } from './vae-training'
import { trainVlae } from './vlae-training'

/** The training methods of the contract, plus cancel and shutdown for the service that owns jobs. */
export interface TrainingService {
  handlers: {
    listTrainingDatasets(): Promise<TrainingDataset[]>
    startTraining(req: TrainingRequest): Promise<{ jobId: string }>
    startWavenetTraining(req: WavenetTrainingRequest): Promise<{ jobId: string }>
    startVaeTraining(req: VaeTrainingRequest): Promise<{ jobId: string }>
    listTrainingJobs(): Promise<TrainingJob[]>
    listModels(): Promise<ModelSummary[]>
    runCurves(req: { runId: number }): Promise<RunCurves>
    tagAudio(req: { path: string; modelId?: number; top?: number }): Promise<TagResult>
  }
  /** Cancels a training job of this service; false when the id is not one. */
  cancel(jobId: string): boolean
  /** Aborts every running training (on shutdown). */
  cancelAll(): void
}

interface Running extends TrainingJob {
  controller: AbortController
}

// Tags shown beside a track: enough to describe a clip at a glance, few enough to fit on one line.
const DEFAULT_TAG_COUNT = 5

/** The dataset kind each model family trains on, and the importer that makes one. */
const FAMILY_DATASET = {
  tagger: { kind: 'mtat', words: 'the tagger trains on MagnaTagATune imports' },
  wavenet: { kind: 'vctk', words: 'WaveNet trains on VCTK-format imports (import-vctk)' },
  mnist: { kind: 'mnist', words: 'the MNIST VAE trains on MNIST imports (import-mnist)' },
  vlae: { kind: 'vctk', words: 'the audio VLAE trains on VCTK-format imports (import-vctk)' }
} as const

/** What each dataset kind is called where one is missing. */
const IMPORT_WORDS = { mtat: 'MagnaTagATune', vctk: 'a VCTK-format dataset', mnist: 'MNIST (import-mnist)' } as const

/**
 * The app's door onto tagger and WaveNet training and tagging (the lead's training and models services): a run
 * starts as a job and reports through jobProgress / jobFinished like a render; the library, read
 * through the project service's connection (WAL: the worker writes while we read), gives datasets,
 * models, runs, checkpoints and curves.
 */
export function createTrainingService(opts: { dataDir: string; library: Library; audio: AudioService; events: EventHub }): TrainingService {
  const { library: lib, events } = opts
  const running = new Map<string, Running>()
  /** Checkpoints already announced as libraryChanged, by job id. */
  const announced = new Map<string, Set<number>>()

  /**
   * Announces the run's checkpoints not announced yet (libraryChanged 'checkpoint'). The worker writes
   * them between epochs, so the main process looks when a new epoch's progress arrives and at the end.
   */
  function announceCheckpoints(job: Running): void {
    if (job.runId === null) return
    const seen = announced.get(job.jobId) ?? new Set<number>()
    announced.set(job.jobId, seen)
    for (const c of [...lib.checkpoints.list({ runId: job.runId })].reverse()) {
      if (seen.has(c.id)) continue
      seen.add(c.id)
      events.emit('libraryChanged', { kind: 'checkpoint', id: String(c.id) })
    }
  }

  /**
   * The library run a job created. The job reports `runId` in its progress metrics when it does; until
   * then it is the first running run of the same dataset created after the job started that no other
   * job of ours has claimed (two doors training one dataset at the same moment could swap them).
   */
  function findRun(job: Running, p: JobProgress): number | null {
    const reported = p.metrics?.runId
    if (reported !== undefined && Number.isInteger(reported)) return reported
    const claimed = new Set([...running.values()].map((j) => j.runId))
    const candidates = lib.runs
      .list({ status: 'running' })
      // One second of slack: created_at and our clock are both this machine's, stamped at second precision or better.
      .filter((r) => r.datasetId === job.request.datasetId && Date.parse(r.createdAt) >= job.startedAt - 1000 && !claimed.has(r.id))
    return candidates.at(-1)?.id ?? null
  }

  async function finish<R extends { runId: number; modelId: number }>(job: Running, result: Promise<R>, figures: (r: R) => Partial<JobFinished>): Promise<void> {
    try {
      const r = await result
      job.runId = r.runId
      announceCheckpoints(job)
      events.emit('libraryChanged', { kind: 'run', id: String(r.runId) })
      events.emit('libraryChanged', { kind: 'model', id: String(r.modelId) })
      events.emit('jobFinished', { jobId: job.jobId, kind: 'training', status: 'done', ...figures(r) })
    } catch (err) {
      // The run's status changed to failed or stopped: model lists elsewhere refresh too.
      const modelId = job.runId === null ? undefined : lib.runs.get(job.runId)?.modelId
      announceCheckpoints(job)
      if (job.runId !== null) events.emit('libraryChanged', { kind: 'run', id: String(job.runId) })
      if (modelId !== undefined) events.emit('libraryChanged', { kind: 'model', id: String(modelId) })
      const status = job.controller.signal.aborted ? 'cancelled' : 'failed'
      events.emit('jobFinished', { jobId: job.jobId, kind: 'training', status, ...(status === 'failed' && { error: describeError(err) }) })
    } finally {
      running.delete(job.jobId)
      announced.delete(job.jobId)
    }
  }

  /** Refuses a dataset the family cannot train on, in one line. */
  function checkDataset(datasetId: number, family: keyof typeof FAMILY_DATASET): void {
    const want = FAMILY_DATASET[family]
    const dataset = lib.datasets.get(datasetId)
    if (!dataset) throw new UserError(`dataset ${datasetId}: not in the library (import ${IMPORT_WORDS[want.kind]} first)`)
    if (dataset.kind !== want.kind) throw new UserError(`dataset ${datasetId}: a ${dataset.kind} dataset; ${want.words}`)
  }

  /** Starts a run as a job of ours: progress is forwarded under our id, the end reported once. */
  async function launch<R extends { runId: number; modelId: number }>(
    request: TrainingJob['request'],
    train: (hooks: TrainHooks) => Promise<R>,
    figures: (r: R) => Partial<JobFinished>
  ): Promise<{ jobId: string }> {
    const job: Running = { jobId: randomUUID(), runId: null, request: { ...request }, startedAt: Date.now(), controller: new AbortController() }
    let queued!: () => void
    const accepted = new Promise<void>((r) => (queued = r))
    const result = train({
      signal: job.controller.signal,
      onJobId: () => queued(),
      onProgress: (p) => {
        const known = job.runId !== null
        job.runId ??= findRun(job, p)
        if (!known && job.runId !== null) events.emit('libraryChanged', { kind: 'run', id: String(job.runId) })
        // A new phase ("epoch 3/10") comes after the previous epoch's checkpoint is written.
        if (p.phase !== job.progress?.phase) announceCheckpoints(job)
        job.progress = { ...p, jobId: job.jobId }
        events.emit('jobProgress', job.progress)
      }
    })
    // The service checks the request before queueing: a bad one is this call's error, not a failed job.
    await Promise.race([accepted, result])
    running.set(job.jobId, job)
    void finish(job, result, figures)
    return { jobId: job.jobId }
  }

  return {
    handlers: {
      async listTrainingDatasets() {
        const speakers = (datasetId: number): SpeakerInfo[] => lib.speakers.list({ datasetId }).map(speakerInfo)
        // An MNIST import's images stay in their files: its record counts them.
        const images = (meta: Record<string, unknown>): number => (numberOr(meta.train, 0) ?? 0) + (numberOr(meta.test, 0) ?? 0)
        return [...lib.datasets.list('mtat'), ...lib.datasets.list('vctk'), ...lib.datasets.list('mnist')].map((d) => ({
          id: d.id,
          name: d.name,
          kind: d.kind === 'vctk' || d.kind === 'mnist' ? d.kind : 'mtat',
          clips: d.kind === 'mnist' ? images(d.meta) : lib.clips.count({ datasetId: d.id }),
          tags: d.kind === 'mtat' ? lib.tags.counts({ datasetId: d.id }).length : 0,
          speakers: d.kind === 'vctk' ? speakers(d.id) : [],
          importedAt: d.importedAt
        }))
      },
      async startTraining(req) {
        checkDataset(req.datasetId, 'tagger')
        return launch(req, (hooks) => trainTagger({ ...req, dataDir: opts.dataDir }, hooks), (r: TrainTaggerJobResult) => ({ training: outcome(r) }))
      },
      async startWavenetTraining(req) {
        checkDataset(req.datasetId, 'wavenet')
        const { family: _family, condition, ...rest } = req
        // The contract names every conditioning; the training service refuses in one line those it does not train yet.
        const params: TrainWavenetRequest = { ...rest, condition: condition as TrainWavenetRequest['condition'], dataDir: opts.dataDir }
        return launch(req, (hooks) => trainWavenet(params, hooks), (r: TrainWavenetJobResult) => ({ wavenet: wavenetOutcome(r) }))
      },
      async startVaeTraining(req) {
        checkDataset(req.datasetId, req.preset)
        const { datasetId, latents, epochs, maxMinutes, iwaeK } = req
        const params = { datasetId, latents, epochs, ...(maxMinutes !== undefined && { maxMinutes }), dataDir: opts.dataDir }
        if (req.preset === 'vlae') {
          if (iwaeK !== undefined) throw new UserError('iwae k: the mnist preset\'s; the vlae preset does not take it')
          return launch(req, (hooks) => trainVlae(params, hooks), (r: TrainVlaeJobResult) => ({ vae: vlaeOutcome(r) }))
        }
        return launch(req, (hooks) => trainVae({ ...params, preset: 'mnist', ...(iwaeK !== undefined && { iwaeK }) }, hooks), (r: TrainVaeJobResult) => ({ vae: mnistOutcome(r) }))
      },
      async listTrainingJobs() {
        return [...running.values()].map(({ controller: _c, ...job }) => job)
      },
      async listModels() {
        const known = new Map(lib.speakers.list().map((s) => [s.id, speakerInfo(s)]))
        return listModels(lib).map((m) => modelSummary(m, known))
      },
      async runCurves({ runId }) {
        const out: RunCurves = {}
        for (const [name, points] of Object.entries(runCurves(lib, runId))) {
          out[name] = { steps: Float32Array.from(points, (p) => p.step), values: Float32Array.from(points, (p) => p.value) }
        }
        return out
      },
      async tagAudio(req) {
        // Security: the renderer names the file; only the data dir and the bundled examples may be read.
        const path = await opts.audio.allowedPath(req.path)
        if (req.modelId === undefined && !lib.models.list().some((m) => m.kind.startsWith('tagger/'))) {
          throw new UserError('No trained tagger yet: train one in the Training panel (top bar) first')
        }
        const r = await tagFile({ path, dataDir: opts.dataDir, top: req.top ?? DEFAULT_TAG_COUNT, ...(req.modelId !== undefined && { modelId: req.modelId }) })
        return { path: req.path, modelId: r.modelId, checkpointId: r.checkpointId, tags: r.tags, windows: r.windows, duration: r.durationS, notes: r.notes }
      }
    },
    cancel(jobId) {
      const job = running.get(jobId)
      job?.controller.abort()
      return job !== undefined
    },
    cancelAll() {
      for (const j of running.values()) j.controller.abort()
    }
  }
}

const numberOr = (v: unknown, fallback: number | null): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

function checkpointSummary(c: ModelEntry['runs'][number]['checkpoints'][number]): CheckpointSummary {
  return {
    id: c.id,
    epoch: numberOr(c.metrics.epoch, null),
    step: c.step,
    sizeBytes: c.sizeBytes,
    valRocAuc: numberOr(c.metrics.valRocAuc, null),
    validNll: numberOr(c.metrics.validNll, null),
    metrics: { ...c.metrics },
    createdAt: c.createdAt
  }
}

/** A VAE's latent width from its stored spec ({ options: { latents } }: the VLAE's and the MNIST model's); null for other kinds. */
function vaeLatents(m: ModelEntry): number | null {
  // The VAEs' archs ('vae/vlae', 'vae/mlp': engine/train VLAE_ARCH, VAE_ARCH), written out: those modules load TensorFlow.js.
  const options = m.kind === 'vae/vlae' || m.kind === 'vae/mlp' ? m.config.options : undefined
  return typeof options === 'object' && options !== null && !Array.isArray(options) ? numberOr((options as Record<string, unknown>).latents, null) : null
}

/** The bands of a WaveNet spec's `mel` settings (null without local conditioning). */
function melBands(mel: unknown): number | null {
  return typeof mel === 'object' && mel !== null && 'bands' in mel ? numberOr(mel.bands, null) : null
}

function speakerInfo(s: { code: string; gender: 'F' | 'M' | null; accent: string | null }): SpeakerInfo {
  return { code: s.code, gender: s.gender, accent: s.accent }
}

/** The best (lowest or highest) of the finite values, null when there is none. */
function bestOf(values: (number | null)[], pick: (a: number, b: number) => number): number | null {
  const finite = values.filter((v): v is number => v !== null)
  return finite.length === 0 ? null : finite.reduce((a, b) => pick(a, b))
}

function runSummary(r: ModelEntry['runs'][number]): RunSummary {
  const checkpoints = r.checkpoints.map(checkpointSummary)
  const tested = r.checkpoints.find((c) => numberOr(c.metrics.testRocAuc, null) !== null)
  return {
    id: r.id,
    status: r.status,
    error: r.error,
    datasetId: r.datasetId,
    epochs: numberOr(r.config.epochs, null),
    split: typeof r.config.split === 'string' ? r.config.split : null,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    config: { ...r.config },
    bestValRocAuc: bestOf(checkpoints.map((c) => c.valRocAuc), Math.max),
    bestValidNll: bestOf(checkpoints.map((c) => c.validNll), Math.min),
    testRocAuc: tested ? tested.metrics.testRocAuc! : null,
    checkpoints
  }
}

/**
 * A model as the lists show it. A WaveNet's record holds its spec (wavenetSpec: speakers as
 * { id, code } in one-hot order, sampleRate, receptiveField); genders and accents come from the
 * library's speakers table by id, and a speaker no longer there keeps its code alone.
 */
function modelSummary(m: ModelEntry, known: ReadonlyMap<number, SpeakerInfo>): ModelSummary {
  const tags = Array.isArray(m.config.tags) ? m.config.tags.filter((t): t is string => typeof t === 'string') : []
  const trained = Array.isArray(m.config.speakers) ? m.config.speakers : []
  const speakers = trained.flatMap((s): SpeakerInfo[] => {
    if (typeof s !== 'object' || s === null || Array.isArray(s) || typeof s.code !== 'string') return []
    return [(typeof s.id === 'number' ? known.get(s.id) : undefined) ?? { code: s.code, gender: null, accent: null }]
  })
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    tags,
    speakers,
    sampleRate: numberOr(m.config.sampleRate, null),
    receptiveField: numberOr(m.config.receptiveField, null),
    melBands: melBands(m.config.mel),
    latents: vaeLatents(m),
    createdAt: m.createdAt,
    runs: m.runs.map(runSummary)
  }
}

function wavenetOutcome(r: TrainWavenetJobResult): WavenetTrainingOutcome {
  return {
    runId: r.runId,
    modelId: r.modelId,
    checkpointId: r.checkpointId,
    receptiveField: r.receptiveField,
    validNll: r.validNll,
    validBits: r.validBits,
    finalLoss: r.finalLoss,
    epochs: r.epochs,
    steps: r.steps,
    reason: r.reason,
    secondsPerEpoch: r.secondsPerEpoch,
    samplesPerSecond: r.samplesPerSecond,
    speakers: r.speakers
  }
}

/** The figures both VAE presets share. */
function vaeFigures(r: TrainVaeJobResult | TrainVlaeJobResult): Pick<VaeTrainingOutcome, 'runId' | 'modelId' | 'checkpointId' | 'model' | 'latents' | 'testElbo' | 'testReconstruction' | 'epochs' | 'steps' | 'reason' | 'trainingSeconds' | 'examplesPerSecond'> {
  const { runId, modelId, checkpointId, model, latents, testElbo, testReconstruction, epochs, steps, reason, trainingSeconds, examplesPerSecond } = r
  return { runId, modelId, checkpointId, model, latents, testElbo, testReconstruction, epochs, steps, reason, trainingSeconds, examplesPerSecond }
}

function mnistOutcome(r: TrainVaeJobResult): VaeTrainingOutcome {
  return { ...vaeFigures(r), preset: 'mnist', testKl: r.testKl, testElboPerSample: null, klDims: r.klDims, testIwae: r.testIwae, k: r.testIwae === null ? null : r.k }
}

function vlaeOutcome(r: TrainVlaeJobResult): VaeTrainingOutcome {
  return { ...vaeFigures(r), preset: 'vlae', testKl: r.kl, testElboPerSample: r.testElboPerSample, klDims: r.klDims, testIwae: null, k: null }
}

function outcome(r: TrainTaggerJobResult): TrainingOutcome {
  return {
    runId: r.runId,
    modelId: r.modelId,
    checkpointId: r.checkpoint.id,
    epochs: r.epochs,
    steps: r.steps,
    reason: r.reason,
    valRocAuc: r.valRocAuc,
    testRocAuc: r.testRocAuc,
    testPrAuc: r.testPrAuc,
    testSplit: r.testSplit,
    clipsPerSecond: r.clipsPerSecond,
    clips: r.clips,
    tags: r.tags,
    leftOutTags: r.leftOutTags,
    skipped: r.skipped.length
  }
}
