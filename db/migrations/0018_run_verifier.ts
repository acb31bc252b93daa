import type { Migration } from './migration.js';

/**
 * Which learned verifier a run's reward used (a closed loop: labels -> verifier -> reward ->
 * checkpoint -> evaluation). Recorded when the run is created, with what the verifier was at that
 * moment: the labels snapshot it was trained on and its held-out agreement with people, so the
 * run's lineage reads the same however the project changes later. Rows are only added.
 */
export const migration0018: Migration = {
  version: 18,
  name: 'run_verifier',
  up: `
CREATE TABLE run_verifier (
  run_id INTEGER PRIMARY KEY REFERENCES run(id),
  verifier_id INTEGER NOT NULL REFERENCES verifier(id),
  -- the labels snapshot the verifier was trained on (verifier.snapshot_hash)
  snapshot_hash TEXT NOT NULL CHECK (length(snapshot_hash) = 64),
  -- held-out agreement with people's verdicts (model_card.json held_out)
  accuracy REAL NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
  kappa REAL,
  held_out INTEGER NOT NULL CHECK (held_out >= 0),
  created_at TEXT NOT NULL
);
CREATE INDEX run_verifier_verifier ON run_verifier(verifier_id);
`,
};
