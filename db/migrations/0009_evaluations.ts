import type { Migration } from './migration.js';

/**
 * Evaluation runs: models (base models and run checkpoints) answering an evaluation set's
 * prompts through the worker's `generate`. The responses land in `response` (origin generated,
 * params carrying the evaluation id) as the worker writes them, so a run that stops keeps what it
 * produced and a resume generates only what is missing. Status values follow `run`: a process
 * owns queued and running rows (owner_pid) and a later process marks a dead owner's rows
 * interrupted.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'evaluations',
  up: `
CREATE TABLE evaluation (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  set_id INTEGER NOT NULL REFERENCES evaluation_set(id),
  name TEXT NOT NULL,
  -- JSON array of model ids (base models and checkpoints)
  models TEXT NOT NULL CHECK (json_valid(models)),
  -- samples, temperature, max_new_tokens, top_p, seed, system_prompt
  settings TEXT NOT NULL CHECK (json_valid(settings)),
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'completed', 'cancelled', 'failed', 'interrupted')),
  -- responses this evaluation stored, every attempt together
  responses INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  eta_seconds REAL,
  error TEXT,
  log_tail TEXT NOT NULL DEFAULT '',
  owner_pid INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX evaluation_project ON evaluation(project_id);
CREATE INDEX evaluation_active ON evaluation(status) WHERE status IN ('queued', 'running', 'cancelling');
`,
};
