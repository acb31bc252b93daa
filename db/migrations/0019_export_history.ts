import type { Migration } from './migration.js';

/**
 * Export history: each export row now also says who made it (`created_by`, NULL for the owner at
 * the desktop or the CLI, and for exports older than this migration), which filters chose its
 * items (`filters`, JSON, `{}` for all) and the file a download hands out (`file_name`, e.g.
 * `<id>.jsonl` when the export is one file, `<id>.tar` when images go with it).
 */
export const migration0019: Migration = {
  version: 19,
  name: 'export_history',
  up: `
ALTER TABLE export ADD COLUMN created_by INTEGER REFERENCES user(id);
ALTER TABLE export ADD COLUMN filters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filters));
ALTER TABLE export ADD COLUMN file_name TEXT;
CREATE INDEX export_project_created ON export (project_id, created_at);
`,
};
