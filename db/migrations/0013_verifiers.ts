import type { Migration } from './migration.js';

/**
 * Learned verifiers trained from a project's own verdicts (`studio verifier train`): the worker's
 * `cosmo_rl.verifier_train` writes a folder (config.json, model.safetensors, model.onnx,
 * model_card.json) under <data>/verifiers/; a row records where, which snapshot it learned from
 * and the card (its held-out figures against people), so a verifier is never confused with a
 * base model or a checkpoint (`model.kind` stays base | checkpoint). Rows are only added.
 */
export const migration0013: Migration = {
  version: 13,
  name: 'verifiers',
  up: `
CREATE TABLE verifier (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- the verifier's folder (absolute); its model.onnx is what the learned tier runs
  path TEXT NOT NULL,
  snapshot_hash TEXT NOT NULL CHECK (length(snapshot_hash) = 64),
  -- model_card.json as the worker wrote it (held-out accuracy, binary accuracy, kappa, n)
  card TEXT NOT NULL CHECK (json_valid(card)),
  created_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);
`,
};
