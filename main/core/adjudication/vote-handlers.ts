/**
 * The adjudication methods for preference votes (the Review tab's "votes" mode): the queue of
 * pairs whose voters disagree, setting the pair's gold choice (a voter's, or the reviewer's own,
 * always with a reason), undo (appends a retracted version and gives the pair back) and skip.
 * Every write is one transaction, durable before the method resolves.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { VoteReviewCase } from '../../../preload/contract/adjudication.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { maskOwnModelName } from '../../../preload/contract/identity-mask.js';
import type { PreferenceChoice } from '../../../preload/contract/responses.js';
import type { ReadableDB } from '../../../db/handles.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireItemRow, requireProjectRow, requireUser } from '../services/lookup.js';
import { toItem } from '../services/rows.js';
import { PREFERENCE_COLUMNS, requireResponseRow, toPreference, type PreferenceRow } from '../responses/store.js';
import { readQualityRules, fieldShare } from './rules.js';
import { appendPreferenceGold, preferenceGoldById, preferenceGoldHistory } from './vote-gold-store.js';
import { voteQueue } from './vote-queue.js';

type VoteHandlers = Pick<StudioHandlers, 'getVoteReviewQueue' | 'setPreferenceGold' | 'undoPreferenceGold' | 'skipVoteReview'>;

function currentVotes(db: ReadableDB, a: number, b: number) {
  return db
    .prepare<PreferenceRow>(
      `SELECT ${PREFERENCE_COLUMNS} FROM preference_head h JOIN preference p ON p.id = h.preference_id
       JOIN user u ON u.id = p.annotator_id WHERE h.response_a_id = ? AND h.response_b_id = ? AND h.status = 'submitted' ORDER BY p.id`,
    )
    .all(a, b)
    .map(toPreference);
}

/** The pair's two responses, checked to be one item's pair in one project. */
function requirePair(db: ReadableDB, a: number, b: number) {
  const ra = requireResponseRow(db, a);
  const rb = requireResponseRow(db, b);
  if (ra.item_id !== rb.item_id) throw new StudioError('invalid_input', `responses ${a} and ${b} answer different items, so they are not a pair`);
  return { ra, rb };
}

function voteReviewCase(db: ReadableDB, a: number, b: number): VoteReviewCase {
  const { ra, rb } = requirePair(db, a, b);
  const item = toItem(requireItemRow(db, ra.item_id));
  const votes = currentVotes(db, a, b);
  // Either model's name is masked in both texts, as the Vote tab shows them.
  const hide = (text: string) => maskOwnModelName(maskOwnModelName(text, ra.model_name), rb.model_name);
  return {
    item: { id: item.id, externalId: item.externalId, text: item.text, image: item.image, task: item.task, split: item.split, sensitive: item.sensitive, sourceLabels: item.sourceLabels },
    a: { id: a, text: hide(ra.text) },
    b: { id: b, text: hide(rb.text) },
    votes,
    share: fieldShare(votes.map((v) => v.values.choice)) ?? 1,
    goldHistory: preferenceGoldHistory(db, a, b),
  };
}

export function voteHandlers(ctx: CoreContext): VoteHandlers {
  const db = ctx.db;
  const changed = (projectId: number) => ctx.events.emit({ type: 'project.changed', projectId });
  const progress = (projectId: number, reviewerId: number) => voteQueue(db.read, projectId, reviewerId, readQualityRules(db.read, projectId)).progress;
  return {
    getVoteReviewQueue: ({ projectId, reviewerId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, reviewerId);
      const queue = voteQueue(db.read, projectId, reviewerId, readQualityRules(db.read, projectId));
      const first = queue.pairs[0];
      return { current: first === undefined ? null : voteReviewCase(db.read, first.a, first.b), progress: queue.progress };
    },

    setPreferenceGold: ({ responseAId, responseBId, reviewerId, fromAnnotatorId, choice, reason }) => {
      const { goldId, projectId } = db.write.transaction(() => {
        requireUser(db.write, reviewerId);
        const { ra } = requirePair(db.write, responseAId, responseBId);
        let gold: PreferenceChoice = choice!;
        if (fromAnnotatorId !== null) {
          const picked = currentVotes(db.write, responseAId, responseBId).find((v) => v.annotatorId === fromAnnotatorId);
          if (!picked) throw new StudioError('conflict', `user ${fromAnnotatorId} has no current vote on responses ${responseAId} and ${responseBId} (it was retracted or never given)`);
          gold = picked.values.choice;
        }
        const id = appendPreferenceGold(db.write, {
          responseAId,
          responseBId,
          projectId: ra.project_id,
          itemId: ra.item_id,
          reviewerId,
          status: 'set',
          choice: gold,
          sourceAnnotatorId: fromAnnotatorId,
          reason,
          createdAt: nowIso(ctx),
        });
        db.write.prepare('DELETE FROM preference_review_skip WHERE reviewer_id = ? AND response_a_id = ? AND response_b_id = ?').run(reviewerId, responseAId, responseBId);
        return { goldId: id, projectId: ra.project_id };
      });
      changed(projectId);
      return { gold: preferenceGoldById(db.read, goldId), progress: progress(projectId, reviewerId) };
    },

    undoPreferenceGold: ({ projectId, reviewerId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, reviewerId);
      const pair = db.write.transaction(() => {
        const head = db.write
          .prepare<{ a: number; b: number; item_id: number; choice: PreferenceChoice; source_annotator_id: number | null; reason: string }>(
            `SELECT g.response_a_id AS a, g.response_b_id AS b, g.item_id, g.choice, g.source_annotator_id, g.reason
             FROM preference_gold_head h JOIN preference_gold g ON g.id = h.gold_id
             WHERE h.project_id = ? AND h.reviewer_id = ? AND h.status = 'set' ORDER BY h.gold_id DESC LIMIT 1`,
          )
          .get(projectId, reviewerId);
        if (!head) return null;
        // The retracted version carries what it withdraws, so the history shows what was undone.
        appendPreferenceGold(db.write, {
          responseAId: head.a,
          responseBId: head.b,
          projectId,
          itemId: head.item_id,
          reviewerId,
          status: 'retracted',
          choice: head.choice,
          sourceAnnotatorId: head.source_annotator_id,
          reason: head.reason,
          createdAt: nowIso(ctx),
        });
        return { a: head.a, b: head.b };
      });
      if (pair !== null) changed(projectId);
      return { restored: pair === null ? null : voteReviewCase(db.read, pair.a, pair.b), progress: progress(projectId, reviewerId) };
    },

    skipVoteReview: ({ responseAId, responseBId, reviewerId }) => {
      if (responseAId >= responseBId) throw new StudioError('invalid_input', 'name the pair in canonical order (responseAId < responseBId)');
      const projectId = db.write.transaction(() => {
        requireUser(db.write, reviewerId);
        const { ra } = requirePair(db.write, responseAId, responseBId);
        // Delete + insert gives the skip a new, highest id: the very back of the queue.
        db.write.prepare('DELETE FROM preference_review_skip WHERE reviewer_id = ? AND response_a_id = ? AND response_b_id = ?').run(reviewerId, responseAId, responseBId);
        db.write
          .prepare('INSERT INTO preference_review_skip (project_id, reviewer_id, response_a_id, response_b_id, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(ra.project_id, reviewerId, responseAId, responseBId, nowIso(ctx));
        return ra.project_id;
      });
      return { progress: progress(projectId, reviewerId) };
    },
  };
}
