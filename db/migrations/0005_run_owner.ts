import type { Migration } from './migration.js';

/**
 * Which studio process owns a queued or running run. Several processes may open one data
 * directory (the desktop app and `studio train` / `studio runs`); a process only launches its own
 * queued runs, waits while another live process runs one, and marks a run interrupted on start
 * only when the process that owned it is gone.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'run_owner',
  up: `
ALTER TABLE run ADD COLUMN owner_pid INTEGER;
`,
};
