import type { Migration } from './migration.js';

/**
 * Ordering the labelling queue by the learned verifier's prompt-label head (issue 9 item 4c).
 *
 * `project_queue_ordering`: the project's setting; no row means off (the default), so every
 * existing project keeps its queue as it was.
 *
 * `prompt_label_score`: a cache of the head's uncertainty per (item, verifier), the normalised
 * entropy of its `expected` probabilities (0: sure, 1: uniform), so the queue orders thousands of
 * items without running the model. Scores are facts about a model and a prompt text, never a
 * label; a newer verifier writes its own rows and the queue reads only the current verifier's.
 * The index walks one verifier's scores from the least sure down.
 */
export const migration0022: Migration = {
  version: 22,
  name: 'prompt_label_queue',
  up: `
CREATE TABLE project_queue_ordering (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  uncertainty INTEGER NOT NULL CHECK (uncertainty IN (0, 1)),
  updated_at TEXT NOT NULL
);

CREATE TABLE prompt_label_score (
  item_id INTEGER NOT NULL REFERENCES item(id),
  verifier_id INTEGER NOT NULL REFERENCES verifier(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  uncertainty REAL NOT NULL CHECK (uncertainty >= 0 AND uncertainty <= 1),
  created_at TEXT NOT NULL,
  PRIMARY KEY (item_id, verifier_id)
) WITHOUT ROWID;
CREATE INDEX prompt_label_score_queue ON prompt_label_score(verifier_id, uncertainty DESC, item_id);
`,
};
