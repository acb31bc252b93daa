import type { Migration } from './migration.js';

/**
 * Deleting items and projects on purpose (`main/core/deletion/`), and only that way.
 *
 * - `deletion`: one row per deletion a person confirmed: the project, the scope (some items or
 *   the whole project), the archive export written first (`export.id`, in the export history),
 *   what went (counts JSON), who and when. Rows are only added.
 * - `deletion_marker`: the permission. The append-only guards on label, verdict, vote and gold
 *   versions now refuse a DELETE unless a marker row names the row's project. The deletion code
 *   inserts the marker, deletes, and removes the marker inside one transaction, so no marker is
 *   ever committed and every other DELETE is refused exactly as before (UPDATEs always are).
 * - `project.deleted_at`: a deleted project keeps its row (a tombstone) so its runs, models,
 *   evaluations, verifiers and export history still resolve; its items and everything hanging
 *   off them are gone and the project lists leave it out.
 * - Deleting a current version (a head row) takes it out of the trigger-kept progress counts,
 *   as inserting it put it in; items and responses already keep their project's counts on delete.
 */
export const migration0023: Migration = {
  version: 23,
  name: 'item_deletion',
  up: `
ALTER TABLE project ADD COLUMN deleted_at TEXT;

CREATE TABLE deletion (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES project(id),
  scope TEXT NOT NULL CHECK (scope IN ('items', 'project')),
  -- the archive written before anything was removed
  export_id TEXT NOT NULL REFERENCES export(id),
  counts TEXT NOT NULL CHECK (json_valid(counts)),
  deleted_by INTEGER REFERENCES user(id),
  created_at TEXT NOT NULL,
  -- set when the archive was imported back (undo)
  restored_at TEXT
);
CREATE INDEX deletion_project ON deletion(project_id, id);
CREATE TRIGGER deletion_before_delete BEFORE DELETE ON deletion BEGIN
  SELECT RAISE(ABORT, 'deletions are a permanent record');
END;
CREATE TRIGGER deletion_before_update BEFORE UPDATE ON deletion
WHEN NEW.id IS NOT OLD.id OR NEW.project_id IS NOT OLD.project_id OR NEW.scope IS NOT OLD.scope
  OR NEW.export_id IS NOT OLD.export_id OR NEW.counts IS NOT OLD.counts OR NEW.deleted_by IS NOT OLD.deleted_by
  OR NEW.created_at IS NOT OLD.created_at OR OLD.restored_at IS NOT NULL BEGIN
  SELECT RAISE(ABORT, 'deletions are a permanent record: only restored_at is set, once');
END;

CREATE TABLE deletion_marker (
  project_id INTEGER PRIMARY KEY REFERENCES project(id),
  deletion_id INTEGER NOT NULL REFERENCES deletion(id)
);

DROP TRIGGER annotation_before_delete;
CREATE TRIGGER annotation_before_delete BEFORE DELETE ON annotation
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'annotations are append-only: retract instead');
END;
DROP TRIGGER response_label_before_delete;
CREATE TRIGGER response_label_before_delete BEFORE DELETE ON response_label
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'verdicts are append-only: retract instead');
END;
DROP TRIGGER preference_before_delete;
CREATE TRIGGER preference_before_delete BEFORE DELETE ON preference
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'preferences are append-only: retract instead');
END;
DROP TRIGGER gold_label_before_delete;
CREATE TRIGGER gold_label_before_delete BEFORE DELETE ON gold_label
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'gold labels are append-only: retract instead');
END;
DROP TRIGGER response_gold_before_delete;
CREATE TRIGGER response_gold_before_delete BEFORE DELETE ON response_gold
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'gold verdicts are append-only: retract instead');
END;
DROP TRIGGER preference_gold_before_delete;
CREATE TRIGGER preference_gold_before_delete BEFORE DELETE ON preference_gold
WHEN NOT EXISTS (SELECT 1 FROM deletion_marker WHERE project_id = OLD.project_id) BEGIN
  SELECT RAISE(ABORT, 'gold choices are append-only: retract instead');
END;

CREATE TRIGGER annotation_head_after_delete AFTER DELETE ON annotation_head
WHEN OLD.status = 'submitted' BEGIN
  UPDATE annotator_progress
     SET done = done - 1,
         open_done = open_done - COALESCE((SELECT complete = 0 FROM item WHERE id = OLD.item_id), 0)
   WHERE project_id = OLD.project_id AND annotator_id = OLD.annotator_id;
END;
CREATE TRIGGER response_label_head_after_delete AFTER DELETE ON response_label_head
WHEN OLD.status = 'submitted' BEGIN
  UPDATE response_progress
     SET done = done - 1,
         open_done = open_done - COALESCE((SELECT complete = 0 FROM response WHERE id = OLD.response_id), 0)
   WHERE project_id = OLD.project_id AND annotator_id = OLD.annotator_id;
END;
`,
};
