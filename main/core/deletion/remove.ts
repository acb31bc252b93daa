/**
 * The deletion itself: one transaction that re-reads the scope, checks it is still what the
 * archive holds, records the deletion, sets the marker that lets the append-only guards allow
 * these deletes, removes every row hanging off the items (children before parents, as the
 * foreign keys require), the items, the image rows no item uses any more, tombstones a deleted
 * project, and removes the marker. Any failure rolls all of it back, marker included.
 * Image files go after the commit (as a model's files do), except those a backup still needs.
 */
import type { WritableDB } from '../../../db/handles.js';
import type { DeletionCounts, DeletionTarget } from '../../../preload/contract/deletion.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { backupsDir, listBackups } from '../backup/backups.js';
import { nowIso, type CoreContext } from '../context.js';
import { readBlobReferences } from '../storage/index.js';
import { countScope, deletionBlocker, imagesFreed, resolveScope, type ResolvedScope } from './scope.js';

const IDS = '(SELECT value FROM json_each(?))';

/** The deletes, in foreign-key order; `?` is the item ids (`$items`) or the response ids (`$responses`). */
const DELETES: { sql: string; by: 'items' | 'responses' | 'both' }[] = [
  { sql: `DELETE FROM preference_head WHERE response_a_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM preference_gold_head WHERE response_a_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM preference_review_skip WHERE response_a_id IN ${IDS} OR response_b_id IN ${IDS}`, by: 'both' },
  { sql: `DELETE FROM preference_skip WHERE response_a_id IN ${IDS} OR response_b_id IN ${IDS}`, by: 'both' },
  { sql: `DELETE FROM preference WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM preference_gold WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM response_gold_head WHERE response_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM response_gold WHERE item_id IN ${IDS}`, by: 'items' },
  // Heads before versions; the head triggers take submitted verdicts out of response_progress.
  { sql: `DELETE FROM response_label_head WHERE response_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM response_label WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM response_auto_verdict WHERE response_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM response_flag WHERE response_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM response_skip WHERE response_id IN ${IDS}`, by: 'responses' },
  { sql: `DELETE FROM response WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM send_back_annotation WHERE annotation_id IN (SELECT id FROM annotation WHERE item_id IN ${IDS})`, by: 'items' },
  { sql: `DELETE FROM annotation_head WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM annotation WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM gold_head WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM gold_label WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM gold_check WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM item_flag WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM queue_skip WHERE item_id IN ${IDS}`, by: 'items' },
  // Only a project deletion reaches here with memberships (item deletion refuses them).
  { sql: `DELETE FROM evaluation_set_item WHERE item_id IN ${IDS}`, by: 'items' },
  { sql: `DELETE FROM item WHERE id IN ${IDS}`, by: 'items' },
];

function sameCounts(a: DeletionCounts, b: DeletionCounts): boolean {
  return (Object.keys(a) as (keyof DeletionCounts)[]).every((key) => a[key] === b[key]);
}

export interface RemoveInput {
  target: DeletionTarget;
  /** The item ids and counts the archive was written for. */
  archived: ResolvedScope;
  counts: DeletionCounts;
  exportId: string;
  userId: number | undefined;
}

export interface Removed {
  deletionId: number;
  freedImages: string[];
}

export function removeInTransaction(ctx: CoreContext, input: RemoveInput): Removed {
  const w: WritableDB = ctx.db.write;
  return w.transaction(() => {
    const now = resolveScope(w, input.target);
    if (now.idsJson !== input.archived.idsJson || !sameCounts(countScope(w, now), input.counts)) {
      throw new StudioError('conflict', 'The items changed while the archive was written (a new label, response or item); nothing was deleted. Look at the new preview and try again.');
    }
    const blocked = deletionBlocker(w, now);
    if (blocked) throw new StudioError('conflict', blocked);
    const projectId = now.project.id;
    const freed = imagesFreed(w, now.idsJson).map((image) => image.sha256);
    const deletion = w
      .prepare<{ id: number }>('INSERT INTO deletion (project_id, scope, export_id, counts, deleted_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
      .get(projectId, now.scope, input.exportId, JSON.stringify(input.counts), input.userId ?? null, nowIso(ctx));
    if (!deletion) throw new StudioError('internal', 'recording the deletion returned no row');
    w.prepare('INSERT INTO deletion_marker (project_id, deletion_id) VALUES (?, ?)').run(projectId, deletion.id);
    const responsesJson = JSON.stringify(
      w
        .prepare<{ id: number }>(`SELECT id FROM response WHERE item_id IN ${IDS}`)
        .all(now.idsJson)
        .map((r) => r.id),
    );
    for (const step of DELETES) {
      const params = step.by === 'items' ? [now.idsJson] : step.by === 'responses' ? [responsesJson] : [responsesJson, responsesJson];
      w.prepare(step.sql).run(...params);
    }
    w.prepare(`DELETE FROM review_skip WHERE project_id = ? AND ((kind = 'item' AND target_id IN ${IDS}) OR (kind = 'response' AND target_id IN ${IDS}))`).run(projectId, now.idsJson, responsesJson);
    w.prepare(`DELETE FROM blob WHERE sha256 IN ${IDS}`).run(JSON.stringify(freed));
    if (now.scope === 'project') w.prepare('UPDATE project SET deleted_at = ? WHERE id = ?').run(nowIso(ctx), projectId);
    w.prepare('DELETE FROM deletion_marker WHERE project_id = ?').run(projectId);
    return { deletionId: deletion.id, freedImages: freed };
  });
}

/** Removes the image files the deletion left unused; one a backup still names stays for `studio gc`. */
export async function removeImageFiles(ctx: CoreContext, shas: readonly string[]): Promise<number> {
  if (shas.length === 0) return 0;
  const inBackups = new Set<string>();
  for (const backup of listBackups(backupsDir(ctx.paths))) {
    try {
      for (const sha of readBlobReferences(backup.path)) inBackups.add(sha);
    } catch (err) {
      // Removing what an unreadable backup might need would be a guess: keep every file.
      ctx.log.warn('backup unreadable, deleted images kept', { path: backup.path, error: String(err) });
      return 0;
    }
  }
  let freed = 0;
  for (const sha of shas) {
    if (inBackups.has(sha)) continue;
    try {
      freed += await ctx.blobs.remove(sha);
    } catch (err) {
      ctx.log.warn('image file not removed', { sha256: sha, error: String(err) });
    }
  }
  return freed;
}
