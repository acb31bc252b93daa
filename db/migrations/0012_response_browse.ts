import type { Migration } from './migration.js';

/**
 * Indexes for the responses list in browse (main/core/responses/browse.ts), measured on 100,000
 * responses by tests/perf/responses-browse.perf.ts:
 *
 * - `response.disagreement`: 1 when the response's current submitted verdicts are not all the
 *   same. Kept by triggers on `response_label_head` (whose rows 0006's triggers write on every
 *   verdict), so "has disagreement" is an index lookup instead of grouping every head.
 * - unfiltered pages in id order without sorting every response: `response(project_id)` (0006's
 *   response_queue leads with project_id too, but orders by `complete` next).
 * - the model filter and the model list: `response(project_id, model_name)`.
 * - the verdict filter: `response_label_head(project_id, verdict, status)` (covering: the head's
 *   primary key, response_id first, is part of every index of a WITHOUT ROWID table).
 */
export const migration0012: Migration = {
  version: 12,
  name: 'response_browse',
  up: `
ALTER TABLE response ADD COLUMN disagreement INTEGER NOT NULL DEFAULT 0 CHECK (disagreement IN (0, 1));
UPDATE response SET disagreement = 1
 WHERE (SELECT count(DISTINCT verdict) FROM response_label_head h WHERE h.response_id = response.id AND h.status = 'submitted') > 1;

CREATE INDEX response_browse_project ON response(project_id);
CREATE INDEX response_browse_model ON response(project_id, model_name);
CREATE INDEX response_browse_disagreement ON response(project_id, disagreement, verdict_count);
CREATE INDEX response_label_head_verdict ON response_label_head(project_id, verdict, status);

CREATE TRIGGER response_label_head_after_insert_disagreement AFTER INSERT ON response_label_head BEGIN
  UPDATE response SET disagreement = ((SELECT count(DISTINCT verdict) FROM response_label_head
      WHERE response_id = NEW.response_id AND status = 'submitted') > 1)
   WHERE id = NEW.response_id;
END;
CREATE TRIGGER response_label_head_after_update_disagreement AFTER UPDATE ON response_label_head BEGIN
  UPDATE response SET disagreement = ((SELECT count(DISTINCT verdict) FROM response_label_head
      WHERE response_id = NEW.response_id AND status = 'submitted') > 1)
   WHERE id = NEW.response_id;
END;
`,
};
