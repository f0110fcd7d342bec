import type { FuzzRng } from '../random'
import type { PreparedImport } from '../targets/importer'

/** Where an importer case writes its dataset. */
export interface ImportCaseContext {
  rng: FuzzRng
  /**
   * The folder for the dataset: the very path the base library imported the pristine dataset from
   * (so the case is a re-import over existing rows) or a fresh one (a first import).
   */
  datasetDir: string
}

/** One importer case, ready to run. */
export interface ImportCase {
  mutation: string
  seedFile: string
  note: string
  prepared: PreparedImport
}
