import { openDatabase, type Db } from './open'
import { resolveDataDir } from './data-dir'
import { DatasetRepository } from './datasets'
import { ClipRepository } from './clips'
import { TagRepository } from './tags'
import { SpeakerRepository } from './speakers'
import { ModelRepository } from './models'
import { RunRepository } from './runs'
import { CheckpointRepository } from './checkpoints'
import { RenderRepository } from './renders'
import { ProjectRepository } from './projects'
import { PresetRepository } from './presets'
import { ClipSearchRepository } from './clip-search'
import { snapshotTables } from './snapshot'
import { failInterruptedRuns } from './run-owner'

/** An open model library: one repository per domain over one SQLite connection. */
export class Library {
  readonly datasets: DatasetRepository
  readonly clips: ClipRepository
  readonly tags: TagRepository
  readonly speakers: SpeakerRepository
  readonly models: ModelRepository
  readonly runs: RunRepository
  readonly checkpoints: CheckpointRepository
  readonly renders: RenderRepository
  readonly projects: ProjectRepository
  readonly presets: PresetRepository
  readonly clipSearch: ClipSearchRepository

  private constructor(
    private readonly db: Db,
    readonly dataDir: string
  ) {
    this.datasets = new DatasetRepository(db)
    this.clips = new ClipRepository(db)
    this.tags = new TagRepository(db)
    this.speakers = new SpeakerRepository(db)
    this.models = new ModelRepository(db)
    this.runs = new RunRepository(db, dataDir)
    this.checkpoints = new CheckpointRepository(db)
    this.renders = new RenderRepository(db)
    this.projects = new ProjectRepository(db)
    this.presets = new PresetRepository(db)
    this.clipSearch = new ClipSearchRepository(db)
  }

  /** Opens the library in `dataDir` (see resolveDataDir for the default), migrating it if needed. */
  static open(dataDir?: string): Library {
    const dir = resolveDataDir(dataDir)
    const lib = new Library(openDatabase(dir), dir)
    // Runs left 'running' by a process that was killed are failed, interrupted (see run-owner).
    failInterruptedRuns(dir, lib.runs)
    return lib
  }

  /** Runs `fn` in one transaction: all its writes land, or (if it throws) none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /** All rows of all tables, in a stable order (for checks that nothing changed). */
  snapshot(): Record<string, unknown[]> {
    return snapshotTables(this.db)
  }

  /**
   * PRAGMA data_version of this connection: it changes when another connection (the CLI, a job's
   * worker) commits to the library, never for this connection's own writes.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number
  }

  /**
   * A digest of what the library's views list (datasets, clip states, tags, models, runs' statuses,
   * checkpoints, renders, projects, presets): equal before and after a commit that changed none of
   * them, such as a training batch's loss in run_metrics. One statement; a scan of clips at most.
   */
  viewFingerprint(): string {
    const row = this.db
      .prepare(
        `SELECT
           (SELECT group_concat(id || ':' || name || ':' || imported_at, ',') FROM datasets),
           (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(sum(missing), 0) || ':' || count(unusable) FROM clips),
           (SELECT count(*) FROM tags) || ':' || (SELECT count(*) FROM tag_aliases) || ':' || (SELECT count(*) FROM clip_tags),
           (SELECT group_concat(id || ':' || name, ',') FROM models),
           (SELECT group_concat(id || ':' || status, ',') FROM training_runs),
           (SELECT count(*) || ':' || coalesce(sum(id), 0) FROM checkpoints),
           (SELECT group_concat(id || ':' || coalesce(name, ''), ',') FROM renders),
           (SELECT group_concat(id || ':' || name || ':' || updated_at, ',') FROM projects),
           (SELECT group_concat(id || ':' || name || ':' || updated_at, ',') FROM presets)`
      )
      .raw()
      .get() as unknown[]
    return JSON.stringify(row)
  }

  /** SQLite's own consistency check: 'ok', or what it found wrong (PRAGMA integrity_check). */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  }

  /** The schema version of the open file. */
  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  /** Closes the connection (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.db.close()
  }
}
