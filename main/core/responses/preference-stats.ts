/**
 * Position bias and evenness of the pairwise votes: per annotator, how often they picked the
 * side shown on the left among decisive votes (with a Wilson 95% interval), ties and both-bad;
 * per model pair, the votes so far against the pairs available.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { ModelPairVotes, PositionBias, Proportion } from '../../../preload/contract/preferences.js';
import { modelPairVotes, type PairCatalogue } from './pair-catalogue.js';

/** The 97.5th percentile of the standard normal distribution. */
const Z95 = 1.959963984540054;

/** Wilson score interval (Wilson 1927), as statsmodels' proportion_confint(method='wilson'). */
export function wilson(successes: number, n: number, z = Z95): Proportion {
  if (n === 0) return { n, value: null, low: null, high: null };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { n, value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

interface BiasRow {
  annotator_id: number;
  name: string;
  votes: number;
  decisive: number;
  left_picks: number;
  ties: number;
  both_bad: number;
}

const BIAS_SQL = (oneAnnotator: boolean) => `SELECT h.annotator_id, u.name, COUNT(*) AS votes,
    SUM(h.choice IN ('a', 'b')) AS decisive,
    SUM((h.choice = 'a' AND p.left_response_id = p.response_a_id) OR (h.choice = 'b' AND p.left_response_id = p.response_b_id)) AS left_picks,
    SUM(h.choice = 'tie') AS ties, SUM(h.choice = 'both_bad') AS both_bad
  FROM preference_head h JOIN preference p ON p.id = h.preference_id JOIN user u ON u.id = h.annotator_id
  WHERE h.project_id = ? AND h.status = 'submitted' ${oneAnnotator ? 'AND h.annotator_id = ?' : ''}
  GROUP BY h.annotator_id ORDER BY u.name, h.annotator_id`;

function toBias(row: BiasRow): PositionBias {
  return {
    annotatorId: row.annotator_id,
    annotatorName: row.name,
    votes: row.votes,
    leftShare: wilson(row.left_picks, row.decisive),
    ties: row.ties,
    bothBad: row.both_bad,
  };
}

export function annotatorBias(db: ReadableDB, projectId: number, annotator: { id: number; name: string }): PositionBias {
  const row = db.prepare<BiasRow>(BIAS_SQL(true)).get(projectId, annotator.id);
  return row ? toBias(row) : toBias({ annotator_id: annotator.id, name: annotator.name, votes: 0, decisive: 0, left_picks: 0, ties: 0, both_bad: 0 });
}

export function projectBias(db: ReadableDB, projectId: number): PositionBias[] {
  return db.prepare<BiasRow>(BIAS_SQL(false)).all(projectId).map(toBias);
}

/** Votes per model pair next to the pairs it has, in name order. */
export function modelPairSummary(db: ReadableDB, projectId: number, catalogue: PairCatalogue): ModelPairVotes[] {
  const votes = modelPairVotes(db, projectId);
  return catalogue.modelPairs
    .map((mp): ModelPairVotes => {
      const names = mp.keys.map((key) => catalogue.names.get(key) ?? key).sort() as [string, string];
      return { models: names, votes: votes.get(mp.key)?.votes ?? 0, pairs: mp.pairs };
    })
    .sort((x, y) => x.models[0].localeCompare(y.models[0]) || x.models[1].localeCompare(y.models[1]));
}
