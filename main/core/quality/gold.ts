/**
 * Gold checks: items a reviewer gave known answers. With a gold rate above 0 they leave the
 * ordinary queue and are mixed into each annotator's queue instead: queue slot p (the annotator's
 * done count plus the slot's place in the batch) holds a gold check when a hash of (project,
 * annotator, p) falls below the rate, so the mix is the same on every call and machine and differs
 * between people; gold checks are taken in the annotator's own shuffled order. Once nothing else
 * is left, the remaining gold checks come last, so no item becomes unreachable.
 *
 * The queue serves a gold check as the plain item it is: the known answers stay in gold_check and
 * are read only by reviewers and by the accuracy figures.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { LabelValues } from '../../../preload/contract/domain.js';
import { GOLD_FIELDS, GoldExpected } from '../../../preload/contract/quality.js';
import { SHUFFLE_RANK_SQL, shuffleSeed } from '../services/queue-order.js';
import type { QueueClause } from '../services/queue-clause.js';
import { parseJson } from '../services/rows.js';

/** Keeps gold checks out of the ordinary queue queries (`i` is the item). */
export const NOT_GOLD_CLAUSE: QueueClause = { sql: ' AND NOT EXISTS (SELECT 1 FROM gold_check g WHERE g.item_id = i.id)', params: [] };

export function goldCount(db: ReadableDB, projectId: number): number {
  return db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM gold_check WHERE project_id = ?').get(projectId)?.n ?? 0;
}

/** A uniform number in [0, 1) from three integers (a 32-bit avalanche hash: murmur3's finaliser). */
export function slotDraw(projectId: number, annotatorId: number, position: number): number {
  let h = Math.imul(projectId ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(annotatorId + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(position + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

export function isGoldSlot(projectId: number, annotatorId: number, position: number, rate: number): boolean {
  return rate > 0 && slotDraw(projectId, annotatorId, position) < rate;
}

/** Gold checks the annotator has not answered, skipped or undone, in their shuffled order. */
export function openGoldIds(db: ReadableDB, projectId: number, annotatorId: number, limit: number, clause: QueueClause): number[] {
  const seed = shuffleSeed(annotatorId);
  return db
    .prepare<{ id: number }>(
      `SELECT i.id FROM gold_check g JOIN item i ON i.id = g.item_id
       WHERE g.project_id = ?
         AND NOT EXISTS (SELECT 1 FROM annotation_head h WHERE h.item_id = i.id AND h.annotator_id = ?)
         AND NOT EXISTS (SELECT 1 FROM queue_skip s WHERE s.annotator_id = ? AND s.item_id = i.id)${clause.sql}
       ORDER BY ${SHUFFLE_RANK_SQL}, i.id LIMIT ?`,
    )
    .all(projectId, annotatorId, annotatorId, ...clause.params, seed, seed, limit)
    .map((r) => r.id);
}

/** The batch with gold checks in their slots; `done` is the annotator's done count (slot 0's position). */
export function mixGold(ordinary: readonly number[], gold: readonly number[], count: number, slot: (position: number) => boolean, done: number): number[] {
  const out: number[] = [];
  let o = 0;
  let g = 0;
  for (let k = 0; out.length < count && (o < ordinary.length || g < gold.length); k++) {
    const takeGold = g < gold.length && (o >= ordinary.length || slot(done + k));
    out.push(takeGold ? gold[g++]! : ordinary[o++]!);
  }
  return out;
}

export function parseGoldExpected(text: string, itemId: number): GoldExpected {
  return parseJson(GoldExpected, text, `gold check ${itemId} expected`);
}

/** True when the label gives every checked field its expected value. */
export function matchesGold(labels: LabelValues, expected: GoldExpected): boolean {
  return GOLD_FIELDS.every((field) => !(field in expected) || labels[field] === expected[field]);
}
