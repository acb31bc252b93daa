/**
 * The items a project's training runs trained on: the train-split lines of every run's frozen
 * snapshot (the run config's `dataset` folder). An evaluation split never takes these, so a
 * model is never measured on a prompt it was trained on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';

/** External ids of every item any run of the project trained on. */
export function trainedExternalIds(db: ReadableDB, projectId: number): Set<string> {
  const ids = new Set<string>();
  const runs = db.prepare<{ id: number; config: string }>('SELECT id, config FROM run WHERE project_id = ?').all(projectId);
  for (const run of runs) {
    const dataset = (JSON.parse(run.config) as { dataset?: unknown }).dataset;
    if (typeof dataset !== 'string') throw new StudioError('internal', `run ${run.id}: its config names no dataset folder`);
    let text: string;
    try {
      text = readFileSync(join(dataset, 'items.jsonl'), 'utf8');
    } catch (err) {
      // Without the snapshot we cannot tell what the run trained on: refuse rather than guess.
      throw new StudioError(
        'conflict',
        `run ${run.id}'s dataset snapshot ${dataset} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}), so the studio cannot tell which items it trained on; restore the folder first`,
      );
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { id?: unknown; split?: unknown };
      if (typeof row.id === 'string' && (row.split === undefined || row.split === 'train')) ids.add(row.id);
    }
  }
  return ids;
}
