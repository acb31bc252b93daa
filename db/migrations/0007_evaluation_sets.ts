import type { Migration } from './migration.js';

/**
 * Frozen evaluation sets: a project's eval / held-out items written to an immutable, hashed
 * folder (like a training snapshot), so an evaluation names exactly the prompts it measured and
 * can be reproduced. `evaluation_set_item` lists the items, so a later change of an item's split
 * does not change what an existing set holds.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'evaluation_sets',
  up: `
CREATE TABLE evaluation_set (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  name TEXT NOT NULL,
  path TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL CHECK (length(hash) = 64),
  items INTEGER NOT NULL CHECK (items > 0),
  -- images, truth sources, by split, by task
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  created_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE evaluation_set_item (
  set_id INTEGER NOT NULL REFERENCES evaluation_set(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  PRIMARY KEY (set_id, item_id)
) WITHOUT ROWID;
CREATE INDEX evaluation_set_item_item ON evaluation_set_item(item_id);
`,
};
