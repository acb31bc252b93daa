/**
 * The reviewer queue's third mode, "votes": pairs of responses with two or more current votes
 * whose overall choices disagree by the project's rule (rules.ts: the share is the share of the
 * voters giving the most common choice), and no current gold choice. Not-yet-skipped pairs come
 * in pair order, then the reviewer's skipped ones, the longest-skipped first, as in queue.ts.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { QualityRules, ReviewProgress } from '../../../preload/contract/adjudication.js';
import { fieldShare, needsReview } from './rules.js';

export interface PairKey {
  a: number;
  b: number;
}

export interface VoteQueue {
  pairs: PairKey[];
  progress: ReviewProgress;
}

// Only pairs whose current choices differ can fall below any share, so SQL keeps just those.
const PAIR_HEADS_SQL = `SELECT h.response_a_id AS a, h.response_b_id AS b, h.choice FROM preference_head h
  WHERE h.status = 'submitted' AND (h.response_a_id, h.response_b_id) IN (
    SELECT response_a_id, response_b_id FROM preference_head WHERE project_id = ? AND status = 'submitted'
    GROUP BY response_a_id, response_b_id HAVING COUNT(DISTINCT choice) > 1)
    AND NOT EXISTS (SELECT 1 FROM preference_gold_head g WHERE g.response_a_id = h.response_a_id AND g.response_b_id = h.response_b_id AND g.status = 'set')
  ORDER BY h.response_a_id, h.response_b_id`;
const SKIPS_SQL = 'SELECT response_a_id AS a, response_b_id AS b FROM preference_review_skip WHERE project_id = ? AND reviewer_id = ? ORDER BY id';
const ADJUDICATED_SQL = `SELECT COUNT(*) AS n FROM preference_gold_head WHERE project_id = ? AND status = 'set'`;

const keyOf = (p: PairKey) => `${p.a}:${p.b}`;

/** Each disagreeing pair's share, keyed `a:b`, in pair order. */
export function pairShares(db: ReadableDB, projectId: number): Map<string, { pair: PairKey; share: number }> {
  const choices = new Map<string, { pair: PairKey; choices: string[] }>();
  for (const row of db.prepare<{ a: number; b: number; choice: string }>(PAIR_HEADS_SQL).all(projectId)) {
    const key = keyOf(row);
    const entry = choices.get(key);
    if (entry) entry.choices.push(row.choice);
    else choices.set(key, { pair: { a: row.a, b: row.b }, choices: [row.choice] });
  }
  return new Map([...choices].map(([key, e]) => [key, { pair: e.pair, share: fieldShare(e.choices) ?? 1 }]));
}

export function voteQueue(db: ReadableDB, projectId: number, reviewerId: number, rules: QualityRules): VoteQueue {
  const inQueue = new Map([...pairShares(db, projectId)].filter(([, e]) => needsReview(e.share, rules)));
  const skipped = db
    .prepare<PairKey>(SKIPS_SQL)
    .all(projectId, reviewerId)
    .filter((p) => inQueue.has(keyOf(p)));
  const skippedKeys = new Set(skipped.map(keyOf));
  const pairs = [...[...inQueue.values()].map((e) => e.pair).filter((p) => !skippedKeys.has(keyOf(p))), ...skipped];
  const adjudicated = db.prepare<{ n: number }>(ADJUDICATED_SQL).get(projectId)?.n ?? 0;
  return { pairs, progress: { remaining: pairs.length, skipped: skipped.length, adjudicated } };
}
