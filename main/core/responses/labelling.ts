/**
 * The response labelling workflow for one annotator: their queue of model responses to judge
 * (queue.ts), submit, undo, skip, flag, and edits from browse. The same design as prompt labelling
 * (services/labelling.ts):
 *
 * - Every verdict is a new append-only version (store.ts); undo appends a `retracted` version that
 *   carries the values it withdraws, so history shows what was undone.
 * - A submit commits in one IMMEDIATE transaction on the writer (synchronous=FULL) before it
 *   returns, so a verdict is on disk before the next response appears.
 * - Edits (saveVerdict) always append to the caller's own (response, annotator) history.
 * - Annotators judging at once are handed different responses: each getResponseQueue leases its
 *   responses to the caller for a few minutes (services/leases.ts, in memory); responses others
 *   hold up to the quota move to the back. If two still judge the same one, both verdicts are kept.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { QueueProgress } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ResponseLabelValues } from '../../../preload/contract/responses.js';
import type { ReadableDB } from '../../../db/handles.js';
import { nowIso, type CoreContext } from '../context.js';
import { QueueLeases } from '../services/leases.js';
import { requireProjectRow, requireUser } from '../services/lookup.js';
import { myResponseFlag, responseEntries } from './entries.js';
import { responseQueueIds, responseQueueProgress } from './queue.js';
import { RESPONSE_LABEL_COLUMNS, appendResponseLabel, requireResponseRow, toResponseLabel, type ResponseLabelRow } from './store.js';

type ResponseLabellingHandlers = Pick<StudioHandlers, 'getResponseQueue' | 'submitVerdict' | 'undoLastVerdict' | 'skipResponse' | 'setResponseFlag' | 'saveVerdict'>;

/** Empty or blank free text is stored as null: "no rationale", not an empty one. */
function normalised(values: ResponseLabelValues): ResponseLabelValues {
  const text = (value: string | null) => (value !== null && value.trim() !== '' ? value : null);
  return { ...values, idealResponse: text(values.idealResponse), rationale: text(values.rationale) };
}

function responseLabelById(db: ReadableDB, id: number) {
  const row = db.prepare<ResponseLabelRow>(`SELECT ${RESPONSE_LABEL_COLUMNS} FROM response_label l JOIN user u ON u.id = l.annotator_id WHERE l.id = ?`).get(id);
  if (!row) throw new StudioError('internal', `verdict ${id} vanished`);
  return toResponseLabel(row);
}

export function responseLabellingHandlers(ctx: CoreContext): ResponseLabellingHandlers {
  const db = ctx.db;
  const leases = new QueueLeases();
  const changed = (projectId: number) => ctx.events.emit({ type: 'project.changed', projectId });
  const progress = (projectId: number, annotatorId: number): QueueProgress => responseQueueProgress(db.read, projectId, annotatorId);

  /** Appends a submitted version in one transaction; returns [verdict id, project id]. */
  const writeVerdict = (responseId: number, annotatorId: number, values: ResponseLabelValues, timeSpentMs: number, origin: 'queue' | 'browse') =>
    db.write.transaction(() => {
      requireUser(db.write, annotatorId);
      const response = requireResponseRow(db.write, responseId);
      const labelId = appendResponseLabel(db.write, {
        responseId,
        projectId: response.project_id,
        itemId: response.item_id,
        annotatorId,
        status: 'submitted',
        origin,
        values: normalised(values),
        timeSpentMs,
        createdAt: nowIso(ctx),
      });
      db.write.prepare('DELETE FROM response_skip WHERE annotator_id = ? AND response_id = ?').run(annotatorId, responseId);
      return { labelId, projectId: response.project_id };
    });

  return {
    getResponseQueue: ({ projectId, annotatorId, count }) => {
      const project = requireProjectRow(db.read, projectId);
      requireUser(db.read, annotatorId);
      const nowMs = ctx.clock.now().getTime();
      const ids = responseQueueIds(db.read, projectId, annotatorId, count, {
        heldByOthers: leases.heldByOthers(annotatorId, nowMs),
        annotatorsPerItem: project.annotators_per_item,
      });
      leases.hold(annotatorId, ids, nowMs);
      return { entries: responseEntries(db.read, ids, annotatorId), progress: progress(projectId, annotatorId) };
    },

    submitVerdict: ({ responseId, annotatorId, values, timeSpentMs }) => {
      const { labelId, projectId } = writeVerdict(responseId, annotatorId, values, timeSpentMs, 'queue');
      leases.release(annotatorId, responseId);
      changed(projectId);
      return { label: responseLabelById(db.read, labelId), progress: progress(projectId, annotatorId) };
    },

    undoLastVerdict: ({ projectId, annotatorId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, annotatorId);
      const undone = db.write.transaction(() => {
        const head = db.write
          .prepare<ResponseLabelRow & { project_id: number; item_id: number }>(
            `SELECT ${RESPONSE_LABEL_COLUMNS}, l.project_id, l.item_id
             FROM response_label_head h JOIN response_label l ON l.id = h.label_id JOIN user u ON u.id = l.annotator_id
             WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'submitted' AND h.origin = 'queue'
             ORDER BY h.label_id DESC LIMIT 1`,
          )
          .get(projectId, annotatorId);
        if (!head) return null;
        const values = toResponseLabel(head).values;
        // The retracted version carries the verdict it withdraws, so history shows what was undone.
        appendResponseLabel(db.write, {
          responseId: head.response_id,
          projectId,
          itemId: head.item_id,
          annotatorId,
          status: 'retracted',
          origin: 'queue',
          values,
          timeSpentMs: 0,
          createdAt: nowIso(ctx),
        });
        db.write.prepare('DELETE FROM response_skip WHERE annotator_id = ? AND response_id = ?').run(annotatorId, head.response_id);
        return { responseId: head.response_id, values };
      });
      if (undone) changed(projectId);
      return {
        restored: undone ? (responseEntries(db.read, [undone.responseId], annotatorId)[0] ?? null) : null,
        values: undone?.values ?? null,
        progress: progress(projectId, annotatorId),
      };
    },

    skipResponse: ({ responseId, annotatorId }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, annotatorId);
        const response = requireResponseRow(db.write, responseId);
        // Delete + insert gives the skip a new, highest id: the very back of the queue.
        db.write.prepare('DELETE FROM response_skip WHERE annotator_id = ? AND response_id = ?').run(annotatorId, responseId);
        db.write.prepare('INSERT INTO response_skip (project_id, annotator_id, response_id, created_at) VALUES (?, ?, ?, ?)').run(response.project_id, annotatorId, responseId, nowIso(ctx));
        return response.project_id;
      });
      leases.release(annotatorId, responseId);
      return { progress: progress(projectId, annotatorId) };
    },

    setResponseFlag: ({ responseId, annotatorId, flagged, note }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, annotatorId);
        const response = requireResponseRow(db.write, responseId);
        if (flagged) {
          db.write
            .prepare(
              `INSERT INTO response_flag (response_id, annotator_id, note, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (response_id, annotator_id) DO UPDATE SET note = excluded.note`,
            )
            .run(responseId, annotatorId, note, nowIso(ctx));
        } else {
          db.write.prepare('DELETE FROM response_flag WHERE response_id = ? AND annotator_id = ?').run(responseId, annotatorId);
        }
        return response.project_id;
      });
      changed(projectId);
      return { flag: myResponseFlag(db.read, responseId, annotatorId) };
    },

    saveVerdict: ({ responseId, annotatorId, values, timeSpentMs }) => {
      const { labelId, projectId } = writeVerdict(responseId, annotatorId, values, timeSpentMs, 'browse');
      changed(projectId);
      return responseLabelById(db.read, labelId);
    },
  };
}
