import type { Migration } from './migration.js';

/**
 * Browse filters combining split and task: with item_split(project_id, split) alone, counting
 * `split = 'eval' AND task = 'jailbreak'` in a 100,000-item project looked up ~33,000 rows
 * (38 ms); with (project_id, split, task) the count reads the index only (0.2 ms). It replaces
 * item_split, which is its prefix. Neither column changes when a label is written, so the
 * labelling writes pay nothing for it.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'browse_split_task',
  up: `
DROP INDEX item_split;
CREATE INDEX item_split_task ON item(project_id, split, task);
`,
};
