import type { Migration } from './migration.js';

/**
 * Model responses, people's verdicts on them and blind preferences between two of them.
 *
 * - `response`: what a model said for an item. The model is a registered model (`model_id`) or a
 *   free name for imported responses; `model_key` is the identity the uniqueness uses (`m:<id>`
 *   for a registered model, `n:<name>` for a free name), so one model has one sample 0, 1, ... per
 *   item whatever its display name is.
 * - `response_label`: one annotator's verdict on one response, append-only versions like
 *   `annotation` (undo appends a `retracted` version carrying the verdict it withdraws). The verdict
 *   vocabulary is the worker's (`native-models/cosmo_rl/verifiers/base.py`), fixed here by CHECK
 *   because the worker scores exactly these six.
 * - `preference`: one annotator's vote between two responses to the same item. The pair is stored
 *   in canonical order (response_a_id < response_b_id), `choice` refers to those columns, and
 *   `left_response_id` records which one the person saw on the left. Append-only versions per
 *   (pair, annotator).
 *
 * Derived columns (response.verdict_count / complete / flag_count, the heads, per-annotator
 * progress) are kept by triggers in the same transaction as the write, as 0001 does for items.
 * Responses use the project's annotators_per_item as their quota, like items.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'responses',
  up: `
-- Criteria the pairwise view asks a vote for besides the overall choice (JSON array, e.g. ["safety"]).
ALTER TABLE project ADD COLUMN preference_criteria TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(preference_criteria));

CREATE TABLE response (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  model_id INTEGER REFERENCES model(id),
  model_name TEXT NOT NULL CHECK (length(model_name) BETWEEN 1 AND 200),
  model_key TEXT NOT NULL,
  sample_index INTEGER NOT NULL DEFAULT 0 CHECK (sample_index >= 0),
  text TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  origin TEXT NOT NULL CHECK (origin IN ('imported', 'generated')),
  import_id INTEGER REFERENCES import_batch(id),
  created_at TEXT NOT NULL,
  -- maintained by triggers
  verdict_count INTEGER NOT NULL DEFAULT 0 CHECK (verdict_count >= 0),
  complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  flag_count INTEGER NOT NULL DEFAULT 0 CHECK (flag_count >= 0),
  CHECK ((model_id IS NULL) = (model_key LIKE 'n:%')),
  UNIQUE (item_id, model_key, sample_index)
);
CREATE INDEX response_queue ON response(project_id, complete);
CREATE INDEX response_item ON response(item_id);
CREATE INDEX response_model ON response(project_id, model_key);
CREATE INDEX response_import ON response(import_id) WHERE import_id IS NOT NULL;

CREATE TABLE response_label (
  id INTEGER PRIMARY KEY,
  response_id INTEGER NOT NULL REFERENCES response(id),
  -- denormalised from the response (checked by a trigger) for per-project and per-item queries
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('submitted', 'retracted')),
  origin TEXT NOT NULL CHECK (origin IN ('queue', 'browse', 'import')),
  verdict TEXT NOT NULL CHECK (verdict IN ('refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical')),
  helpfulness INTEGER CHECK (helpfulness BETWEEN 1 AND 5),
  ideal_response TEXT,
  rationale TEXT,
  time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
  created_at TEXT NOT NULL,
  UNIQUE (response_id, annotator_id, version)
);
CREATE INDEX response_label_project ON response_label(project_id);
CREATE INDEX response_label_item ON response_label(item_id);

CREATE TABLE response_label_head (
  response_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  label_id INTEGER NOT NULL REFERENCES response_label(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  verdict TEXT NOT NULL,
  PRIMARY KEY (response_id, annotator_id)
) WITHOUT ROWID;
CREATE INDEX response_label_head_annotator ON response_label_head(project_id, annotator_id, status, label_id);

CREATE TABLE response_progress (
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  done INTEGER NOT NULL DEFAULT 0 CHECK (done >= 0),
  open_done INTEGER NOT NULL DEFAULT 0 CHECK (open_done >= 0),
  PRIMARY KEY (project_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE response_skip (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  response_id INTEGER NOT NULL REFERENCES response(id),
  created_at TEXT NOT NULL,
  UNIQUE (annotator_id, response_id)
);
CREATE INDEX response_skip_order ON response_skip(project_id, annotator_id);

CREATE TABLE response_flag (
  response_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY (response_id, annotator_id)
) WITHOUT ROWID;

CREATE TABLE preference (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  item_id INTEGER NOT NULL REFERENCES item(id),
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  status TEXT NOT NULL CHECK (status IN ('submitted', 'retracted')),
  origin TEXT NOT NULL CHECK (origin IN ('queue', 'browse', 'import')),
  choice TEXT NOT NULL CHECK (choice IN ('a', 'b', 'tie', 'both_bad')),
  -- per-criterion votes, e.g. {"safety": "a", "helpfulness": "tie"}
  criteria TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(criteria)),
  blind INTEGER NOT NULL CHECK (blind IN (0, 1)),
  left_response_id INTEGER NOT NULL,
  time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
  created_at TEXT NOT NULL,
  CHECK (response_a_id < response_b_id),
  CHECK (left_response_id IN (response_a_id, response_b_id)),
  UNIQUE (response_a_id, response_b_id, annotator_id, version)
);
CREATE INDEX preference_project ON preference(project_id);
CREATE INDEX preference_item ON preference(item_id);

CREATE TABLE preference_head (
  response_a_id INTEGER NOT NULL REFERENCES response(id),
  response_b_id INTEGER NOT NULL REFERENCES response(id),
  annotator_id INTEGER NOT NULL REFERENCES user(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  preference_id INTEGER NOT NULL REFERENCES preference(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  choice TEXT NOT NULL,
  PRIMARY KEY (response_a_id, response_b_id, annotator_id)
) WITHOUT ROWID;
CREATE INDEX preference_head_annotator ON preference_head(project_id, annotator_id, status, preference_id);

-- Responses belong to their item's project.
CREATE TRIGGER response_before_insert BEFORE INSERT ON response BEGIN
  SELECT RAISE(ABORT, 'response.project_id does not match the item''s project')
   WHERE NEW.project_id IS NOT (SELECT project_id FROM item WHERE id = NEW.item_id);
END;

-- Verdicts: append-only, next version, the response's item and project.
CREATE TRIGGER response_label_before_insert BEFORE INSERT ON response_label BEGIN
  SELECT RAISE(ABORT, 'response_label must carry its response''s project and item')
   WHERE NOT EXISTS (SELECT 1 FROM response WHERE id = NEW.response_id AND project_id = NEW.project_id AND item_id = NEW.item_id);
  SELECT RAISE(ABORT, 'response_label.version must be the next version for this response and annotator')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0);
END;
CREATE TRIGGER response_label_before_update BEFORE UPDATE ON response_label BEGIN
  SELECT RAISE(ABORT, 'verdicts are append-only: add a version instead');
END;
CREATE TRIGGER response_label_before_delete BEFORE DELETE ON response_label BEGIN
  SELECT RAISE(ABORT, 'verdicts are append-only: retract instead');
END;

-- Same order as annotation_after_insert: counters read the previous head before it is replaced.
CREATE TRIGGER response_label_after_insert AFTER INSERT ON response_label BEGIN
  INSERT INTO response_progress (project_id, annotator_id) VALUES (NEW.project_id, NEW.annotator_id)
    ON CONFLICT DO NOTHING;
  UPDATE response_progress
     SET done = done + (NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0),
         open_done = open_done + ((NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0))
              * (SELECT complete = 0 FROM response WHERE id = NEW.response_id)
   WHERE project_id = NEW.project_id AND annotator_id = NEW.annotator_id;
  UPDATE response
     SET verdict_count = verdict_count + (NEW.status = 'submitted')
              - COALESCE((SELECT status = 'submitted' FROM response_label_head WHERE response_id = NEW.response_id AND annotator_id = NEW.annotator_id), 0)
   WHERE id = NEW.response_id;
  INSERT INTO response_label_head (response_id, annotator_id, project_id, label_id, version, status, origin, verdict)
    VALUES (NEW.response_id, NEW.annotator_id, NEW.project_id, NEW.id, NEW.version, NEW.status, NEW.origin, NEW.verdict)
    ON CONFLICT (response_id, annotator_id) DO UPDATE SET
      label_id = excluded.label_id, version = excluded.version, status = excluded.status,
      origin = excluded.origin, verdict = excluded.verdict;
  UPDATE response SET complete = (verdict_count >= (SELECT annotators_per_item FROM project WHERE id = NEW.project_id))
   WHERE id = NEW.response_id
     AND complete <> (verdict_count >= (SELECT annotators_per_item FROM project WHERE id = NEW.project_id));
END;

CREATE TRIGGER response_after_update_complete AFTER UPDATE OF complete ON response
WHEN OLD.complete <> NEW.complete BEGIN
  UPDATE response_progress SET open_done = open_done + OLD.complete - NEW.complete
   WHERE project_id = NEW.project_id
     AND annotator_id IN (SELECT annotator_id FROM response_label_head WHERE response_id = NEW.id AND status = 'submitted');
END;

CREATE TRIGGER project_after_update_response_quota AFTER UPDATE OF annotators_per_item ON project
WHEN OLD.annotators_per_item <> NEW.annotators_per_item BEGIN
  UPDATE response SET complete = (verdict_count >= NEW.annotators_per_item)
   WHERE project_id = NEW.id AND complete <> (verdict_count >= NEW.annotators_per_item);
END;

CREATE TRIGGER response_flag_after_insert AFTER INSERT ON response_flag BEGIN
  UPDATE response SET flag_count = flag_count + 1 WHERE id = NEW.response_id;
END;
CREATE TRIGGER response_flag_after_delete AFTER DELETE ON response_flag BEGIN
  UPDATE response SET flag_count = flag_count - 1 WHERE id = OLD.response_id;
END;

-- Preferences: both responses answer the same item of the same project; append-only versions.
CREATE TRIGGER preference_before_insert BEFORE INSERT ON preference BEGIN
  SELECT RAISE(ABORT, 'preference responses must both answer the preference''s item in its project')
   WHERE (SELECT COUNT(*) FROM response WHERE id IN (NEW.response_a_id, NEW.response_b_id)
            AND item_id = NEW.item_id AND project_id = NEW.project_id) <> 2;
  SELECT RAISE(ABORT, 'preference.version must be the next version for this pair and annotator')
   WHERE NEW.version <> 1 + COALESCE((SELECT version FROM preference_head
     WHERE response_a_id = NEW.response_a_id AND response_b_id = NEW.response_b_id AND annotator_id = NEW.annotator_id), 0);
END;
CREATE TRIGGER preference_before_update BEFORE UPDATE ON preference BEGIN
  SELECT RAISE(ABORT, 'preferences are append-only: add a version instead');
END;
CREATE TRIGGER preference_before_delete BEFORE DELETE ON preference BEGIN
  SELECT RAISE(ABORT, 'preferences are append-only: retract instead');
END;
CREATE TRIGGER preference_after_insert AFTER INSERT ON preference BEGIN
  INSERT INTO preference_head (response_a_id, response_b_id, annotator_id, project_id, preference_id, version, status, origin, choice)
    VALUES (NEW.response_a_id, NEW.response_b_id, NEW.annotator_id, NEW.project_id, NEW.id, NEW.version, NEW.status, NEW.origin, NEW.choice)
    ON CONFLICT (response_a_id, response_b_id, annotator_id) DO UPDATE SET
      preference_id = excluded.preference_id, version = excluded.version, status = excluded.status,
      origin = excluded.origin, choice = excluded.choice;
END;
`,
};
