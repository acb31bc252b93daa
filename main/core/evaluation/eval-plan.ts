/**
 * What an evaluation asks the worker for: models grouped by the base model they load (a LoRA
 * checkpoint is an adapter on its run's base; a full checkpoint is a model of its own), and for
 * each group the set's items that still miss a response from one of its models (a resume
 * generates only those). Item lines are the frozen set's, with image paths made absolute.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { getModelRow, type ModelRow } from '../training/store.js';

export interface GroupModel {
  modelId: number;
  /** Display name stored on each response. */
  name: string;
  /** The worker's name for it: `base`, or `m<id>` for an adapter. */
  workerName: string;
}

export interface EvalGroup {
  basePath: string;
  trustRemoteCode: boolean;
  /** The base model itself is evaluated (else --no-base). */
  withBase: boolean;
  adapters: { workerName: string; path: string }[];
  models: GroupModel[];
  /** The set's item lines (JSON text) still missing a response of one of the models. */
  lines: string[];
}

export function isAdapterFolder(path: string): boolean {
  return existsSync(join(path, 'adapter_config.json'));
}

/** Model rows for the ids, refusing unknown, unready or foreign ones with a clear message. */
export function evaluationModels(db: ReadableDB, modelIds: readonly number[]): ModelRow[] {
  return modelIds.map((id) => {
    let row: ModelRow;
    try {
      row = getModelRow(db, id);
    } catch {
      throw new StudioError('not_found', `no model with id ${id}`);
    }
    if (row.deleted_at !== null) throw new StudioError('not_found', `model "${row.name}" was deleted`);
    if (row.status !== 'ready') throw new StudioError('conflict', `model "${row.name}" is not ready (${row.status})`);
    return row;
  });
}

export function groupModels(db: ReadableDB, rows: readonly ModelRow[]): Omit<EvalGroup, 'lines'>[] {
  const groups = new Map<string, Omit<EvalGroup, 'lines'>>();
  const group = (base: ModelRow) => {
    let g = groups.get(base.path);
    if (!g) {
      g = { basePath: base.path, trustRemoteCode: base.trust_remote_code === 1, withBase: false, adapters: [], models: [] };
      groups.set(base.path, g);
    }
    return g;
  };
  for (const row of rows) {
    if (row.kind === 'checkpoint' && row.parent_id !== null && isAdapterFolder(row.path)) {
      const g = group(getModelRow(db, row.parent_id));
      const workerName = `m${row.id}`;
      g.adapters.push({ workerName, path: row.path });
      g.models.push({ modelId: row.id, name: row.name, workerName });
    } else {
      const g = group(row);
      g.withBase = true;
      g.models.push({ modelId: row.id, name: row.name, workerName: 'base' });
    }
  }
  return [...groups.values()];
}

/** The frozen set's item lines with image paths made absolute (the worker reads them from the set folder). */
export function setItemLines(setPath: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const text of readFileSync(join(setPath, 'items.jsonl'), 'utf8').split('\n')) {
    if (!text.trim()) continue;
    const item = JSON.parse(text) as { id: string; messages: { content: ({ type: string; path?: string } & Record<string, unknown>)[] }[] };
    for (const m of item.messages) {
      for (const part of m.content) if (part.type === 'image' && part.path && !isAbsolute(part.path)) part.path = join(setPath, part.path);
    }
    lines.set(item.id, JSON.stringify(item));
  }
  return lines;
}

/** Which of the set's items (external ids) miss one of `samples` responses of one of the models. */
export function missingItems(db: ReadableDB, setId: number, models: readonly GroupModel[], samples: number): Set<string> {
  const missing = new Set<string>();
  const count = db.prepare<{ n: number }>(`SELECT COUNT(*) AS n FROM response WHERE item_id = ? AND model_key = ? AND sample_index < ?`);
  const items = db.prepare<{ id: number; external_id: string }>('SELECT i.id, i.external_id FROM evaluation_set_item s JOIN item i ON i.id = s.item_id WHERE s.set_id = ? ORDER BY i.id').all(setId);
  for (const item of items) {
    if (models.some((m) => count.get(item.id, `m:${m.modelId}`, samples)!.n < samples)) missing.add(item.external_id);
  }
  return missing;
}
