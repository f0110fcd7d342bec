/** One schema step: applied once, in order, inside a transaction; never edited after release. */
export interface Migration {
  version: number
  sql: string
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
  }
]

/** The newest schema version this code knows. */
export const latestVersion: number = migrations[migrations.length - 1]!.version
