import type { Migration } from './migration.js';

/**
 * Quality control of the prompt labels:
 * - `gold_check`: items a reviewer gave known answers (`expected`: the label fields checked and
 *   their values). Annotators meet them in their queue at the project's `gold_rate`, unmarked; their
 *   answers on them measure accuracy. Only the known answers live here, never in the item row, so
 *   nothing an annotator's screen receives can carry them.
 * - `quality_settings` (per project: gold rate, daily limit of harmful items per risk category) and
 *   `person_settings` (per person: risk categories never to be served, break reminder minutes).
 * - `guideline_version`: the project's guidelines, append-only; triggers add version 1 for every
 *   project (existing ones now, new ones on insert) and the next version whenever the text changes.
 *   `annotation.guideline_version` is the version a label was made under (appendAnnotation fills it;
 *   NULL for labels older than this migration).
 * - `send_back` / `send_back_annotation`: a reviewer sending items labelled under older guidelines
 *   back to the queue retracts those labels (the retracted version keeps the labels, so history
 *   shows them); these rows say which retractions were send-backs, by whom and why.
 */
export const migration0015: Migration = {
  version: 15,
  name: 'quality_control',
  up: `
CREATE TABLE gold_check (
  item_id INTEGER PRIMARY KEY REFERENCES item(id),
  project_id INTEGER NOT NULL REFERENCES project(id),
  -- {"harmful": true, "riskCategory": "hate", ...}: only the fields checked
  expected TEXT NOT NULL CHECK (json_valid(expected)),
  created_by INTEGER NOT NULL REFERENCES user(id),
  created_at TEXT NOT NULL
);
CREATE INDEX gold_check_project ON gold_check(project_id);

CREATE TABLE quality_settings (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  -- share of an annotator's queue slots that hold a gold check
  gold_rate REAL NOT NULL DEFAULT 0 CHECK (gold_rate >= 0 AND gold_rate <= 0.5),
  -- {"violent_crimes": 20}: harmful items of that category one person labels per day at most
  daily_limits TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(daily_limits))
);

CREATE TABLE person_settings (
  user_id INTEGER PRIMARY KEY REFERENCES user(id),
  -- risk categories this person is never served
  skip_categories TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(skip_categories)),
  -- remind to take a break after this many minutes of continuous labelling; 0: never
  break_after_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_after_minutes BETWEEN 0 AND 600)
);

CREATE TABLE guideline_version (
  project_id INTEGER NOT NULL REFERENCES project(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (project_id, version)
) WITHOUT ROWID;

CREATE TRIGGER guideline_version_before_update BEFORE UPDATE ON guideline_version BEGIN
  SELECT RAISE(ABORT, 'guideline versions are append-only');
END;
CREATE TRIGGER guideline_version_before_delete BEFORE DELETE ON guideline_version BEGIN
  SELECT RAISE(ABORT, 'guideline versions are append-only');
END;

INSERT INTO guideline_version (project_id, version, text, created_at)
  SELECT id, 1, guidelines, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM project;

CREATE TRIGGER project_guidelines_first AFTER INSERT ON project BEGIN
  INSERT INTO guideline_version (project_id, version, text, created_at)
    VALUES (NEW.id, 1, NEW.guidelines, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER project_guidelines_next AFTER UPDATE OF guidelines ON project
  WHEN NEW.guidelines IS NOT OLD.guidelines BEGIN
  INSERT INTO guideline_version (project_id, version, text, created_at)
    VALUES (NEW.id, 1 + COALESCE((SELECT MAX(version) FROM guideline_version WHERE project_id = NEW.id), 0),
            NEW.guidelines, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

ALTER TABLE annotation ADD COLUMN guideline_version INTEGER;

CREATE TABLE send_back (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  reviewer_id INTEGER NOT NULL REFERENCES user(id),
  -- labels made under a version below this one were sent back
  below_version INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE send_back_annotation (
  -- the retracted version the send-back appended
  annotation_id INTEGER PRIMARY KEY REFERENCES annotation(id),
  send_back_id INTEGER NOT NULL REFERENCES send_back(id)
);
`,
};
