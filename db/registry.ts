/**
 * Every schema migration, in the order they apply. Append only: a landed migration is never
 * edited or reordered (databases in the field already ran it); a change is a new file here.
 */
import type { Migration } from './migrations/migration.js';
import { migration0001 } from './migrations/0001_initial.js';
import { migration0002 } from './migrations/0002_bulk_import.js';
import { migration0003 } from './migrations/0003_training.js';
import { migration0004 } from './migrations/0004_browse_split_task.js';
import { migration0005 } from './migrations/0005_run_owner.js';
import { migration0006 } from './migrations/0006_responses.js';
import { migration0007 } from './migrations/0007_response_browse.js';

export type { Migration } from './migrations/migration.js';

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007];

/** The schema version a database has once every migration here has run. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1]!.version;
