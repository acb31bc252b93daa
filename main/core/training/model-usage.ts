/**
 * What stands in the way of deleting a model, and what deleting it frees. A model is in use
 * while a queued or running run trains on it (as its base, or as the run whose checkpoint it
 * is), while a queued or running evaluation answers with it (or with a checkpoint that loads it
 * as its base), and, for a base model, while live checkpoints load it under their adapter.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import { ACTIVE_STATUSES, type ModelRow } from './store.js';

const ACTIVE_SQL = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

/** One sentence saying why the model cannot be deleted now, or null. */
export function deleteBlocker(db: ReadableDB, model: ModelRow): string | null {
  if (model.status === 'downloading') return `"${model.name}" is still downloading; wait for it to finish or fail, then delete it.`;
  const run = db
    .prepare<{ id: number; name: string; status: string }>(`SELECT id, name, status FROM run WHERE status IN (${ACTIVE_SQL}) AND (base_model_id = ? OR id = ?) ORDER BY id LIMIT 1`)
    .get(model.id, model.run_id ?? -1);
  if (run) {
    const how = run.id === model.run_id ? 'saved it and is' : 'trains on it and is';
    return `Run "${run.name}" ${how} still ${run.status}; delete "${model.name}" once the run has ended or been cancelled.`;
  }
  const loadsIt = new Set<number>([model.id]);
  for (const c of db.prepare<{ id: number }>(`SELECT id FROM model WHERE kind = 'checkpoint' AND parent_id = ?`).all(model.id)) loadsIt.add(c.id);
  const evaluations = db.prepare<{ id: number; name: string; status: string; models: string }>(`SELECT id, name, status, models FROM evaluation WHERE status IN (${ACTIVE_SQL}) ORDER BY id`).all();
  const evaluation = evaluations.find((e) => (JSON.parse(e.models) as number[]).some((id) => loadsIt.has(id)));
  if (evaluation) return `Evaluation "${evaluation.name}" is ${evaluation.status} and answers with "${model.name}"; delete it once the evaluation has ended or been cancelled.`;
  if (model.kind === 'base') {
    const children = db.prepare<{ n: number }>(`SELECT COUNT(*) AS n FROM model WHERE kind = 'checkpoint' AND parent_id = ? AND deleted_at IS NULL`).get(model.id)!.n;
    if (children > 0) {
      return `${children} checkpoint${children === 1 ? '' : 's'} load${children === 1 ? 's' : ''} "${model.name}" as ${children === 1 ? 'its' : 'their'} base; delete ${children === 1 ? 'it' : 'them'} (or merge ${children === 1 ? 'it' : 'them'} into a standalone model) first.`;
    }
  }
  return null;
}

/** True when `path` lies inside `root` (the studio's data folder): only such files are removed. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Total bytes and file count under a folder (symbolic links count as themselves, never followed). */
export function folderSize(path: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else {
        try {
          bytes += lstatSync(full, { throwIfNoEntry: false })?.size ?? 0;
        } catch {
          // A file that vanished while counting frees nothing.
        }
        files += 1;
      }
    }
  };
  walk(path);
  return { bytes, files };
}

/** "1.4 MB", for the delete confirmation's sentence. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
