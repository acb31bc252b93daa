/**
 * The uncertainty part of the labelling queue (a project setting; verifiers/queue-scores.ts fills
 * the cache): the annotator's never-touched open items that the current prompt-label head scored,
 * least sure first (ties by id), and the clause that keeps those same items out of the normal
 * order that follows. Walks prompt_label_score_queue (verifier, uncertainty DESC).
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { QueueClause } from './queue-clause.js';

/** What getQueue asks: the verifier whose scores order this project's queue now, or null. */
export interface UncertaintyOrder {
  orderFor(projectId: number): { verifierId: number } | null;
}

// CROSS JOIN keeps the scores the outer loop: the index hands them least sure first and LIMIT stops
// the walk early, instead of the planner scanning the project's open items and sorting them.
const SCORED_SQL = (extra: string) => `SELECT i.id, i.label_count FROM prompt_label_score s CROSS JOIN item i ON i.id = s.item_id
  WHERE s.verifier_id = ? AND i.project_id = ? AND i.complete = 0
    AND NOT EXISTS (SELECT 1 FROM annotation_head h WHERE h.item_id = i.id AND h.annotator_id = ?)
    AND NOT EXISTS (SELECT 1 FROM queue_skip q WHERE q.annotator_id = ? AND q.item_id = i.id)${extra}
  ORDER BY s.uncertainty DESC, s.item_id LIMIT ?`;

export function scoredFirst(
  db: ReadableDB,
  projectId: number,
  annotatorId: number,
  verifierId: number,
  limit: number,
  clause: QueueClause,
): { rows: { id: number; label_count: number }[]; rest: QueueClause } {
  const rows = db.prepare<{ id: number; label_count: number }>(SCORED_SQL(clause.sql)).all(verifierId, projectId, annotatorId, annotatorId, ...clause.params, limit);
  return { rows, rest: { sql: ' AND NOT EXISTS (SELECT 1 FROM prompt_label_score ps WHERE ps.item_id = i.id AND ps.verifier_id = ?)', params: [verifierId] } };
}
