import type { Migration } from './migration.js';

/**
 * Models a person manages (rename, delete, merge): a deleted model keeps its row, marked by
 * `deleted_at`, so the runs, responses and evaluations that name it still resolve; its files
 * are gone and the lists leave it out. A base model's folder may be registered again once the
 * earlier row is deleted, so the unique index on a base model's path counts live rows only.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'model_manage',
  up: `
ALTER TABLE model ADD COLUMN deleted_at TEXT;
DROP INDEX model_base_path;
CREATE UNIQUE INDEX model_base_path ON model(path) WHERE kind = 'base' AND deleted_at IS NULL;
`,
};
