/**
 * What a deletion covers: the target resolved to item ids, everything hanging off those items
 * counted as stored, and why the deletion is refused (if it is). Reads only.
 *
 * Refusals: items in an evaluation set (its results were computed on exactly those items, so the
 * set would silently change; a project deletion takes its sets' memberships with it and says so),
 * and a project with a training run queued, running or stopping (the run reads the project).
 * Frozen training snapshots are files in the run's folder and name items by external id, so runs
 * and their snapshots stay valid after the items go; their rows do not reference items.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { DeletionCounts, DeletionTarget } from '../../../preload/contract/deletion.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { filterWhere } from '../services/items.js';
import type { ProjectRow } from '../services/rows.js';

export interface ResolvedScope {
  project: ProjectRow & { deleted_at: string | null };
  scope: 'items' | 'project';
  itemIds: number[];
  /** JSON array of itemIds, for `IN (SELECT value FROM json_each(?))`. */
  idsJson: string;
}

export function requireLiveProject(db: ReadableDB, projectId: number): ResolvedScope['project'] {
  const row = db.prepare<ResolvedScope['project']>('SELECT * FROM project WHERE id = ?').get(projectId);
  if (!row) throw new StudioError('not_found', `no project with id ${projectId}`);
  if (row.deleted_at !== null) throw new StudioError('not_found', `Project "${row.name}" was deleted.`);
  return row;
}

export function resolveScope(db: ReadableDB, target: DeletionTarget): ResolvedScope {
  const project = requireLiveProject(db, target.projectId);
  let itemIds: number[];
  if (target.kind === 'items') {
    const unique = [...new Set(target.itemIds)];
    itemIds = db
      .prepare<{ id: number }>('SELECT id FROM item WHERE project_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id')
      .all(project.id, JSON.stringify(unique))
      .map((r) => r.id);
    if (itemIds.length !== unique.length) {
      const found = new Set(itemIds);
      const missing = unique.filter((id) => !found.has(id));
      throw new StudioError('not_found', `${missing.length} of the chosen items (id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}) are not in "${project.name}".`);
    }
  } else if (target.kind === 'filter') {
    const where = filterWhere(project.id, target.filter);
    itemIds = db
      .prepare<{ id: number }>(`SELECT i.id AS id FROM ${where.from} WHERE ${where.clauses.join(' AND ')} ORDER BY i.id`)
      .all(...where.params)
      .map((r) => r.id);
  } else {
    itemIds = db
      .prepare<{ id: number }>('SELECT id FROM item WHERE project_id = ? ORDER BY id')
      .all(project.id)
      .map((r) => r.id);
  }
  return { project, scope: target.kind === 'project' ? 'project' : 'items', itemIds, idsJson: JSON.stringify(itemIds) };
}

const IN_ITEMS = 'item_id IN (SELECT value FROM json_each(?))';
const IN_RESPONSES = 'response_id IN (SELECT id FROM response WHERE item_id IN (SELECT value FROM json_each(?)))';

function count(db: ReadableDB, sql: string, ...params: (string | number)[]): number {
  return db.prepare<{ n: number }>(sql).get(...params)?.n ?? 0;
}

/** The images only these items use (no other item of any project), with their sizes. */
export function imagesFreed(db: ReadableDB, idsJson: string): { sha256: string; bytes: number }[] {
  return db
    .prepare<{ sha256: string; bytes: number }>(
      `SELECT b.sha256, b.bytes FROM blob b
       WHERE b.sha256 IN (SELECT image_sha256 FROM item WHERE id IN (SELECT value FROM json_each(?)) AND image_sha256 IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM item o WHERE o.image_sha256 = b.sha256 AND o.id NOT IN (SELECT value FROM json_each(?)))
       ORDER BY b.sha256`,
    )
    .all(idsJson, idsJson);
}

export function countScope(db: ReadableDB, { idsJson }: ResolvedScope): DeletionCounts {
  const images = imagesFreed(db, idsJson);
  return {
    items: count(db, `SELECT count(*) AS n FROM item WHERE id IN (SELECT value FROM json_each(?))`, idsJson),
    labels: count(db, `SELECT count(*) AS n FROM annotation WHERE ${IN_ITEMS}`, idsJson),
    responses: count(db, `SELECT count(*) AS n FROM response WHERE ${IN_ITEMS}`, idsJson),
    verdicts: count(db, `SELECT count(*) AS n FROM response_label WHERE ${IN_ITEMS}`, idsJson),
    votes: count(db, `SELECT count(*) AS n FROM preference WHERE ${IN_ITEMS}`, idsJson),
    gold:
      count(db, `SELECT count(*) AS n FROM gold_label WHERE ${IN_ITEMS}`, idsJson) +
      count(db, `SELECT count(*) AS n FROM response_gold WHERE ${IN_ITEMS}`, idsJson) +
      count(db, `SELECT count(*) AS n FROM preference_gold WHERE ${IN_ITEMS}`, idsJson) +
      count(db, `SELECT count(*) AS n FROM gold_check WHERE ${IN_ITEMS}`, idsJson),
    flags: count(db, `SELECT count(*) AS n FROM item_flag WHERE ${IN_ITEMS}`, idsJson) + count(db, `SELECT count(*) AS n FROM response_flag WHERE ${IN_RESPONSES}`, idsJson),
    autoVerdicts: count(db, `SELECT count(*) AS n FROM response_auto_verdict WHERE ${IN_RESPONSES}`, idsJson),
    images: images.length,
    imageBytes: images.reduce((sum, image) => sum + image.bytes, 0),
    evaluationSetItems: count(db, `SELECT count(*) AS n FROM evaluation_set_item WHERE ${IN_ITEMS}`, idsJson),
  };
}

/** Why this deletion cannot go ahead now, in one sentence; null when it can. */
export function deletionBlocker(db: ReadableDB, resolved: ResolvedScope): string | null {
  const { project } = resolved;
  if (resolved.scope === 'project') {
    const run = db.prepare<{ name: string; status: string }>(`SELECT name, status FROM run WHERE project_id = ? AND status IN ('queued', 'running', 'cancelling') ORDER BY id LIMIT 1`).get(project.id);
    if (run) return `Training run "${run.name}" is ${run.status} on "${project.name}"; stop it (or let it finish) before deleting the project.`;
    return null;
  }
  if (resolved.itemIds.length === 0) return 'No items match, so there is nothing to delete.';
  const sets = db
    .prepare<{ name: string; n: number }>(
      `SELECT s.name AS name, count(*) AS n FROM evaluation_set_item si JOIN evaluation_set s ON s.id = si.set_id
       WHERE si.${IN_ITEMS} GROUP BY s.id ORDER BY s.name`,
    )
    .all(resolved.idsJson);
  if (sets.length > 0) {
    const named = sets.map((s) => `"${s.name}" (${s.n})`).join(', ');
    return `Evaluation set${sets.length === 1 ? '' : 's'} ${named} contain${sets.length === 1 ? 's' : ''} ${sets.length === 1 && sets[0]!.n === 1 ? 'this item' : 'some of these items'}, and its results were measured on them; leave those items out of the deletion.`;
  }
  return null;
}
