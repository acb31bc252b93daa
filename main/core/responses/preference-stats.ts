/**
 * Position bias and evenness of the pairwise votes: per annotator, how often they picked the
 * side shown on the left among decisive votes (with a Wilson 95% interval), ties and both-bad;
 * per model pair, the votes so far against the pairs available.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { ModelPairVotes, PositionBias } from '../../../preload/contract/preferences.js';
import { wilson } from '../evaluation/stats/index.js';
import type { PairCatalogue } from './pair-catalogue.js';
import type { AnnotatorTally, ProjectTally } from './vote-tally.js';

function toBias(annotator: { id: number; name: string }, tally: AnnotatorTally | undefined): PositionBias {
  const t = tally ?? { votes: 0, decisive: 0, leftPicks: 0, ties: 0, bothBad: 0 };
  return { annotatorId: annotator.id, annotatorName: annotator.name, votes: t.votes, leftShare: wilson(t.leftPicks, t.decisive), ties: t.ties, bothBad: t.bothBad };
}

export function annotatorBias(tally: ProjectTally, annotator: { id: number; name: string }): PositionBias {
  return toBias(annotator, tally.annotators.get(annotator.id));
}

/** Everyone with a submitted vote in the project, by name. */
export function projectBias(db: ReadableDB, tally: ProjectTally): PositionBias[] {
  const ids = [...tally.annotators].filter(([, t]) => t.votes > 0).map(([id]) => id);
  if (ids.length === 0) return [];
  const people = db.prepare<{ id: number; name: string }>(`SELECT id, name FROM user WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY name, id`).all(...ids);
  return people.map((person) => toBias(person, tally.annotators.get(person.id)));
}

/** Votes per model pair next to the pairs it has, in name order. */
export function modelPairSummary(tally: ProjectTally, catalogue: PairCatalogue): ModelPairVotes[] {
  return catalogue.modelPairs
    .map((mp): ModelPairVotes => {
      const names = mp.keys.map((key) => catalogue.names.get(key) ?? key).sort() as [string, string];
      return { models: names, votes: tally.modelPairs.get(mp.key)?.votes ?? 0, pairs: mp.pairs };
    })
    .sort((x, y) => x.models[0].localeCompare(y.models[0]) || x.models[1].localeCompare(y.models[1]));
}
