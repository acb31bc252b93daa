import type { Migration } from './migration.js';

/**
 * Pairs an annotator skipped in the pairwise view. A skip sends the pair to the back of that
 * person's pair queue (it comes back once nothing else is left); it is a row of its own, not a
 * vote, so it never counts toward a model pair's votes. Canonical order as in `preference`.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'preference_skip',
  up: `
CREATE TABLE preference_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  UNIQUE (annotator_id, response_a_id, response_b_id)
);
CREATE INDEX preference_skip_order ON preference_skip(project_id, annotator_id);
`,
};
