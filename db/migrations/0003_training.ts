import type { Migration } from './migration.js';

/**
 * Training: models (base models and run checkpoints), runs, their per-step metrics and the
 * other worker events (samples, checkpoints, errors, logs).
 *
 * A run's status is only ever 'queued', 'running' or 'cancelling' while a studio process owns
 * it; on start the core marks such rows 'interrupted', so nothing is shown running when nothing
 * runs. Metrics are one row per (run, step) with the step's values as JSON: a resumed run
 * replays steps after its checkpoint, and the replay replaces the earlier row.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'training',
  up: `
CREATE TABLE model (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('base', 'checkpoint')),
  source TEXT NOT NULL CHECK (source IN ('local', 'hub', 'tiny', 'run')),
  name TEXT NOT NULL,
  -- folder on disk (for a hub model: where it is or will be downloaded)
  path TEXT NOT NULL,
  hub_id TEXT,
  -- config.json model_type, and the family the worker knows it as (NULL: not supported)
  model_type TEXT,
  family TEXT,
  -- size, parameter estimate, vision tower, why unsupported, download progress
  info TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info)),
  status TEXT NOT NULL CHECK (status IN ('ready', 'downloading', 'failed')),
  trust_remote_code INTEGER NOT NULL DEFAULT 0 CHECK (trust_remote_code IN (0, 1)),
  parent_id INTEGER REFERENCES model(id),
  run_id INTEGER REFERENCES run(id),
  step INTEGER,
  metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
  created_at TEXT NOT NULL,
  UNIQUE (run_id, step)
);
CREATE INDEX model_kind ON model(kind);
CREATE UNIQUE INDEX model_base_path ON model(path) WHERE kind = 'base';

CREATE TABLE run (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  base_model_id INTEGER NOT NULL REFERENCES model(id),
  name TEXT NOT NULL,
  preset TEXT NOT NULL,
  -- runs/<dir>/ under the data directory: config.json, snapshot/, worker.log, checkpoints
  dir TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL CHECK (json_valid(config)),
  snapshot_hash TEXT NOT NULL,
  snapshot_items INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'completed', 'cancelled', 'failed', 'interrupted')),
  device TEXT,
  gpu_name TEXT,
  stage TEXT,
  step INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER NOT NULL,
  eta_seconds REAL,
  -- one sentence: why the run ended the way it did
  exit_reason TEXT,
  error TEXT,
  advice TEXT,
  log_tail TEXT NOT NULL DEFAULT '',
  last_checkpoint TEXT,
  final_checkpoint TEXT,
  -- 1 for the first launch, +1 per resume
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  first_metric_at TEXT,
  finished_at TEXT
);
CREATE INDEX run_project ON run(project_id);
CREATE INDEX run_active ON run(status) WHERE status IN ('queued', 'running', 'cancelling');

CREATE TABLE run_metric (
  run_id INTEGER NOT NULL REFERENCES run(id),
  step INTEGER NOT NULL,
  stage TEXT NOT NULL,
  metric_values TEXT NOT NULL CHECK (json_valid(metric_values)),
  time TEXT NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE run_event (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES run(id),
  type TEXT NOT NULL,
  step INTEGER,
  data TEXT NOT NULL CHECK (json_valid(data)),
  time TEXT NOT NULL
);
CREATE INDEX run_event_run ON run_event(run_id, type, id);
`,
};
