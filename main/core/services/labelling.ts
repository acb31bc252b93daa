/**
 * The labelling workflow for one annotator: their queue (undone items first, then unlabelled
 * items in import order or, when asked, in the annotator's own shuffled order, skipped items
 * last), submit, undo, skip and un-skip, flag, and edits from browse.
 *
 * Queue membership: an item is in A's queue while it is not complete (fewer submitted labels
 * than the project's annotatorsPerItem) and A has no submitted label on it. The queue shows A
 * only A's own labels and flags, never anyone else's.
 *
 * Edits (saveAnnotation) always append to the caller's own (item, annotator) history: a reviewer
 * or admin who corrects a label adds their own row next to the annotator's, whose history stays
 * untouched. No one can write into someone else's history through the API.
 *
 * Annotators working at once are handed different items: each getQueue leases its items to the
 * caller for a few minutes (leases.ts, in memory), and items others hold up to the quota move to
 * the back. If two still label the same item (a lease expired), both labels are kept.
 *
 * When the project orders its queue by uncertainty (verifiers/queue-scores.ts), never-touched items
 * the prompt-label head scored come first, least sure first; the rest follow in the usual order.
 * Undone items still lead, skipped ones still trail, leases and gold checks apply as always.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { Item, type ItemDetail, type LabelValues, type QueueProgress } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ReadableDB } from '../../../db/handles.js';
import { nowIso, type CoreContext } from '../context.js';
import { QueueLeases } from './leases.js';
import { andClauses, NO_CLAUSE, type QueueClause } from './queue-clause.js';
import { HintCache, qualityQueuePlan } from '../quality/queue.js';
import { SHUFFLE_RANK_SQL, shuffleSeed } from './queue-order.js';
import { appendAnnotation, assertLabelsValid, type AnnotationOrigin } from './annotations.js';
import { itemDetail, itemDetailFromRow, itemFlags, itemRowsByIds } from './item-detail.js';
import { requireItemRow, requireProject, requireProjectRow, requireUser } from './lookup.js';
import { scoredFirst, type UncertaintyOrder } from './queue-uncertainty.js';
import { ANNOTATION_COLUMNS, parseStoredLabels, toAnnotation, type AnnotationRow } from './rows.js';

type LabellingHandlers = Pick<StudioHandlers, 'getQueue' | 'submitLabel' | 'undoLastSubmit' | 'skipItem' | 'unskipItem' | 'setFlag' | 'saveAnnotation'>;

// Each query takes `extra`: further conditions on the item `i` (QueueClause), '' for none.
// Items A undid, most recent undo first (unless since skipped or completed by others).
const FRONT_SQL = (extra: string) => `SELECT h.item_id AS id FROM annotation_head h JOIN item i ON i.id = h.item_id
  WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'retracted' AND i.complete = 0
    AND NOT EXISTS (SELECT 1 FROM queue_skip s WHERE s.annotator_id = h.annotator_id AND s.item_id = h.item_id)${extra}
  ORDER BY h.annotation_id DESC LIMIT ?`;
// Items A never touched, in id (import) order: walks item_queue(project_id, complete).
const FRESH_WHERE = `FROM item i
  WHERE i.project_id = ? AND i.complete = 0
    AND NOT EXISTS (SELECT 1 FROM annotation_head h WHERE h.item_id = i.id AND h.annotator_id = ?)
    AND NOT EXISTS (SELECT 1 FROM queue_skip s WHERE s.annotator_id = ? AND s.item_id = i.id)`;
const FRESH_SQL = (extra: string) => `SELECT i.id, i.label_count ${FRESH_WHERE}${extra} ORDER BY i.id LIMIT ?`;
// The same items in A's shuffled order, in two steps: rank the open items from the item_queue
// index alone (no table row, no per-item lookup) keeping the top LIMIT, then drop the ones A
// already touched. Ranking every open item is unavoidable (no index can hold a per-annotator
// order); the lookups are what made a one-step query three times slower on 100,000 items.
const SHUFFLED_CANDIDATES_SQL = (extra: string) => `SELECT i.id FROM item i WHERE i.project_id = ? AND i.complete = 0${extra}
  ORDER BY ${SHUFFLE_RANK_SQL}, i.id LIMIT ?`;
const UNTOUCHED_SQL = `SELECT i.id, i.label_count FROM item i
  WHERE i.id IN (SELECT value FROM json_each(?))
    AND NOT EXISTS (SELECT 1 FROM annotation_head h WHERE h.item_id = i.id AND h.annotator_id = ?)
    AND NOT EXISTS (SELECT 1 FROM queue_skip s WHERE s.annotator_id = ? AND s.item_id = i.id)`;
// How many open items A touched: that many candidates at most are dropped in the second step.
const TOUCHED_OPEN_SQL = `SELECT
    (SELECT COUNT(*) FROM annotation_head h JOIN item i ON i.id = h.item_id
      WHERE h.project_id = ? AND h.annotator_id = ? AND i.complete = 0) +
    (SELECT COUNT(*) FROM queue_skip s WHERE s.project_id = ? AND s.annotator_id = ?) AS n`;
// Skipped items, the longest-skipped first (a skip moves an item to the very back).
const SKIPPED_SQL = (extra: string) => `SELECT s.item_id AS id FROM queue_skip s JOIN item i ON i.id = s.item_id
  WHERE s.project_id = ? AND s.annotator_id = ? AND i.complete = 0
    AND NOT EXISTS (SELECT 1 FROM annotation_head h WHERE h.item_id = s.item_id AND h.annotator_id = s.annotator_id AND h.status = 'submitted')${extra}
  ORDER BY s.id LIMIT ?`;

export interface QueueOptions {
  /** Other annotators' current queue items: item id -> how many others hold it. */
  heldByOthers?: ReadonlyMap<number, number>;
  /** The project's annotatorsPerItem (needed with heldByOthers). */
  annotatorsPerItem?: number;
  /** Never-touched items in the annotator's shuffled order (queue-order.ts) instead of import order. */
  shuffle?: boolean;
  /** Items the queue must leave out (gold checks served apart, wellbeing-blocked categories). */
  clause?: QueueClause;
  /** Never-touched items the queue must leave out besides `clause` (gold checks, which gold.ts mixes in). */
  freshClause?: QueueClause;
  /** Never-touched items this verifier scored come first, least sure first (queue-uncertainty.ts). */
  uncertainty?: { verifierId: number } | null;
}

/** Up to `limit` never-touched open items in the annotator's shuffled order (queue-order.ts). */
function shuffledFresh(db: ReadableDB, projectId: number, annotatorId: number, limit: number, clause: QueueClause): { id: number; label_count: number }[] {
  const seed = shuffleSeed(annotatorId);
  const touched = db.prepare<{ n: number }>(TOUCHED_OPEN_SQL).get(projectId, annotatorId, projectId, annotatorId)?.n ?? 0;
  const candidates = db
    .prepare<{ id: number }>(SHUFFLED_CANDIDATES_SQL(clause.sql))
    .all(projectId, ...clause.params, seed, seed, limit + touched)
    .map((r) => r.id);
  const rows = new Map(
    db
      .prepare<{ id: number; label_count: number }>(UNTOUCHED_SQL)
      .all(JSON.stringify(candidates), annotatorId, annotatorId)
      .map((r) => [r.id, r]),
  );
  const ordered: { id: number; label_count: number }[] = [];
  for (const id of candidates) {
    const row = rows.get(id);
    if (row && ordered.length < limit) ordered.push(row);
  }
  return ordered;
}

/**
 * The next `count` item ids for the annotator, in queue order. With leases, a never-touched
 * item that others already hold up to the project's quota (holders + labels >= annotatorsPerItem)
 * moves behind everything else, so people working at once are handed different items; it still
 * comes last rather than never, so no item becomes unreachable.
 */
export function queueItemIds(db: ReadableDB, projectId: number, annotatorId: number, count: number, options: QueueOptions = {}): number[] {
  const held = options.heldByOthers ?? new Map<number, number>();
  const quota = options.annotatorsPerItem ?? 1;
  const ids: number[] = [];
  const deferred: number[] = [];
  const clause = options.clause ?? NO_CLAUSE;
  const take = (sql: string, ...params: number[]) => {
    if (ids.length >= count) return;
    for (const r of db.prepare<{ id: number }>(sql).all(...params, ...clause.params, count - ids.length)) ids.push(r.id);
  };
  take(FRONT_SQL(clause.sql), projectId, annotatorId);
  if (ids.length < count) {
    const need = count - ids.length;
    // At most held.size candidates can be deferred, so this many rows always yield `need` others.
    let fresh = andClauses(clause, options.freshClause ?? NO_CLAUSE);
    const limit = need + held.size;
    const scored = options.uncertainty ? scoredFirst(db, projectId, annotatorId, options.uncertainty.verifierId, limit, fresh) : { rows: [], rest: NO_CLAUSE };
    fresh = andClauses(fresh, scored.rest);
    const rest = limit - scored.rows.length;
    const unscored =
      rest <= 0
        ? []
        : options.shuffle
          ? shuffledFresh(db, projectId, annotatorId, rest, fresh)
          : db.prepare<{ id: number; label_count: number }>(FRESH_SQL(fresh.sql)).all(projectId, annotatorId, annotatorId, ...fresh.params, rest);
    const rows = [...scored.rows, ...unscored];
    for (const r of rows) {
      const taken = (held.get(r.id) ?? 0) + r.label_count >= quota;
      if (taken) deferred.push(r.id);
      else if (ids.length < count) ids.push(r.id);
    }
  }
  take(SKIPPED_SQL(clause.sql), projectId, annotatorId);
  for (const id of deferred) if (ids.length < count) ids.push(id);
  return ids;
}

export function queueProgress(db: ReadableDB, projectId: number, annotatorId: number): QueueProgress {
  const row = db
    .prepare<{ total: number; open: number; done: number; open_done: number }>(
      `SELECT p.item_count AS total, p.item_count - p.complete_count AS open,
              COALESCE(ap.done, 0) AS done, COALESCE(ap.open_done, 0) AS open_done
       FROM project p LEFT JOIN annotator_progress ap ON ap.project_id = p.id AND ap.annotator_id = ?
       WHERE p.id = ?`,
    )
    .get(annotatorId, projectId);
  if (!row) throw new StudioError('not_found', `no project with id ${projectId}`);
  return { done: row.done, remaining: row.open - row.open_done, total: row.total };
}

function annotationById(db: ReadableDB, id: number) {
  const row = db.prepare<AnnotationRow>(`SELECT ${ANNOTATION_COLUMNS} FROM annotation a JOIN user u ON u.id = a.annotator_id WHERE a.id = ?`).get(id);
  if (!row) throw new StudioError('internal', `annotation ${id} vanished`);
  return toAnnotation(row);
}

/** `uncertainty`: the project's uncertainty ordering, when the core has one (verifiers/queue-scores.ts). */
export function labellingHandlers(ctx: CoreContext, uncertainty?: UncertaintyOrder): LabellingHandlers {
  const db = ctx.db;
  const leases = new QueueLeases();
  const hints = new HintCache();
  const changed = (projectId: number) => ctx.events.emit({ type: 'project.changed', projectId });

  /** Validates and appends a submitted version; returns [annotation id, project id]. */
  const writeLabels = (itemId: number, annotatorId: number, labels: LabelValues, timeSpentMs: number, origin: AnnotationOrigin) =>
    db.write.transaction(() => {
      requireUser(db.write, annotatorId);
      const itemRow = requireItemRow(db.write, itemId);
      const project = requireProject(db.write, itemRow.project_id);
      // Only the task is needed: toItem would also parse the item's tags, source labels and extra JSON.
      assertLabelsValid(labels, project.labelSchema, Item.shape.task.parse(itemRow.task), itemId);
      const id = appendAnnotation(db.write, {
        itemId,
        projectId: project.id,
        annotatorId,
        status: 'submitted',
        origin,
        labels,
        timeSpentMs,
        createdAt: nowIso(ctx),
      });
      db.write.prepare('DELETE FROM queue_skip WHERE annotator_id = ? AND item_id = ?').run(annotatorId, itemId);
      return { annotationId: id, projectId: project.id };
    });

  return {
    getQueue: ({ projectId, annotatorId, count, shuffle }) => {
      const project = requireProjectRow(db.read, projectId);
      requireUser(db.read, annotatorId);
      const now = ctx.clock.now();
      const nowMs = now.getTime();
      const progress = queueProgress(db.read, projectId, annotatorId);
      // Wellbeing limits and gold checks (quality/queue.ts); without either, queueItemIds as it is.
      const plan = qualityQueuePlan(db.read, project, annotatorId, now, hints);
      const ordinary = queueItemIds(db.read, projectId, annotatorId, count, {
        heldByOthers: leases.heldByOthers(annotatorId, nowMs),
        annotatorsPerItem: project.annotators_per_item,
        shuffle,
        clause: plan.clause,
        freshClause: plan.freshClause,
        uncertainty: uncertainty?.orderFor(projectId) ?? null,
      });
      const ids = plan.mix(ordinary, count, progress.done);
      leases.hold(annotatorId, ids, nowMs);
      const items: ItemDetail[] = itemRowsByIds(db.read, ids).map((row) => itemDetailFromRow(db.read, row, { onlyAnnotatorId: annotatorId }));
      return { items, progress, wellbeing: plan.wellbeing };
    },

    submitLabel: ({ itemId, annotatorId, labels, timeSpentMs }) => {
      const { annotationId, projectId } = writeLabels(itemId, annotatorId, labels, timeSpentMs, 'queue');
      leases.release(annotatorId, itemId);
      changed(projectId);
      return { annotation: annotationById(db.read, annotationId), progress: queueProgress(db.read, projectId, annotatorId) };
    },

    undoLastSubmit: ({ projectId, annotatorId }) => {
      requireProjectRow(db.read, projectId);
      requireUser(db.read, annotatorId);
      const undone = db.write.transaction(() => {
        const head = db.write
          .prepare<{ item_id: number; labels: string }>(
            `SELECT h.item_id, a.labels FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
             WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'submitted' AND h.origin = 'queue'
             ORDER BY h.annotation_id DESC LIMIT 1`,
          )
          .get(projectId, annotatorId);
        if (!head) return null;
        const labels = parseStoredLabels(head.labels, `item ${head.item_id} labels`);
        // The retracted version carries the labels it withdraws, so history shows what was undone.
        appendAnnotation(db.write, {
          itemId: head.item_id,
          projectId,
          annotatorId,
          status: 'retracted',
          origin: 'queue',
          labels,
          timeSpentMs: 0,
          createdAt: nowIso(ctx),
        });
        db.write.prepare('DELETE FROM queue_skip WHERE annotator_id = ? AND item_id = ?').run(annotatorId, head.item_id);
        return { itemId: head.item_id, labels };
      });
      if (undone) changed(projectId);
      return {
        restored: undone ? itemDetail(db.read, undone.itemId, { onlyAnnotatorId: annotatorId }) : null,
        labels: undone?.labels ?? null,
        progress: queueProgress(db.read, projectId, annotatorId),
      };
    },

    skipItem: ({ itemId, annotatorId }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, annotatorId);
        const item = requireItemRow(db.write, itemId);
        // Delete + insert gives the skip a new, highest id: the very back of the queue.
        db.write.prepare('DELETE FROM queue_skip WHERE annotator_id = ? AND item_id = ?').run(annotatorId, itemId);
        db.write.prepare('INSERT INTO queue_skip (project_id, annotator_id, item_id, created_at) VALUES (?, ?, ?, ?)').run(item.project_id, annotatorId, itemId, nowIso(ctx));
        return item.project_id;
      });
      leases.release(annotatorId, itemId);
      return { progress: queueProgress(db.read, projectId, annotatorId) };
    },

    unskipItem: ({ itemId, annotatorId }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, annotatorId);
        const item = requireItemRow(db.write, itemId);
        const removed = db.write.prepare('DELETE FROM queue_skip WHERE annotator_id = ? AND item_id = ?').run(annotatorId, itemId);
        if (removed.changes === 0) {
          throw new StudioError('conflict', `item ${item.external_id} is no longer skipped (it was labelled or brought back since)`);
        }
        return item.project_id;
      });
      return {
        restored: itemDetail(db.read, itemId, { onlyAnnotatorId: annotatorId }),
        progress: queueProgress(db.read, projectId, annotatorId),
      };
    },

    setFlag: ({ itemId, annotatorId, flagged, note }) => {
      const projectId = db.write.transaction(() => {
        requireUser(db.write, annotatorId);
        const item = requireItemRow(db.write, itemId);
        if (flagged) {
          db.write
            .prepare(
              `INSERT INTO item_flag (item_id, annotator_id, note, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (item_id, annotator_id) DO UPDATE SET note = excluded.note`,
            )
            .run(itemId, annotatorId, note, nowIso(ctx));
        } else {
          db.write.prepare('DELETE FROM item_flag WHERE item_id = ? AND annotator_id = ?').run(itemId, annotatorId);
        }
        return item.project_id;
      });
      changed(projectId);
      return { flags: itemFlags(db.read, itemId) };
    },

    saveAnnotation: ({ itemId, annotatorId, labels, timeSpentMs }) => {
      const { annotationId, projectId } = writeLabels(itemId, annotatorId, labels, timeSpentMs, 'browse');
      changed(projectId);
      return annotationById(db.read, annotationId);
    },
  };
}
