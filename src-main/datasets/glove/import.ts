import { basename, resolve } from 'node:path'
import type { Library } from '../../library/library'
import { loadGlove, type GloveLoadOptions } from './load'

/** What registering a GloVe file did. */
export interface GloveImportReport {
  datasetId: number
  file: string
  dim: number
  words: number
  duplicates: number
}

/** Reads and checks a whole GloVe file, then registers it as a dataset (vectors stay in the file). */
export async function importGlove(lib: Library, file: string, opts: GloveLoadOptions = {}): Promise<GloveImportReport> {
  const path = resolve(file)
  const { embeddings, duplicates } = await loadGlove(path, { onProgress: opts.onProgress })
  const meta = { dim: embeddings.dim, words: embeddings.size, duplicates }
  const datasetId = lib.datasets.upsert({ kind: 'glove', name: `GloVe ${basename(path)}`, rootPath: path, meta })
  return { datasetId, file: path, ...meta }
}
