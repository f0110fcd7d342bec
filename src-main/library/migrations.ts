/** One schema step: applied once, in order, inside a transaction; never edited after release. */
export interface Migration {
  version: number
  sql: string
  /**
   * The step rebuilds tables (SQLite's "other kinds of table schema changes"): foreign keys are
   * turned off outside its transaction, PRAGMA foreign_key_check must find nothing before its
   * commit, and they are turned back on after it, whether it committed or not.
   */
  foreignKeysOff?: boolean
}

/**
 * The library schema, version by version. PRAGMA user_version records the last one applied.
 * Paths are stored as given (absolute); times are ISO-8601 UTC strings; free-form settings are JSON text.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('mtat', 'vctk', 'mnist', 'glove')),
  name TEXT NOT NULL,
  root_path TEXT NOT NULL,
  meta_json TEXT NOT NULL DEFAULT '{}',
  imported_at TEXT NOT NULL,
  UNIQUE (kind, root_path)
);

CREATE TABLE speakers (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  age INTEGER,
  gender TEXT CHECK (gender IN ('F', 'M')),
  accent TEXT,
  region TEXT,
  comment TEXT,
  UNIQUE (dataset_id, code)
);

CREATE TABLE clips (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source_key TEXT NOT NULL,
  path TEXT NOT NULL,
  missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
  duration_s REAL,
  sample_rate INTEGER,
  split TEXT CHECK (split IN ('train', 'valid', 'test')),
  speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
  transcript TEXT,
  title TEXT,
  artist TEXT,
  album TEXT,
  UNIQUE (dataset_id, source_key)
);
CREATE INDEX clips_split ON clips (dataset_id, split);
CREATE INDEX clips_speaker ON clips (speaker_id);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE tag_aliases (
  alias TEXT PRIMARY KEY,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE
);

CREATE TABLE clip_tags (
  clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (clip_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX clip_tags_tag ON clip_tags (tag_id, clip_id);

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);

CREATE TABLE training_runs (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE RESTRICT,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'stopped')),
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);

CREATE TABLE run_metrics (
  run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, name, step)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE RESTRICT,
  path TEXT NOT NULL UNIQUE,
  step INTEGER NOT NULL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX checkpoints_run ON checkpoints (run_id, step);

CREATE TABLE renders (
  id INTEGER PRIMARY KEY,
  method TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  params_json TEXT NOT NULL DEFAULT '{}',
  output_path TEXT NOT NULL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  bpm REAL NOT NULL DEFAULT 120,
  sample_rate INTEGER NOT NULL DEFAULT 44100,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE tracks (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  gain_db REAL NOT NULL DEFAULT 0,
  pan REAL NOT NULL DEFAULT 0 CHECK (pan BETWEEN -1 AND 1),
  muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
  solo INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1)),
  UNIQUE (project_id, position)
);

CREATE TABLE track_clips (
  id INTEGER PRIMARY KEY,
  track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  source_path TEXT NOT NULL,
  start_s REAL NOT NULL CHECK (start_s >= 0),
  offset_s REAL NOT NULL DEFAULT 0 CHECK (offset_s >= 0),
  duration_s REAL NOT NULL CHECK (duration_s > 0),
  gain_db REAL NOT NULL DEFAULT 0,
  render_id INTEGER REFERENCES renders(id) ON DELETE SET NULL
);
CREATE INDEX track_clips_track ON track_clips (track_id, start_s);
`
  },
  {
    // Why a clip whose file is there cannot be used (empty, not audio, undecodable); NULL = usable.
    version: 2,
    sql: `
ALTER TABLE clips ADD COLUMN unusable TEXT CHECK (unusable <> '');
`
  },
  {
    // A checkpoint's size on disk (model.json + weights, bytes), shown in the model library.
    version: 3,
    sql: `
ALTER TABLE checkpoints ADD COLUMN size_bytes INTEGER CHECK (size_bytes >= 0);
`
  },
  {
    // Presets: named effect chains of the match method (a fitted chain saved from a render, or an
    // imported file), validated by parseChain whenever they are read.
    version: 4,
    sql: `
CREATE TABLE presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (name <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('effectChain')),
  chain_json TEXT NOT NULL,
  source_render_id INTEGER REFERENCES renders(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX presets_name ON presets (name COLLATE NOCASE);
`
  },
  {
    // Renders get a name the library view shows and renames ("texture 12" until renamed). Existing
    // renders and any insert that gives none are named "<method> <id>" (the trigger: every writer of
    // renders, old or new, gets a name without knowing of the column).
    version: 5,
    sql: `
ALTER TABLE renders ADD COLUMN name TEXT CHECK (name <> '');
UPDATE renders SET name = method || ' ' || id;
CREATE TRIGGER renders_default_name AFTER INSERT ON renders WHEN NEW.name IS NULL
BEGIN
  UPDATE renders SET name = NEW.method || ' ' || NEW.id WHERE id = NEW.id;
END;
`
  },
  {
    // A clip a training run found without its file was recorded as a decode failure ("file not
    // found", or a raw ENOENT), which a re-import kept; it is missing, which every import re-checks.
    version: 6,
    sql: `
UPDATE clips SET missing = 1, unusable = NULL WHERE unusable = 'file not found' OR unusable LIKE 'ENOENT%';
`
  },
  {
    // Ids are never given twice: every table with an INTEGER PRIMARY KEY id gets AUTOINCREMENT, so
    // the id of a deleted newest row (a model, a run and its checkpoint folder run-<id>, a render,
    // a dataset's clips) cannot come back for the next insert and meet what still names it outside
    // the database (folders, the views' selections, a job's parameters). SQLite cannot add it in
    // place: each table is rebuilt the documented way (lang_altertable.html, "Making Other Kinds Of
    // Table Schema Changes": new_X created, rows copied with their ids, X dropped, new_X renamed,
    // indexes and triggers recreated), columns, constraints, defaults and ON DELETE actions as they
    // were (added columns last, where ALTER TABLE put them). Foreign keys are off around it and
    // checked before the commit (foreignKeysOff). sqlite_sequence starts at each table's largest id:
    // SQLite records it as the rows are copied with their ids into new_X (one row, renamed with the
    // table; seeding it by hand as well left two rows per table).
    version: 7,
    foreignKeysOff: true,
    sql: `
CREATE TABLE new_datasets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('mtat', 'vctk', 'mnist', 'glove')),
  name TEXT NOT NULL,
  root_path TEXT NOT NULL,
  meta_json TEXT NOT NULL DEFAULT '{}',
  imported_at TEXT NOT NULL,
  UNIQUE (kind, root_path)
);
INSERT INTO new_datasets (id, kind, name, root_path, meta_json, imported_at)
  SELECT id, kind, name, root_path, meta_json, imported_at FROM datasets;
DROP TABLE datasets;
ALTER TABLE new_datasets RENAME TO datasets;

CREATE TABLE new_speakers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  age INTEGER,
  gender TEXT CHECK (gender IN ('F', 'M')),
  accent TEXT,
  region TEXT,
  comment TEXT,
  UNIQUE (dataset_id, code)
);
INSERT INTO new_speakers (id, dataset_id, code, age, gender, accent, region, comment)
  SELECT id, dataset_id, code, age, gender, accent, region, comment FROM speakers;
DROP TABLE speakers;
ALTER TABLE new_speakers RENAME TO speakers;

CREATE TABLE new_clips (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  source_key TEXT NOT NULL,
  path TEXT NOT NULL,
  missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1)),
  duration_s REAL,
  sample_rate INTEGER,
  split TEXT CHECK (split IN ('train', 'valid', 'test')),
  speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
  transcript TEXT,
  title TEXT,
  artist TEXT,
  album TEXT,
  unusable TEXT CHECK (unusable <> ''),
  UNIQUE (dataset_id, source_key)
);
INSERT INTO new_clips (id, dataset_id, source_key, path, missing, duration_s, sample_rate, split, speaker_id, transcript, title, artist, album, unusable)
  SELECT id, dataset_id, source_key, path, missing, duration_s, sample_rate, split, speaker_id, transcript, title, artist, album, unusable FROM clips;
DROP TABLE clips;
ALTER TABLE new_clips RENAME TO clips;
CREATE INDEX clips_split ON clips (dataset_id, split);
CREATE INDEX clips_speaker ON clips (speaker_id);

CREATE TABLE new_tags (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO new_tags (id, name) SELECT id, name FROM tags;
DROP TABLE tags;
ALTER TABLE new_tags RENAME TO tags;

CREATE TABLE new_models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
INSERT INTO new_models (id, name, kind, config_json, created_at) SELECT id, name, kind, config_json, created_at FROM models;
DROP TABLE models;
ALTER TABLE new_models RENAME TO models;

CREATE TABLE new_training_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE RESTRICT,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  config_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'stopped')),
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
INSERT INTO new_training_runs (id, model_id, dataset_id, config_json, status, error, created_at, started_at, finished_at)
  SELECT id, model_id, dataset_id, config_json, status, error, created_at, started_at, finished_at FROM training_runs;
DROP TABLE training_runs;
ALTER TABLE new_training_runs RENAME TO training_runs;

CREATE TABLE new_checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE RESTRICT,
  path TEXT NOT NULL UNIQUE,
  step INTEGER NOT NULL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  size_bytes INTEGER CHECK (size_bytes >= 0)
);
INSERT INTO new_checkpoints (id, run_id, path, step, metrics_json, created_at, size_bytes)
  SELECT id, run_id, path, step, metrics_json, created_at, size_bytes FROM checkpoints;
DROP TABLE checkpoints;
ALTER TABLE new_checkpoints RENAME TO checkpoints;
CREATE INDEX checkpoints_run ON checkpoints (run_id, step);

CREATE TABLE new_renders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  method TEXT NOT NULL,
  inputs_json TEXT NOT NULL,
  params_json TEXT NOT NULL DEFAULT '{}',
  output_path TEXT NOT NULL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  name TEXT CHECK (name <> '')
);
INSERT INTO new_renders (id, method, inputs_json, params_json, output_path, metrics_json, checkpoint_id, created_at, name)
  SELECT id, method, inputs_json, params_json, output_path, metrics_json, checkpoint_id, created_at, name FROM renders;
DROP TABLE renders;
ALTER TABLE new_renders RENAME TO renders;
CREATE TRIGGER renders_default_name AFTER INSERT ON renders WHEN NEW.name IS NULL
BEGIN
  UPDATE renders SET name = NEW.method || ' ' || NEW.id WHERE id = NEW.id;
END;

CREATE TABLE new_projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  bpm REAL NOT NULL DEFAULT 120,
  sample_rate INTEGER NOT NULL DEFAULT 44100,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO new_projects (id, name, bpm, sample_rate, created_at, updated_at) SELECT id, name, bpm, sample_rate, created_at, updated_at FROM projects;
DROP TABLE projects;
ALTER TABLE new_projects RENAME TO projects;

CREATE TABLE new_tracks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  gain_db REAL NOT NULL DEFAULT 0,
  pan REAL NOT NULL DEFAULT 0 CHECK (pan BETWEEN -1 AND 1),
  muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
  solo INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1)),
  UNIQUE (project_id, position)
);
INSERT INTO new_tracks (id, project_id, position, name, gain_db, pan, muted, solo)
  SELECT id, project_id, position, name, gain_db, pan, muted, solo FROM tracks;
DROP TABLE tracks;
ALTER TABLE new_tracks RENAME TO tracks;

CREATE TABLE new_track_clips (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  source_path TEXT NOT NULL,
  start_s REAL NOT NULL CHECK (start_s >= 0),
  offset_s REAL NOT NULL DEFAULT 0 CHECK (offset_s >= 0),
  duration_s REAL NOT NULL CHECK (duration_s > 0),
  gain_db REAL NOT NULL DEFAULT 0,
  render_id INTEGER REFERENCES renders(id) ON DELETE SET NULL
);
INSERT INTO new_track_clips (id, track_id, source_path, start_s, offset_s, duration_s, gain_db, render_id)
  SELECT id, track_id, source_path, start_s, offset_s, duration_s, gain_db, render_id FROM track_clips;
DROP TABLE track_clips;
ALTER TABLE new_track_clips RENAME TO track_clips;
CREATE INDEX track_clips_track ON track_clips (track_id, start_s);

CREATE TABLE new_presets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL CHECK (name <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('effectChain')),
  chain_json TEXT NOT NULL,
  source_render_id INTEGER REFERENCES renders(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO new_presets (id, name, kind, chain_json, source_render_id, created_at, updated_at)
  SELECT id, name, kind, chain_json, source_render_id, created_at, updated_at FROM presets;
DROP TABLE presets;
ALTER TABLE new_presets RENAME TO presets;
CREATE INDEX presets_name ON presets (name COLLATE NOCASE);
`
  }
]

/** The newest schema version this code knows. */
export const latestVersion: number = migrations[migrations.length - 1]!.version
