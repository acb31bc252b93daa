/**
 * The reviewer queue: the cases (items, or responses) with two or more current labels whose
 * agreement share the project's rule sends to review, and no current gold. Not-yet-skipped cases
 * come in id (import) order, then the reviewer's skipped ones, the longest-skipped first.
 *
 * Membership is decided from the label heads (annotation_head carries copies of harmful, risk
 * category and expected; response_label_head the verdict), one pass per call, so a label or a
 * gold written a moment ago is reflected at once without a derived table to keep in step.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { QualityRules, ReviewProgress } from '../../../preload/contract/adjudication.js';
import { fieldShare, itemShare, needsReview } from './rules.js';

export type ReviewKind = 'item' | 'response';

export interface ReviewQueue {
  /** Case ids in queue order. */
  ids: number[];
  shares: Map<number, number>;
  progress: ReviewProgress;
}

// Only items whose current labels differ somewhere can fall below any share, so SQL keeps just
// those (COUNT DISTINCT ignores nulls, like the share does) and the exact share is computed for
// them alone: on 100,000 agreeing items the scan returns nothing to JavaScript.
const ITEM_HEADS_SQL = `SELECT h.item_id AS id, h.harmful, h.risk_category, h.expected FROM annotation_head h
  WHERE h.status = 'submitted' AND h.item_id IN (
    SELECT item_id FROM annotation_head WHERE project_id = ? AND status = 'submitted' GROUP BY item_id
    HAVING COUNT(*) >= 2 AND (COUNT(DISTINCT harmful) > 1 OR COUNT(DISTINCT risk_category) > 1 OR COUNT(DISTINCT expected) > 1))
    AND NOT EXISTS (SELECT 1 FROM gold_head g WHERE g.item_id = h.item_id AND g.status = 'set')
  ORDER BY h.item_id`;
const RESPONSE_HEADS_SQL = `SELECT h.response_id AS id, h.verdict FROM response_label_head h
  WHERE h.status = 'submitted' AND h.response_id IN (
    SELECT response_id FROM response_label_head WHERE project_id = ? AND status = 'submitted' GROUP BY response_id
    HAVING COUNT(DISTINCT verdict) > 1)
    AND NOT EXISTS (SELECT 1 FROM response_gold_head g WHERE g.response_id = h.response_id AND g.status = 'set')
  ORDER BY h.response_id`;
const SKIPS_SQL = 'SELECT target_id AS id FROM review_skip WHERE project_id = ? AND reviewer_id = ? AND kind = ? ORDER BY id';
const ADJUDICATED_SQL: Record<ReviewKind, string> = {
  item: `SELECT COUNT(*) AS n FROM gold_head WHERE project_id = ? AND status = 'set'`,
  response: `SELECT COUNT(*) AS n FROM response_gold_head WHERE project_id = ? AND status = 'set'`,
};

/** Groups consecutive rows by id (the SQL orders them by id). */
function grouped<T extends { id: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(row.id);
    if (list) list.push(row);
    else out.set(row.id, [row]);
  }
  return out;
}

function itemShares(db: ReadableDB, projectId: number): Map<number, number> {
  const rows = db.prepare<{ id: number; harmful: number | null; risk_category: string | null; expected: string | null }>(ITEM_HEADS_SQL).all(projectId);
  const shares = new Map<number, number>();
  for (const [id, heads] of grouped(rows)) {
    shares.set(id, itemShare(heads.map((h) => ({ harmful: h.harmful === null ? null : h.harmful === 1, riskCategory: h.risk_category, expected: h.expected }))));
  }
  return shares;
}

function responseShares(db: ReadableDB, projectId: number): Map<number, number> {
  const rows = db.prepare<{ id: number; verdict: string }>(RESPONSE_HEADS_SQL).all(projectId);
  const shares = new Map<number, number>();
  for (const [id, heads] of grouped(rows)) shares.set(id, fieldShare(heads.map((h) => h.verdict)) ?? 1);
  return shares;
}

export function reviewQueue(db: ReadableDB, kind: ReviewKind, projectId: number, reviewerId: number, rules: QualityRules): ReviewQueue {
  const all = kind === 'item' ? itemShares(db, projectId) : responseShares(db, projectId);
  const shares = new Map([...all].filter(([, share]) => needsReview(share, rules)));
  const skipped = db
    .prepare<{ id: number }>(SKIPS_SQL)
    .all(projectId, reviewerId, kind)
    .map((r) => r.id)
    .filter((id) => shares.has(id));
  const skippedSet = new Set(skipped);
  const ids = [...[...shares.keys()].filter((id) => !skippedSet.has(id)), ...skipped];
  const adjudicated = db.prepare<{ n: number }>(ADJUDICATED_SQL[kind]).get(projectId)?.n ?? 0;
  return { ids, shares, progress: { remaining: ids.length, skipped: skipped.length, adjudicated } };
}
