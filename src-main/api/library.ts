import { Library } from '../library/library'
import { resolveDataDir } from '../library/data-dir'
import type { Clip, ClipQuery } from '../library/clips'
import type { Dataset, DatasetKind } from '../library/datasets'
import type { TagCount } from '../library/tags'
import type { Speaker } from '../library/speakers'
import type { Render, RenderInput } from '../library/renders'
import type { RunMetric, RunStatus, TrainingRun } from '../library/runs'
import type { Checkpoint } from '../library/checkpoints'
import type { Model } from '../library/models'
import type { Project, ProjectSummary } from '../library/projects'

/**
 * The library service: plain functions over an open Library handle, called alike by the CLI, the
 * Electron main process and the web host. Every read and write goes through the repositories.
 */

/** Opens the library in `dataDir` (default: --data-dir / EB_DATA_DIR / the platform's app-data folder). */
export function openLibrary(dataDir?: string): Library {
  return Library.open(resolveDataDir(dataDir))
}

/** Runs `fn` with a library opened for it, closing it afterwards whatever happens. */
export async function withLibrary<T>(dataDir: string | undefined, fn: (lib: Library) => T | Promise<T>): Promise<T> {
  const lib = openLibrary(dataDir)
  try {
    return await fn(lib)
  } finally {
    lib.close()
  }
}

/** Imported datasets, newest first. */
export function listDatasets(lib: Library, kind?: DatasetKind): Dataset[] {
  return lib.datasets.list(kind)
}

/** Tags by clip count (most first), optionally within one dataset and limited to the top `top`. */
export function listTags(lib: Library, opts: { datasetId?: number; top?: number } = {}): TagCount[] {
  return lib.tags.counts({ datasetId: opts.datasetId, limit: opts.top })
}

/** Clips matching every given tag (names or merged synonyms), split, speaker and dataset: usable clips only unless `includeUnusable`. */
export function listClips(lib: Library, query: ClipQuery = {}): { total: number; clips: Clip[] } {
  return { total: lib.clips.count(query), clips: lib.clips.list(query) }
}

/** Speakers with their clip counts. */
export function listSpeakers(lib: Library, opts: { datasetId?: number; gender?: 'F' | 'M' } = {}): Speaker[] {
  return lib.speakers.list(opts)
}

/** Records a finished render and returns it as stored. */
export function recordRender(lib: Library, input: RenderInput): Render {
  return lib.renders.get(lib.renders.add(input))!
}

/** Renders, newest first. */
export function listRenders(lib: Library, opts: { method?: string; limit?: number } = {}): Render[] {
  return lib.renders.list(opts)
}

/** Model definitions, newest first. */
export function listModels(lib: Library): Model[] {
  return lib.models.list()
}

/** Training runs, newest first. */
export function listRuns(lib: Library, opts: { modelId?: number; status?: RunStatus } = {}): TrainingRun[] {
  return lib.runs.list(opts)
}

/** One run's metric history. */
export function runMetrics(lib: Library, runId: number, name?: string): RunMetric[] {
  return lib.runs.metrics(runId, name)
}

/** Checkpoints, newest first, optionally of one run. */
export function listCheckpoints(lib: Library, opts: { runId?: number } = {}): Checkpoint[] {
  return lib.checkpoints.list(opts)
}

/** Timeline projects, most recently saved first. */
export function listProjects(lib: Library): ProjectSummary[] {
  return lib.projects.list()
}

/** One project with its tracks and clips. */
export function getProject(lib: Library, id: number): Project | undefined {
  return lib.projects.get(id)
}
