import type { Migration } from './migration.js';

/**
 * Adjudication of preference votes: a reviewer settles a pair of responses whose voters disagree
 * on the overall choice by setting the pair's gold choice, as `response_gold` (0017) does for a
 * response's verdict.
 *
 * `preference_gold` is append-only, one version line per pair (canonical order as in
 * `preference`: response_a_id < response_b_id, and `choice` refers to those columns); undo
 * appends a `retracted` version. A trigger keeps `preference_gold_head` (the current version) in
 * the same transaction. `preference_review_skip` is the reviewer's S order for pairs, like
 * `review_skip` (whose target is one id, so a pair needs its own table): newest id = furthest back.
 */
export const migration0021: Migration = {
  version: 21,
  name: 'preference_gold',
  up: `
CREATE TABLE preference_gold (
  id INTEGER PRIMARY KEY,
  -- denormalised from the responses (checked by a trigger)
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('set', 'retracted')),
  choice TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'both_bad')),
  -- the voter whose choice the reviewer picked; null when the reviewer chose themselves
  source_annotator_id INTEGER REFERENCES user(id),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  UNIQUE (response_a_id, response_b_id, version)
);
CREATE INDEX preference_gold_project ON preference_gold(project_id);

CREATE TABLE preference_gold_head (
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  gold_id INTEGER NOT NULL REFERENCES preference_gold(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  choice TEXT NOT NULL,
  PRIMARY KEY (response_a_id, response_b_id)
) WITHOUT ROWID;
CREATE INDEX preference_gold_head_project ON preference_gold_head(project_id, status, gold_id);

CREATE TRIGGER preference_gold_before_insert BEFORE INSERT ON preference_gold BEGIN
  SELECT RAISE(ABORT, 'preference_gold responses must both answer its item in its project')
   WHERE NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_a_id AND project_id = NEW.project_id AND item_id = NEW.item_id)
      OR NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_b_id AND project_id = NEW.project_id AND item_id = NEW.item_id);
  SELECT RAISE(ABORT, 'preference_gold.version must be the next version for this pair')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM preference_gold_head
     WHERE response_a_id = NEW.response_a_id AND response_b_id = NEW.response_b_id), 0);
END;
CREATE TRIGGER preference_gold_before_update BEFORE UPDATE ON preference_gold BEGIN
  SELECT RAISE(ABORT, 'gold choices are append-only: add a version instead');
END;
CREATE TRIGGER preference_gold_before_delete BEFORE DELETE ON preference_gold BEGIN
  SELECT RAISE(ABORT, 'gold choices are append-only: retract instead');
END;
CREATE TRIGGER preference_gold_after_insert AFTER INSERT ON preference_gold BEGIN
  INSERT INTO preference_gold_head (response_a_id, response_b_id, project_id, gold_id, reviewer_id, version, status, choice)
    VALUES (NEW.response_a_id, NEW.response_b_id, NEW.project_id, NEW.id, NEW.reviewer_id, NEW.version, NEW.status, NEW.choice)
    ON CONFLICT (response_a_id, response_b_id) DO UPDATE SET
      gold_id = excluded.gold_id, reviewer_id = excluded.reviewer_id, version = excluded.version,
      status = excluded.status, choice = excluded.choice;
END;

CREATE TABLE preference_review_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  UNIQUE (reviewer_id, response_a_id, response_b_id)
);
CREATE INDEX preference_review_skip_order ON preference_review_skip(project_id, reviewer_id);
`,
};
