/**
 * The adjudication methods (preload/contract/adjudication.ts): the quality rules, the reviewer
 * queue for prompt labels and for response verdicts, setting gold (a person's label or the
 * reviewer's own, always with a reason), undo (appends a retracted version and gives the case
 * back) and skip. Every write is one transaction, durable before the method resolves.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { ResponseReviewCase, ReviewCase } from '../../../preload/contract/adjudication.js';
import { Item, type LabelValues } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ReadableDB } from '../../../db/handles.js';
import { nowIso, type CoreContext } from '../context.js';
import { assertLabelsValid } from '../services/annotations.js';
import { itemDetail } from '../services/item-detail.js';
import { requireItemRow, requireProject, requireProjectRow, requireUser } from '../services/lookup.js';
import { parseStoredLabels, toItem } from '../services/rows.js';
import { RESPONSE_LABEL_COLUMNS, requireResponseRow, toModelResponse, toResponseLabel, type ResponseLabelRow } from '../responses/store.js';
import { appendGold, appendResponseGold, goldById, goldHistory, responseGoldById, responseGoldHistory } from './gold-store.js';
import { reviewQueue, type ReviewKind } from './queue.js';
import { fieldShare, itemShare, readQualityRules, writeQualityRules } from './rules.js';

type AdjudicationHandlers = Pick<
  StudioHandlers,
  | 'getQualityRules'
  | 'setQualityRules'
  | 'getReviewQueue'
  | 'setGoldLabel'
  | 'undoGoldLabel'
  | 'skipReviewItem'
  | 'getGoldHistory'
  | 'getResponseReviewQueue'
  | 'setResponseGold'
  | 'undoResponseGold'
  | 'skipResponseReview'
>;

function reviewCase(db: ReadableDB, itemId: number): ReviewCase {
  const detail = itemDetail(db, itemId);
  return { detail, share: itemShare(detail.annotations.map((a) => a.labels)), goldHistory: goldHistory(db, itemId) };
}

function currentVerdicts(db: ReadableDB, responseId: number) {
  return db
    .prepare<ResponseLabelRow>(
      `SELECT ${RESPONSE_LABEL_COLUMNS} FROM response_label_head h JOIN response_label l ON l.id = h.label_id
       JOIN user u ON u.id = l.annotator_id WHERE h.response_id = ? AND h.status = 'submitted' ORDER BY l.id`,
    )
    .all(responseId)
    .map(toResponseLabel);
}

function responseReviewCase(db: ReadableDB, responseId: number): ResponseReviewCase {
  const row = requireResponseRow(db, responseId);
  const item = toItem(requireItemRow(db, row.item_id));
  const verdicts = currentVerdicts(db, responseId);
  return {
    item: { id: item.id, externalId: item.externalId, text: item.text, image: item.image, task: item.task, split: item.split, sensitive: item.sensitive, sourceLabels: item.sourceLabels },
    response: toModelResponse(row),
    verdicts,
    share: fieldShare(verdicts.map((v) => v.values.verdict)) ?? 1,
    goldHistory: responseGoldHistory(db, responseId),
  };
}

function skip(db: CoreContext['db'], at: string, kind: ReviewKind, projectId: number, reviewerId: number, targetId: number): void {
  // Delete + insert gives the skip a new, highest id: the very back of the queue.
  db.write.prepare('DELETE FROM review_skip WHERE reviewer_id = ? AND kind = ? AND target_id = ?').run(reviewerId, kind, targetId);
  db.write.prepare('INSERT INTO review_skip (project_id, reviewer_id, kind, target_id, created_at) VALUES (?, ?, ?, ?, ?)').run(projectId, reviewerId, kind, targetId, at);
}

function shared(ctx: CoreContext) {
  return {
    db: ctx.db,
    changed: (projectId: number) => ctx.events.emit({ type: 'project.changed', projectId }),
    progress: (kind: ReviewKind, projectId: number, reviewerId: number) => reviewQueue(ctx.db.read, kind, projectId, reviewerId, readQualityRules(ctx.db.read, projectId)).progress,
  };
}

type PromptMethods = 'getQualityRules' | 'setQualityRules' | 'getReviewQueue' | 'setGoldLabel' | 'undoGoldLabel' | 'skipReviewItem' | 'getGoldHistory';

/** The quality rules and the prompt-label queue. */
function promptHandlers(ctx: CoreContext): Pick<AdjudicationHandlers, PromptMethods> {
  const { db, changed, progress } = shared(ctx);
  return {
    getQualityRules: ({ projectId }) => {
      requireProjectRow(db.read, projectId);
      return readQualityRules(db.read, projectId);
    },

    setQualityRules: ({ projectId, rules }) => {
      db.write.transaction(() => {
        requireProjectRow(db.write, projectId);
        writeQualityRules(db.write, projectId, rules, nowIso(ctx));
      });
      changed(projectId);
      return readQualityRules(db.read, projectId);
    },

    getReviewQueue: ({ projectId, reviewerId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, reviewerId);
      const queue = reviewQueue(db.read, 'item', projectId, reviewerId, readQualityRules(db.read, projectId));
      const first = queue.ids[0];
      return { current: first === undefined ? null : reviewCase(db.read, first), progress: queue.progress };
    },

    setGoldLabel: ({ itemId, reviewerId, fromAnnotatorId, labels, reason }) => {
      const { goldId, projectId } = db.write.transaction(() => {
        requireUser(db.write, reviewerId);
        const itemRow = requireItemRow(db.write, itemId);
        const project = requireProject(db.write, itemRow.project_id);
        let gold: LabelValues;
        if (fromAnnotatorId !== null) {
          const head = db.write
            .prepare<{ labels: string }>(
              `SELECT a.labels FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
               WHERE h.item_id = ? AND h.annotator_id = ? AND h.status = 'submitted'`,
            )
            .get(itemId, fromAnnotatorId);
          if (!head) throw new StudioError('conflict', `user ${fromAnnotatorId} has no current label on item ${itemRow.external_id} (it was retracted or never given)`);
          gold = parseStoredLabels(head.labels, `item ${itemId} labels`);
        } else {
          gold = labels!;
          assertLabelsValid(gold, project.labelSchema, Item.shape.task.parse(itemRow.task), itemId);
        }
        const id = appendGold(db.write, { itemId, projectId: project.id, reviewerId, status: 'set', labels: gold, sourceAnnotatorId: fromAnnotatorId, reason, createdAt: nowIso(ctx) });
        db.write.prepare(`DELETE FROM review_skip WHERE reviewer_id = ? AND kind = 'item' AND target_id = ?`).run(reviewerId, itemId);
        return { goldId: id, projectId: project.id };
      });
      changed(projectId);
      return { gold: goldById(db.read, goldId), progress: progress('item', projectId, reviewerId) };
    },

    undoGoldLabel: ({ projectId, reviewerId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, reviewerId);
      const itemId = db.write.transaction(() => {
        const head = db.write
          .prepare<{ item_id: number; labels: string; source_annotator_id: number | null; reason: string }>(
            `SELECT g.item_id, g.labels, g.source_annotator_id, g.reason FROM gold_head h JOIN gold_label g ON g.id = h.gold_id
             WHERE h.project_id = ? AND h.reviewer_id = ? AND h.status = 'set' ORDER BY h.gold_id DESC LIMIT 1`,
          )
          .get(projectId, reviewerId);
        if (!head) return null;
        // The retracted version carries what it withdraws, so the history shows what was undone.
        appendGold(db.write, {
          itemId: head.item_id,
          projectId,
          reviewerId,
          status: 'retracted',
          labels: parseStoredLabels(head.labels, `item ${head.item_id} gold labels`),
          sourceAnnotatorId: head.source_annotator_id,
          reason: head.reason,
          createdAt: nowIso(ctx),
        });
        return head.item_id;
      });
      if (itemId !== null) changed(projectId);
      return { restored: itemId === null ? null : reviewCase(db.read, itemId), progress: progress('item', projectId, reviewerId) };
    },

    skipReviewItem: ({ itemId, reviewerId }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, reviewerId);
        const item = requireItemRow(db.write, itemId);
        skip(db, nowIso(ctx), 'item', item.project_id, reviewerId, itemId);
        return item.project_id;
      });
      return { progress: progress('item', projectId, reviewerId) };
    },

    getGoldHistory: ({ itemId }) => {
      requireItemRow(db.read, itemId);
      return goldHistory(db.read, itemId);
    },
  };
}

/** The response-verdict queue. */
function responseHandlers(ctx: CoreContext): Omit<AdjudicationHandlers, PromptMethods> {
  const { db, changed, progress } = shared(ctx);
  return {
    getResponseReviewQueue: ({ projectId, reviewerId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, reviewerId);
      const queue = reviewQueue(db.read, 'response', projectId, reviewerId, readQualityRules(db.read, projectId));
      const first = queue.ids[0];
      return { current: first === undefined ? null : responseReviewCase(db.read, first), progress: queue.progress };
    },

    setResponseGold: ({ responseId, reviewerId, fromAnnotatorId, verdict, helpfulness, reason }) => {
      const { goldId, projectId } = db.write.transaction(() => {
        requireUser(db.write, reviewerId);
        const response = requireResponseRow(db.write, responseId);
        let gold = { verdict: verdict!, helpfulness };
        if (fromAnnotatorId !== null) {
          const picked = currentVerdicts(db.write, responseId).find((v) => v.annotatorId === fromAnnotatorId);
          if (!picked) throw new StudioError('conflict', `user ${fromAnnotatorId} has no current verdict on response ${responseId} (it was retracted or never given)`);
          gold = { verdict: picked.values.verdict, helpfulness: picked.values.helpfulness };
        }
        const id = appendResponseGold(db.write, {
          responseId,
          projectId: response.project_id,
          itemId: response.item_id,
          reviewerId,
          status: 'set',
          ...gold,
          sourceAnnotatorId: fromAnnotatorId,
          reason,
          createdAt: nowIso(ctx),
        });
        db.write.prepare(`DELETE FROM review_skip WHERE reviewer_id = ? AND kind = 'response' AND target_id = ?`).run(reviewerId, responseId);
        return { goldId: id, projectId: response.project_id };
      });
      changed(projectId);
      return { gold: responseGoldById(db.read, goldId), progress: progress('response', projectId, reviewerId) };
    },

    undoResponseGold: ({ projectId, reviewerId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, reviewerId);
      const responseId = db.write.transaction(() => {
        const head = db.write
          .prepare<{
            response_id: number;
            item_id: number;
            verdict: ResponseReviewCase['verdicts'][number]['values']['verdict'];
            helpfulness: number | null;
            source_annotator_id: number | null;
            reason: string;
          }>(
            `SELECT g.response_id, g.item_id, g.verdict, g.helpfulness, g.source_annotator_id, g.reason
             FROM response_gold_head h JOIN response_gold g ON g.id = h.gold_id
             WHERE h.project_id = ? AND h.reviewer_id = ? AND h.status = 'set' ORDER BY h.gold_id DESC LIMIT 1`,
          )
          .get(projectId, reviewerId);
        if (!head) return null;
        appendResponseGold(db.write, {
          responseId: head.response_id,
          projectId,
          itemId: head.item_id,
          reviewerId,
          status: 'retracted',
          verdict: head.verdict,
          helpfulness: head.helpfulness,
          sourceAnnotatorId: head.source_annotator_id,
          reason: head.reason,
          createdAt: nowIso(ctx),
        });
        return head.response_id;
      });
      if (responseId !== null) changed(projectId);
      return { restored: responseId === null ? null : responseReviewCase(db.read, responseId), progress: progress('response', projectId, reviewerId) };
    },

    skipResponseReview: ({ responseId, reviewerId }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, reviewerId);
        const response = requireResponseRow(db.write, responseId);
        skip(db, nowIso(ctx), 'response', response.project_id, reviewerId, responseId);
        return response.project_id;
      });
      return { progress: progress('response', projectId, reviewerId) };
    },
  };
}

export function adjudicationHandlers(ctx: CoreContext): AdjudicationHandlers {
  return { ...promptHandlers(ctx), ...responseHandlers(ctx) };
}
