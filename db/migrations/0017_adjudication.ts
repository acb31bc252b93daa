import type { Migration } from './migration.js';

/**
 * Adjudication: a reviewer settles items (and responses) whose annotators disagree by setting
 * the gold label, and the project's rules say which items enter the reviewer queue and what
 * training and evaluation use (gold, else the majority when agreement reaches a minimum share,
 * else the item is excluded).
 *
 * `gold_label` / `response_gold` are append-only like `annotation` / `response_label`: one
 * version line per item (response), not per person, since an item has one gold label; a reviewer
 * who undoes appends a `retracted` version. Triggers keep `gold_head` / `response_gold_head`
 * (the current version) in the same transaction, so every writer keeps them exact.
 *
 * `review_skip` is the reviewer's own S (skip) order, like `queue_skip`: newest id = furthest back.
 * A project without an `adjudication_rule` row uses the defaults of its columns.
 */
export const migration0017: Migration = {
  version: 17,
  name: 'adjudication',
  up: `
CREATE TABLE adjudication_rule (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  -- which items enter the reviewer queue: any disagreement, or agreement below review_min_share
  review_rule TEXT NOT NULL DEFAULT 'any_disagreement' CHECK (review_rule IN ('any_disagreement', 'below_share')),
  review_min_share REAL NOT NULL DEFAULT 1 CHECK (review_min_share > 0 AND review_min_share <= 1),
  -- what training and evaluation use without gold: the majority when at least this share agrees
  training_min_agreement REAL NOT NULL DEFAULT 0 CHECK (training_min_agreement >= 0 AND training_min_agreement <= 1),
  updated_at TEXT NOT NULL
);

CREATE TABLE gold_label (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES item(id),
  -- denormalised from the item (checked by a trigger) for per-project queries
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('set', 'retracted')),
  labels TEXT NOT NULL CHECK (json_valid(labels)),
  -- the annotator whose label the reviewer picked; null when the reviewer wrote their own
  source_annotator_id INTEGER REFERENCES user(id),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (item_id, version)
);
CREATE INDEX gold_label_project ON gold_label(project_id);

CREATE TABLE gold_head (
  item_id INTEGER PRIMARY KEY REFERENCES item(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  gold_id INTEGER NOT NULL REFERENCES gold_label(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL
) WITHOUT ROWID;
-- undo (the reviewer's latest set) and the project's gold map for snapshots and truth
CREATE INDEX gold_head_project ON gold_head(project_id, status, gold_id);

CREATE TRIGGER gold_label_before_insert BEFORE INSERT ON gold_label BEGIN
  SELECT RAISE(ABORT, 'gold_label.project_id does not match the item''s project')
   WHERE NEW.project_id IS NOT (SELECT project_id FROM item WHERE id = NEW.item_id);
  SELECT RAISE(ABORT, 'gold_label.version must be the next version for this item')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM gold_head WHERE item_id = NEW.item_id), 0);
END;
CREATE TRIGGER gold_label_before_update BEFORE UPDATE ON gold_label BEGIN
  SELECT RAISE(ABORT, 'gold labels are append-only: add a version instead');
END;
CREATE TRIGGER gold_label_before_delete BEFORE DELETE ON gold_label BEGIN
  SELECT RAISE(ABORT, 'gold labels are append-only: retract instead');
END;
CREATE TRIGGER gold_label_after_insert AFTER INSERT ON gold_label BEGIN
  INSERT INTO gold_head (item_id, project_id, gold_id, reviewer_id, version, status)
    VALUES (NEW.item_id, NEW.project_id, NEW.id, NEW.reviewer_id, NEW.version, NEW.status)
    ON CONFLICT (item_id) DO UPDATE SET
      gold_id = excluded.gold_id, reviewer_id = excluded.reviewer_id, version = excluded.version, status = excluded.status;
END;

CREATE TABLE response_gold (
  id INTEGER PRIMARY KEY,
  response_id INTEGER NOT NULL REFERENCES response(id),
  -- denormalised from the response (checked by a trigger)
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('set', 'retracted')),
  verdict TEXT NOT NULL CHECK (verdict IN ('refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical')),
  helpfulness INTEGER CHECK (helpfulness BETWEEN 1 AND 5),
  source_annotator_id INTEGER REFERENCES user(id),
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  UNIQUE (response_id, version)
);
CREATE INDEX response_gold_project ON response_gold(project_id);

CREATE TABLE response_gold_head (
  response_id INTEGER PRIMARY KEY REFERENCES response(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  gold_id INTEGER NOT NULL REFERENCES response_gold(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  verdict TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX response_gold_head_project ON response_gold_head(project_id, status, gold_id);

CREATE TRIGGER response_gold_before_insert BEFORE INSERT ON response_gold BEGIN
  SELECT RAISE(ABORT, 'response_gold must carry its response''s project and item')
   WHERE NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_id AND project_id = NEW.project_id AND item_id = NEW.item_id);
  SELECT RAISE(ABORT, 'response_gold.version must be the next version for this response')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM response_gold_head WHERE response_id = NEW.response_id), 0);
END;
CREATE TRIGGER response_gold_before_update BEFORE UPDATE ON response_gold BEGIN
  SELECT RAISE(ABORT, 'gold verdicts are append-only: add a version instead');
END;
CREATE TRIGGER response_gold_before_delete BEFORE DELETE ON response_gold BEGIN
  SELECT RAISE(ABORT, 'gold verdicts are append-only: retract instead');
END;
CREATE TRIGGER response_gold_after_insert AFTER INSERT ON response_gold BEGIN
  INSERT INTO response_gold_head (response_id, project_id, gold_id, reviewer_id, version, status, verdict)
    VALUES (NEW.response_id, NEW.project_id, NEW.id, NEW.reviewer_id, NEW.version, NEW.status, NEW.verdict)
    ON CONFLICT (response_id) DO UPDATE SET
      gold_id = excluded.gold_id, reviewer_id = excluded.reviewer_id, version = excluded.version,
      status = excluded.status, verdict = excluded.verdict;
END;

-- The reviewer's skips: kind 'item' (target = item id) or 'response' (target = response id).
CREATE TABLE review_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  kind TEXT NOT NULL CHECK (kind IN ('item', 'response')),
  target_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (reviewer_id, kind, target_id)
);
CREATE INDEX review_skip_order ON review_skip(project_id, reviewer_id, kind);
`,
};
