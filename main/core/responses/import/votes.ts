/**
 * A vote's meaning independent of which response a file calls "a": the pair in a fixed order and
 * the choice, criteria and left side relative to it. Two votes with the same signature on the same
 * pair say the same thing, which is how a repeated vote (an identical re-import) is recognised.
 * The store's canonical order (lower response id first, see canonicalPair) is applied when the
 * vote is written, once every response has its id.
 */
import type { CriteriaVotes, PreferenceChoice } from '../../../../preload/contract/responses.js';

/** A response the import refers to: one already in the project, or one it is about to add. */
export type Handle = { kind: 'existing'; id: number } | { kind: 'staged'; index: number };

export function sameHandle(x: Handle, y: Handle): boolean {
  return x.kind === y.kind && (x.kind === 'existing' ? x.id === (y as { id: number }).id : x.index === (y as { index: number }).index);
}

/** Existing responses before new ones (new ids are larger), each by id or stage order: the canonical order where both are known. */
function rank(h: Handle): number {
  return h.kind === 'existing' ? h.id : Number.MAX_SAFE_INTEGER / 2 + h.index;
}

export function handleText(h: Handle): string {
  return h.kind === 'existing' ? `r${h.id}` : `s${h.index}`;
}

export function swapChoice(choice: PreferenceChoice): PreferenceChoice {
  return choice === 'a' ? 'b' : choice === 'b' ? 'a' : choice;
}

export function swapCriteria(criteria: CriteriaVotes): CriteriaVotes {
  const out: CriteriaVotes = {};
  for (const [name, vote] of Object.entries(criteria) as [keyof CriteriaVotes, PreferenceChoice][]) out[name] = swapChoice(vote);
  return out;
}

function criteriaText(criteria: CriteriaVotes): string {
  return JSON.stringify(Object.entries(criteria).sort(([x], [y]) => x.localeCompare(y)));
}

export interface VoteMeaning {
  /** The pair in rank order, e.g. "r12|s3". */
  pair: string;
  signature: string;
}

export interface FileVote {
  a: Handle;
  b: Handle;
  choice: PreferenceChoice;
  criteria: CriteriaVotes;
  blind: boolean;
  left: 'a' | 'b';
  status: string;
}

export function meaningOf(v: FileVote): VoteMeaning {
  const swapped = rank(v.a) > rank(v.b);
  const [first, second] = swapped ? [v.b, v.a] : [v.a, v.b];
  const choice = swapped ? swapChoice(v.choice) : v.choice;
  const criteria = swapped ? swapCriteria(v.criteria) : v.criteria;
  const leftIsFirst = (v.left === 'a') !== swapped;
  return {
    pair: `${handleText(first)}|${handleText(second)}`,
    signature: `${choice}|${criteriaText(criteria)}|${v.blind ? 1 : 0}|${leftIsFirst ? 'first' : 'second'}|${v.status}`,
  };
}

/** The signature of a stored vote (its pair is already in canonical order: a < b). */
export function storedSignature(row: { choice: string; criteria: string; blind: number; left_response_id: number; status: string }, responseAId: number): string {
  let criteria: CriteriaVotes = {};
  try {
    criteria = JSON.parse(row.criteria) as CriteriaVotes;
  } catch {
    // A stored vote's criteria are JSON by CHECK; an unreadable one matches nothing.
  }
  return `${row.choice}|${criteriaText(criteria)}|${row.blind}|${row.left_response_id === responseAId ? 'first' : 'second'}|${row.status}`;
}
