/**
 * The SQL side of the pairwise queue: one annotator's candidate pairs, walked in response id
 * (import) order one model pair at a time, never building all pairs of the project.
 *
 * A model pair's stream has three phases, so that votes spread over the items before any pair
 * gets a second vote, without rescanning what was already voted:
 *   1. pairs beyond the model pair's frontier (the largest walked-side response id anyone voted
 *      on): nobody has voted on these yet, and the walk starts right there;
 *   2. pairs at or before the frontier with fewer submitted votes than the project's
 *      annotatorsPerItem (holes: skipped, or handed to someone who moved on);
 *   3. the rest.
 * Every phase leaves out pairs this annotator has a head on (a vote, or an undone vote, which
 * comes back first instead) and pairs they skipped (they come back last).
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { CatalogueModelPair } from './pair-catalogue.js';
import type { PairCandidate } from './pair-schedule.js';

const STREAM_SQL = `SELECT min(w.id, o.id) AS a, max(w.id, o.id) AS b, w.item_id AS itemId
  FROM response w JOIN response o ON o.item_id = w.item_id AND o.model_key = @other
  WHERE w.project_id = @project AND w.model_key = @walk AND w.id > @after AND w.id <= @upto
    AND NOT EXISTS (SELECT 1 FROM preference_head h
      WHERE h.response_a_id = min(w.id, o.id) AND h.response_b_id = max(w.id, o.id) AND h.annotator_id = @annotator)
    AND NOT EXISTS (SELECT 1 FROM preference_skip s
      WHERE s.annotator_id = @annotator AND s.response_a_id = min(w.id, o.id) AND s.response_b_id = max(w.id, o.id))
    AND (SELECT COUNT(*) FROM preference_head c
      WHERE c.response_a_id = min(w.id, o.id) AND c.response_b_id = max(w.id, o.id) AND c.status = 'submitted') BETWEEN @fewest AND @most
  ORDER BY w.id, o.sample_index LIMIT @limit`;

const MAX_ID = Number.MAX_SAFE_INTEGER;

export interface StreamScope {
  projectId: number;
  annotatorId: number;
  /** The project's annotatorsPerItem: votes a pair should get before others get a second. */
  quota: number;
}

/**
 * Up to `limit` candidates of one model pair for the annotator, in stream order (the three
 * phases above). A call never needs more than count + (pairs held by others) from one stream.
 */
export function modelPairCandidates(db: ReadableDB, scope: StreamScope, modelPair: CatalogueModelPair, frontier: number, limit: number): PairCandidate[] {
  const statement = db.prepare<PairCandidate>(STREAM_SQL);
  const base = { project: scope.projectId, annotator: scope.annotatorId, walk: modelPair.walk, other: modelPair.other };
  const phases = [
    { after: frontier, upto: MAX_ID, fewest: 0, most: MAX_ID },
    { after: 0, upto: frontier, fewest: 0, most: scope.quota - 1 },
    { after: 0, upto: frontier, fewest: scope.quota, most: MAX_ID },
  ];
  const out: PairCandidate[] = [];
  for (const phase of phases) {
    if (out.length >= limit) break;
    if (phase.upto <= phase.after) continue;
    out.push(...statement.all({ ...base, ...phase, limit: limit - out.length }));
  }
  return out;
}

// Pairs this annotator undid, most recent undo first (unless since skipped).
const FRONT_SQL = `SELECT h.response_a_id AS a, h.response_b_id AS b, p.item_id AS itemId FROM preference_head h
  JOIN preference p ON p.id = h.preference_id
  WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'retracted'
    AND NOT EXISTS (SELECT 1 FROM preference_skip s WHERE s.annotator_id = h.annotator_id AND s.response_a_id = h.response_a_id AND s.response_b_id = h.response_b_id)
  ORDER BY h.preference_id DESC LIMIT ?`;
// Skipped pairs not voted on since, the longest-skipped first.
const SKIPPED_SQL = `SELECT s.response_a_id AS a, s.response_b_id AS b, r.item_id AS itemId FROM preference_skip s
  JOIN response r ON r.id = s.response_a_id
  WHERE s.project_id = ? AND s.annotator_id = ?
    AND NOT EXISTS (SELECT 1 FROM preference_head h WHERE h.response_a_id = s.response_a_id AND h.response_b_id = s.response_b_id
      AND h.annotator_id = s.annotator_id AND h.status = 'submitted')
  ORDER BY s.id LIMIT ?`;

export function undonePairs(db: ReadableDB, projectId: number, annotatorId: number, limit: number): PairCandidate[] {
  return db.prepare<PairCandidate>(FRONT_SQL).all(projectId, annotatorId, limit);
}

export function skippedPairs(db: ReadableDB, projectId: number, annotatorId: number, limit: number): PairCandidate[] {
  return db.prepare<PairCandidate>(SKIPPED_SQL).all(projectId, annotatorId, limit);
}
