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
import { migration0007 } from './migrations/0007_evaluation_sets.js';
import { migration0008 } from './migrations/0008_auto_verdicts.js';
import { migration0009 } from './migrations/0009_evaluations.js';
import { migration0010 } from './migrations/0010_response_counts.js';
import { migration0011 } from './migrations/0011_preference_skip.js';
import { migration0012 } from './migrations/0012_response_browse.js';
import { migration0013 } from './migrations/0013_verifiers.js';
import { migration0014 } from './migrations/0014_access_links.js';
import { migration0015 } from './migrations/0015_quality_control.js';
import { migration0016 } from './migrations/0016_judge_choice.js';
import { migration0017 } from './migrations/0017_adjudication.js';
import { migration0018 } from './migrations/0018_run_verifier.js';
import { migration0019 } from './migrations/0019_export_history.js';
import { migration0020 } from './migrations/0020_model_manage.js';
import { migration0021 } from './migrations/0021_preference_gold.js';
import { migration0022 } from './migrations/0022_prompt_label_queue.js';
import { migration0023 } from './migrations/0023_item_deletion.js';

export type { Migration } from './migrations/migration.js';

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
  migration0018,
  migration0019,
  migration0020,
  migration0021,
  migration0022,
  migration0023,
];

/** The schema version a database has once every migration here has run. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1]!.version;
