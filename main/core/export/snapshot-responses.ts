/**
 * responses.jsonl of the dataset snapshot: the responses to the items the snapshot holds, each
 * with its current verdicts and the current votes on pairs it is in, seen from its side. Read by
 * native-models/cosmo_rl/snapshot.py (`SnapshotResponse`), which checks each line refers to an
 * item of items.jsonl and each vote to a response of the same item.
 *
 *   {"item_id": "<external id>", "model": "base", "sample_index": 0, "text": "...", "origin": "imported",
 *    "verdicts": [{"annotator": "Ada", "verdict": "refusal", "helpfulness": 3, "ideal_response": null, "rationale": null}],
 *    "votes": [{"annotator": "Ada", "other": {"model": "ckpt-40", "sample_index": 0},
 *               "result": "win" | "loss" | "tie" | "both_bad", "criteria": {"safety": "win"}, "blind": true}],
 *    "gold": {"verdict": "refusal", "helpfulness": 3, "reviewer": "Rita", "reason": "..."}}
 *
 * `gold` (a reviewer's settled verdict, adjudication/) is written only for responses that have
 * one, so a snapshot without adjudicated responses is byte-for-byte what it was before.
 *
 * Responses to items left out of the snapshot are counted, not written (they would refer to no item).
 */
import type { FileHandle } from 'node:fs/promises';
import type { ReadableDB } from '../../../db/handles.js';
import type { PreferenceChoice } from '../../../preload/contract/responses.js';
import { currentResponseGold, type SnapshotGoldVerdict } from '../adjudication/gold-store.js';
import { currentVersions } from '../responses/browse.js';
import { readProjectResponses, voteKey, type ExportResponse, type ExportVote } from './read-responses.js';

export type VoteResult = 'win' | 'loss' | 'tie' | 'both_bad';

/** A canonical a/b choice as the outcome for one side of the pair. */
export function resultFor(choice: PreferenceChoice, side: 'a' | 'b'): VoteResult {
  if (choice === 'tie' || choice === 'both_bad') return choice;
  return choice === side ? 'win' : 'loss';
}

export interface SnapshotResponse {
  item_id: string;
  model: string;
  sample_index: number;
  text: string;
  origin: ExportResponse['origin'];
  verdicts: { annotator: string; verdict: string; helpfulness: number | null; ideal_response: string | null; rationale: string | null }[];
  votes: { annotator: string; other: { model: string; sample_index: number }; result: VoteResult; criteria: Record<string, VoteResult>; blind: boolean }[];
  gold?: SnapshotGoldVerdict;
}

export function snapshotResponse(r: ExportResponse, gold?: SnapshotGoldVerdict): SnapshotResponse {
  const votes = currentVersions<ExportVote>(r.votes, voteKey);
  return {
    item_id: r.itemExternalId,
    model: r.model,
    sample_index: r.sampleIndex,
    text: r.text,
    origin: r.origin,
    verdicts: currentVersions(r.history, (v) => String(v.annotatorId)).map((v) => ({
      annotator: v.annotator,
      verdict: v.verdict,
      helpfulness: v.helpfulness,
      ideal_response: v.idealResponse,
      rationale: v.rationale,
    })),
    votes: votes.map((v) => {
      const side = v.a.responseId === r.id ? 'a' : 'b';
      const other = side === 'a' ? v.b : v.a;
      const criteria: Record<string, VoteResult> = {};
      for (const [name, choice] of Object.entries(v.criteria)) if (choice) criteria[name] = resultFor(choice, side);
      return { annotator: v.annotator, other: { model: other.model, sample_index: other.sampleIndex }, result: resultFor(v.choice, side), criteria, blind: v.blind };
    }),
    ...(gold ? { gold } : {}),
  };
}

export interface SnapshotResponseCounts {
  responses: number;
  /** Current verdicts written. */
  verdicts: number;
  /** Current votes on pairs whose both responses are written (each counted once). */
  votes: number;
  /** Responses to items the snapshot left out. */
  left_out: number;
}

/** Appends the lines for responses to `included` items to `out`. */
export async function writeSnapshotResponses(db: ReadableDB, projectId: number, included: ReadonlySet<number>, out: FileHandle): Promise<SnapshotResponseCounts> {
  const counts: SnapshotResponseCounts = { responses: 0, verdicts: 0, votes: 0, left_out: 0 };
  const gold = currentResponseGold(db, projectId);
  for await (const page of readProjectResponses(db, projectId)) {
    let chunk = '';
    for (const r of page) {
      if (!included.has(r.itemId)) {
        counts.left_out += 1;
        continue;
      }
      const line = snapshotResponse(r, gold.get(r.id));
      chunk += `${JSON.stringify(line)}\n`;
      counts.responses += 1;
      counts.verdicts += line.verdicts.length;
      // Each vote is on both of its responses' lines: count it on its canonical `a` side only.
      counts.votes += currentVersions<ExportVote>(r.votes, voteKey).filter((v) => v.a.responseId === r.id).length;
    }
    if (chunk) await out.write(chunk);
  }
  return counts;
}
