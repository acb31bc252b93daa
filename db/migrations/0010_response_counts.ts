import type { Migration } from './migration.js';

/**
 * Per-project response counters, kept by triggers like project.item_count / complete_count
 * (0001), so the verdict queue's progress (done, remaining, total) is read from counters instead
 * of counting a project's responses on every submit.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'response_counts',
  up: `
ALTER TABLE project ADD COLUMN response_count INTEGER NOT NULL DEFAULT 0 CHECK (response_count >= 0);
ALTER TABLE project ADD COLUMN response_complete_count INTEGER NOT NULL DEFAULT 0 CHECK (response_complete_count >= 0);

UPDATE project SET
  response_count = (SELECT COUNT(*) FROM response r WHERE r.project_id = project.id),
  response_complete_count = (SELECT COUNT(*) FROM response r WHERE r.project_id = project.id AND r.complete = 1);

CREATE TRIGGER response_after_insert_count AFTER INSERT ON response BEGIN
  UPDATE project SET response_count = response_count + 1, response_complete_count = response_complete_count + NEW.complete
   WHERE id = NEW.project_id;
END;

CREATE TRIGGER response_after_delete_count AFTER DELETE ON response BEGIN
  UPDATE project SET response_count = response_count - 1, response_complete_count = response_complete_count - OLD.complete
   WHERE id = OLD.project_id;
END;

CREATE TRIGGER response_after_update_complete_count AFTER UPDATE OF complete ON response
WHEN OLD.complete <> NEW.complete BEGIN
  UPDATE project SET response_complete_count = response_complete_count + NEW.complete - OLD.complete WHERE id = NEW.project_id;
END;
`,
};
