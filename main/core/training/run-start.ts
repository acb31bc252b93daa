/**
 * What a new run starts from: a base model, or a checkpoint of an earlier run. A LoRA checkpoint
 * is its run's base model plus the adapter, which the new run trains further (the worker's
 * `model.adapter`); a full checkpoint (LoRA off) is a model folder of its own.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { getModelRow, type ModelRow } from './store.js';

export interface RunStart {
  /** The model folder the worker loads (for a LoRA checkpoint: its run's base model). */
  base: ModelRow;
  /** The adapter folder the run continues, or null for a fresh adapter. */
  adapter: string | null;
  /** The model the person picked (the base itself, or the checkpoint). */
  picked: ModelRow;
}

export function runStart(db: ReadableDB, modelId: number): RunStart {
  const picked = getModelRow(db, modelId);
  if (picked.deleted_at !== null) throw new StudioError('not_found', `Model "${picked.name}" was deleted.`);
  if (picked.kind === 'base') return { base: picked, adapter: null, picked };
  if (!existsSync(picked.path)) throw new StudioError('not_found', `The checkpoint folder ${picked.path} of "${picked.name}" is missing.`);
  if (picked.parent_id !== null && existsSync(join(picked.path, 'adapter_config.json'))) {
    const base = getModelRow(db, picked.parent_id);
    if (base.deleted_at !== null) throw new StudioError('conflict', `"${picked.name}" is an adapter on "${base.name}", which was deleted; a run from it needs that base model.`);
    return { base, adapter: picked.path, picked };
  }
  return { base: picked, adapter: null, picked };
}
