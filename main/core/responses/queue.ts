/**
 * Which responses an annotator judges next, and how far they are. Mirrors the prompt queue
 * (services/labelling.ts): responses A undid first (most recent undo first), then responses A
 * never touched in id order, skipped responses last (longest-skipped first).
 *
 * Membership: a response is in A's queue while it is not complete (fewer submitted verdicts than
 * the project's annotatorsPerItem) and A has no submitted verdict on it.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { QueueProgress } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';

// Responses A undid: their head is retracted. Walks response_label_head_annotator.
const FRONT_SQL = `SELECT h.response_id AS id FROM response_label_head h JOIN response r ON r.id = h.response_id
  WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'retracted' AND r.complete = 0
    AND NOT EXISTS (SELECT 1 FROM response_skip s WHERE s.annotator_id = h.annotator_id AND s.response_id = h.response_id)
  ORDER BY h.label_id DESC LIMIT ?`;
// Responses A never touched, in id (import) order: walks response_queue(project_id, complete).
const FRESH_SQL = `SELECT r.id, r.verdict_count FROM response r
  WHERE r.project_id = ? AND r.complete = 0
    AND NOT EXISTS (SELECT 1 FROM response_label_head h WHERE h.response_id = r.id AND h.annotator_id = ?)
    AND NOT EXISTS (SELECT 1 FROM response_skip s WHERE s.annotator_id = ? AND s.response_id = r.id)
  ORDER BY r.id LIMIT ?`;
// Skipped responses, the longest-skipped first (a skip moves a response to the very back).
const SKIPPED_SQL = `SELECT s.response_id AS id FROM response_skip s JOIN response r ON r.id = s.response_id
  WHERE s.project_id = ? AND s.annotator_id = ? AND r.complete = 0
    AND NOT EXISTS (SELECT 1 FROM response_label_head h
      WHERE h.response_id = s.response_id AND h.annotator_id = s.annotator_id AND h.status = 'submitted')
  ORDER BY s.id LIMIT ?`;

export interface ResponseQueueOptions {
  /** Other annotators' current queue responses: response id -> how many others hold it. */
  heldByOthers?: ReadonlyMap<number, number>;
  /** The project's annotatorsPerItem (needed with heldByOthers). */
  annotatorsPerItem?: number;
}

/**
 * The next `count` response ids for the annotator, in queue order. A never-touched response that
 * others already hold up to the quota (holders + verdicts >= annotatorsPerItem) moves behind
 * everything else, so people judging at once get different responses; it still comes last
 * rather than never.
 */
export function responseQueueIds(db: ReadableDB, projectId: number, annotatorId: number, count: number, options: ResponseQueueOptions = {}): number[] {
  const held = options.heldByOthers ?? new Map<number, number>();
  const quota = options.annotatorsPerItem ?? 1;
  const ids: number[] = [];
  const deferred: number[] = [];
  const take = (sql: string, ...params: number[]) => {
    if (ids.length >= count) return;
    for (const r of db.prepare<{ id: number }>(sql).all(...params, count - ids.length)) ids.push(r.id);
  };
  take(FRONT_SQL, projectId, annotatorId);
  if (ids.length < count) {
    const need = count - ids.length;
    // At most held.size candidates can be deferred, so this many rows always yield `need` others.
    const rows = db.prepare<{ id: number; verdict_count: number }>(FRESH_SQL).all(projectId, annotatorId, annotatorId, need + held.size);
    for (const r of rows) {
      const taken = (held.get(r.id) ?? 0) + r.verdict_count >= quota;
      if (taken) deferred.push(r.id);
      else if (ids.length < count) ids.push(r.id);
    }
  }
  take(SKIPPED_SQL, projectId, annotatorId);
  for (const id of deferred) if (ids.length < count) ids.push(id);
  return ids;
}

/**
 * done: responses the annotator has a submitted verdict on; remaining: open responses still
 * waiting for them (skipped ones included); total: the project's responses. Read from the
 * counters the triggers keep (0006 response_progress, 0007 project.response_count), no scans.
 */
export function responseQueueProgress(db: ReadableDB, projectId: number, annotatorId: number): QueueProgress {
  const row = db
    .prepare<{ total: number; open: number; done: number; open_done: number }>(
      `SELECT p.response_count AS total, p.response_count - p.response_complete_count AS open,
              COALESCE(rp.done, 0) AS done, COALESCE(rp.open_done, 0) AS open_done
       FROM project p LEFT JOIN response_progress rp ON rp.project_id = p.id AND rp.annotator_id = ?
       WHERE p.id = ?`,
    )
    .get(annotatorId, projectId);
  if (!row) throw new StudioError('not_found', `no project with id ${projectId}`);
  return { done: row.done, remaining: row.open - row.open_done, total: row.total };
}
