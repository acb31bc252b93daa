/**
 * Turns scheduled pairs into what a blind client receives: the item, the two texts (the names of
 * both models of the pair masked in each) and ids, sides seeded per (pair, annotator). Model names and
 * generation parameters are read here only to mask, and never put into the card.
 */
import type { ReadableDB } from '../../../db/handles.js';
import { PREFERENCE_CRITERIA, type PreferenceCriterion } from '../../../preload/contract/domain.js';
import { maskOwnModelName } from '../../../preload/contract/identity-mask.js';
import type { BlindPair, SideChoice } from '../../../preload/contract/preferences.js';
import { CriteriaVotes, type PreferenceChoice, type ResponseContextItem } from '../../../preload/contract/responses.js';
import { itemRowsByIds } from '../services/item-detail.js';
import { parseJson, toItem } from '../services/rows.js';
import { leftResponseFor, type PairCandidate } from './pair-schedule.js';

/** left/right as the person saw them -> the canonical a/b the preference row stores. */
export function sideToCanonical(choice: SideChoice, leftIsA: boolean): PreferenceChoice {
  if (choice === 'left') return leftIsA ? 'a' : 'b';
  if (choice === 'right') return leftIsA ? 'b' : 'a';
  return choice;
}

export function canonicalToSide(choice: PreferenceChoice, leftIsA: boolean): SideChoice {
  if (choice === 'a') return leftIsA ? 'left' : 'right';
  if (choice === 'b') return leftIsA ? 'right' : 'left';
  return choice;
}

export function mapCriteria<T, U>(votes: Partial<Record<PreferenceCriterion, T>>, map: (choice: T) => U): Partial<Record<PreferenceCriterion, U>> {
  const out: Partial<Record<PreferenceCriterion, U>> = {};
  for (const criterion of PREFERENCE_CRITERIA) {
    const choice = votes[criterion];
    if (choice !== undefined) out[criterion] = map(choice);
  }
  return out;
}

interface TextRow {
  id: number;
  text: string;
  model_name: string;
}

interface UndoneRow {
  response_a_id: number;
  response_b_id: number;
  choice: PreferenceChoice;
  criteria: string;
  left_response_id: number;
}

// The version an undo appended carries the vote it withdrew (and the sides it was shown with).
const UNDONE_SQL = `SELECT p.response_a_id, p.response_b_id, p.choice, p.criteria, p.left_response_id
  FROM preference_head h JOIN preference p ON p.id = h.preference_id
  WHERE h.response_a_id = ? AND h.response_b_id = ? AND h.annotator_id = ? AND h.status = 'retracted'`;

function contextItem(row: ReturnType<typeof toItem>): ResponseContextItem {
  return {
    id: row.id,
    externalId: row.externalId,
    text: row.text,
    image: row.image,
    task: row.task,
    split: row.split,
    sensitive: row.sensitive,
    sourceLabels: row.sourceLabels,
  };
}

export function pairCards(db: ReadableDB, pairs: readonly PairCandidate[], annotatorId: number): BlindPair[] {
  if (pairs.length === 0) return [];
  const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const responses = new Map(
    db
      .prepare<TextRow>(`SELECT id, text, model_name FROM response WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids)
      .map((row) => [row.id, row]),
  );
  const items = new Map(itemRowsByIds(db, [...new Set(pairs.map((p) => p.itemId))]).map((row) => [row.id, contextItem(toItem(row))]));
  const undone = db.prepare<UndoneRow>(UNDONE_SQL);
  return pairs.flatMap((pair): BlindPair[] => {
    const item = items.get(pair.itemId);
    const a = responses.get(pair.a);
    const b = responses.get(pair.b);
    if (!item || !a || !b) return [];
    // Either model's name is masked in both texts ("unlike ckpt-40, I ..." would un-blind too).
    const hide = (text: string) => maskOwnModelName(maskOwnModelName(text, a.model_name), b.model_name);
    const textA = hide(a.text);
    const textB = hide(b.text);
    const previous = undone.get(pair.a, pair.b, annotatorId);
    const left = previous?.left_response_id ?? leftResponseFor(pair.a, pair.b, annotatorId);
    const leftIsA = left === pair.a;
    const side = (id: number, text: string) => ({ responseId: id, text });
    return [
      {
        item,
        left: leftIsA ? side(pair.a, textA) : side(pair.b, textB),
        right: leftIsA ? side(pair.b, textB) : side(pair.a, textA),
        previous: previous
          ? {
              choice: canonicalToSide(previous.choice, leftIsA),
              criteria: mapCriteria(parseJson(CriteriaVotes, previous.criteria, `preference on ${pair.a}/${pair.b} criteria`), (c) => canonicalToSide(c, leftIsA)),
            }
          : null,
      },
    ];
  });
}
