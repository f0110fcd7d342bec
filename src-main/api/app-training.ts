import { randomUUID } from 'node:crypto'
import type {
  CheckpointSummary,
  JobProgress,
  ModelSummary,
  RunCurves,
  RunSummary,
  TagResult,
  TrainingDataset,
  TrainingJob,
  TrainingOutcome,
  TrainingRequest
} from '../../src-preload/api'
import type { Library } from '../library/library'
import type { TrainTaggerJobResult } from '../jobs/train-tagger-job'
import { UserError, describeError } from '../util/errors'
import type { AudioService } from './audio'
import { listModels, runCurves, tagFile, type ModelEntry } from './models'
import type { EventHub } from './services'
import { trainTagger } from './training'

/** The training methods of the contract, plus cancel and shutdown for the service that owns jobs. */
export interface TrainingService {
  handlers: {
    listTrainingDatasets(): Promise<TrainingDataset[]>
    startTraining(req: TrainingRequest): Promise<{ jobId: string }>
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

/**
 * The app's door onto tagger training and tagging (the lead's training and models services): a run
 * starts as a job and reports through jobProgress / jobFinished like a render; the library, read
 * through the project service's connection (WAL: the worker writes while we read), gives datasets,
 * models, runs, checkpoints and curves.
 */
export function createTrainingService(opts: { dataDir: string; library: Library; audio: AudioService; events: EventHub }): TrainingService {
  const { library: lib, events } = opts
  const running = new Map<string, Running>()

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

  async function finish(job: Running, result: Promise<TrainTaggerJobResult>): Promise<void> {
    try {
      const r = await result
      job.runId = r.runId
      events.emit('libraryChanged', { kind: 'model', id: String(r.modelId) })
      events.emit('jobFinished', { jobId: job.jobId, kind: 'training', status: 'done', training: outcome(r) })
    } catch (err) {
      // The run's status changed to failed or stopped: model lists elsewhere refresh too.
      const modelId = job.runId === null ? undefined : lib.runs.get(job.runId)?.modelId
      if (modelId !== undefined) events.emit('libraryChanged', { kind: 'model', id: String(modelId) })
      const status = job.controller.signal.aborted ? 'cancelled' : 'failed'
      events.emit('jobFinished', { jobId: job.jobId, kind: 'training', status, ...(status === 'failed' && { error: describeError(err) }) })
    } finally {
      running.delete(job.jobId)
    }
  }

  return {
    handlers: {
      async listTrainingDatasets() {
        return lib.datasets.list('mtat').map((d) => ({
          id: d.id,
          name: d.name,
          clips: lib.clips.count({ datasetId: d.id }),
          tags: lib.tags.counts({ datasetId: d.id }).length,
          importedAt: d.importedAt
        }))
      },
      async startTraining(req) {
        const dataset = lib.datasets.get(req.datasetId)
        if (!dataset) throw new UserError(`dataset ${req.datasetId}: not in the library (import MagnaTagATune first)`)
        if (dataset.kind !== 'mtat') throw new UserError(`dataset ${req.datasetId}: a ${dataset.kind} dataset; the tagger trains on MagnaTagATune imports`)
        const job: Running = { jobId: randomUUID(), runId: null, request: { ...req }, startedAt: Date.now(), controller: new AbortController() }
        let queued!: () => void
        const accepted = new Promise<void>((r) => (queued = r))
        const result = trainTagger(
          { ...req, dataDir: opts.dataDir },
          {
            signal: job.controller.signal,
            onJobId: () => queued(),
            onProgress: (p) => {
              job.runId ??= findRun(job, p)
              job.progress = { ...p, jobId: job.jobId }
              events.emit('jobProgress', job.progress)
            }
          }
        )
        // The service checks the request before queueing: a bad one is this call's error, not a failed job.
        await Promise.race([accepted, result])
        running.set(job.jobId, job)
        void finish(job, result)
        return { jobId: job.jobId }
      },
      async listTrainingJobs() {
        return [...running.values()].map(({ controller: _c, ...job }) => job)
      },
      async listModels() {
        return listModels(lib).map(modelSummary)
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
          throw new UserError('No trained tagger yet: train one in the Tagger panel first')
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
  return { id: c.id, epoch: numberOr(c.metrics.epoch, null), step: c.step, sizeBytes: c.sizeBytes, valRocAuc: numberOr(c.metrics.valRocAuc, null), createdAt: c.createdAt }
}

function runSummary(r: ModelEntry['runs'][number]): RunSummary {
  const checkpoints = r.checkpoints.map(checkpointSummary)
  const scored = r.checkpoints.filter((c) => numberOr(c.metrics.valRocAuc, null) !== null)
  const best = scored.reduce<(typeof scored)[number] | undefined>((b, c) => (b === undefined || c.metrics.valRocAuc! > b.metrics.valRocAuc! ? c : b), undefined)
  const tested = r.checkpoints.find((c) => numberOr(c.metrics.testRocAuc, null) !== null)
  return {
    id: r.id,
    status: r.status,
    error: r.error,
    datasetId: r.datasetId,
    epochs: numberOr(r.config.epochs, null),
    split: typeof r.config.split === 'string' ? r.config.split : null,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    bestValRocAuc: best ? best.metrics.valRocAuc! : null,
    testRocAuc: tested ? tested.metrics.testRocAuc! : null,
    checkpoints
  }
}

function modelSummary(m: ModelEntry): ModelSummary {
  const tags = Array.isArray(m.config.tags) ? m.config.tags.filter((t): t is string => typeof t === 'string') : []
  return { id: m.id, name: m.name, kind: m.kind, tags, createdAt: m.createdAt, runs: m.runs.map(runSummary) }
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
