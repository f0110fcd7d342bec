import { importDatasetFolder, type DatasetImportJob, type DatasetImportReport } from '../api/dataset-import'
import type { DatasetSummary } from '../../src-preload/api'
import { Library } from '../library/library'
import type { JobContext } from './job-context'

/** One dataset import on a worker: the library of `dataDir` and what to import. */
export interface ImportDatasetJobParams {
  dataDir: string
  job: DatasetImportJob
}

/** The imported dataset's summary and the importer's report. */
export interface ImportDatasetJobResult {
  summary: DatasetSummary
  imported: DatasetImportReport
}

/**
 * Runs an import off the main thread (the importers are synchronous: a 25,000-clip folder would
 * stall every request for seconds). Each progress report checks the cancel flag first; a cancel
 * thrown inside the write transaction rolls it back, so a cancelled import leaves the library as it was.
 */
export async function importDatasetJob(params: ImportDatasetJobParams, ctx: JobContext): Promise<ImportDatasetJobResult> {
  const lib = Library.open(params.dataDir)
  try {
    return await importDatasetFolder(lib, params.job, {
      onProgress: (p) => {
        ctx.throwIfCancelled()
        ctx.progress({ step: p.done, total: p.total, phase: p.phase })
      }
    })
  } finally {
    lib.close()
  }
}
