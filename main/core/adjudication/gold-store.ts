/**
 * Appending gold versions (gold_label / response_gold, 0017) and reading them back. Every gold
 * write goes through appendGold / appendResponseGold: the rows are append-only and triggers keep
 * the heads in the same transaction.
 */
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import type { GoldLabel, ResponseGold } from '../../../preload/contract/adjudication.js';
import type { LabelValues } from '../../../preload/contract/domain.js';
import type { Verdict } from '../../../preload/contract/responses.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { parseStoredLabels } from '../services/rows.js';

export type GoldStatus = 'set' | 'retracted';

export interface AppendGold {
  itemId: number;
  projectId: number;
  reviewerId: number;
  status: GoldStatus;
  labels: LabelValues;
  sourceAnnotatorId: number | null;
  reason: string;
  createdAt: string;
}

/** Appends the item's next gold version and returns its id. Call inside a transaction. */
export function appendGold(db: WritableDB, g: AppendGold): number {
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO gold_label (item_id, project_id, reviewer_id, version, status, labels, source_annotator_id, reason, created_at)
       VALUES (@itemId, @projectId, @reviewerId, 1 + COALESCE((SELECT version FROM gold_head WHERE item_id = @itemId), 0),
         @status, @labels, @sourceAnnotatorId, @reason, @createdAt)
       RETURNING id`,
    )
    .get({ ...g, labels: JSON.stringify(g.labels) });
  if (!row) throw new StudioError('internal', 'appending the gold label returned no row');
  return row.id;
}

export interface AppendResponseGold {
  responseId: number;
  projectId: number;
  itemId: number;
  reviewerId: number;
  status: GoldStatus;
  verdict: Verdict;
  helpfulness: number | null;
  sourceAnnotatorId: number | null;
  reason: string;
  createdAt: string;
}

export function appendResponseGold(db: WritableDB, g: AppendResponseGold): number {
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO response_gold (response_id, project_id, item_id, reviewer_id, version, status, verdict, helpfulness, source_annotator_id, reason, created_at)
       VALUES (@responseId, @projectId, @itemId, @reviewerId, 1 + COALESCE((SELECT version FROM response_gold_head WHERE response_id = @responseId), 0),
         @status, @verdict, @helpfulness, @sourceAnnotatorId, @reason, @createdAt)
       RETURNING id`,
    )
    .get({ ...g });
  if (!row) throw new StudioError('internal', 'appending the gold verdict returned no row');
  return row.id;
}

interface GoldRow {
  id: number;
  item_id: number;
  reviewer_id: number;
  reviewer_name: string;
  version: number;
  status: GoldStatus;
  labels: string;
  source_annotator_id: number | null;
  source_annotator_name: string | null;
  reason: string;
  created_at: string;
}

const GOLD_SELECT = `SELECT g.id, g.item_id, g.reviewer_id, r.name AS reviewer_name, g.version, g.status, g.labels,
    g.source_annotator_id, s.name AS source_annotator_name, g.reason, g.created_at
  FROM gold_label g JOIN user r ON r.id = g.reviewer_id LEFT JOIN user s ON s.id = g.source_annotator_id`;

function toGold(row: GoldRow): GoldLabel {
  return {
    id: row.id,
    itemId: row.item_id,
    reviewerId: row.reviewer_id,
    reviewerName: row.reviewer_name,
    version: row.version,
    status: row.status,
    labels: parseStoredLabels(row.labels, `gold label ${row.id} labels`),
    sourceAnnotatorId: row.source_annotator_id,
    sourceAnnotatorName: row.source_annotator_name,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

export function goldById(db: ReadableDB, id: number): GoldLabel {
  const row = db.prepare<GoldRow>(`${GOLD_SELECT} WHERE g.id = ?`).get(id);
  if (!row) throw new StudioError('internal', `gold label ${id} vanished`);
  return toGold(row);
}

/** Every gold version of the item, oldest first. */
export function goldHistory(db: ReadableDB, itemId: number): GoldLabel[] {
  return db.prepare<GoldRow>(`${GOLD_SELECT} WHERE g.item_id = ? ORDER BY g.version`).all(itemId).map(toGold);
}

/** The current gold labels of a project's items (status `set` heads): item id -> labels. */
export function currentGoldLabels(db: ReadableDB, projectId: number): Map<number, LabelValues> {
  const rows = db
    .prepare<{ item_id: number; id: number; labels: string }>(
      `SELECT h.item_id, g.id, g.labels FROM gold_head h JOIN gold_label g ON g.id = h.gold_id
       WHERE h.project_id = ? AND h.status = 'set'`,
    )
    .all(projectId);
  return new Map(rows.map((r) => [r.item_id, parseStoredLabels(r.labels, `gold label ${r.id} labels`)]));
}

interface ResponseGoldRow {
  id: number;
  response_id: number;
  reviewer_id: number;
  reviewer_name: string;
  version: number;
  status: GoldStatus;
  verdict: Verdict;
  helpfulness: number | null;
  source_annotator_id: number | null;
  source_annotator_name: string | null;
  reason: string;
  created_at: string;
}

const RESPONSE_GOLD_SELECT = `SELECT g.id, g.response_id, g.reviewer_id, r.name AS reviewer_name, g.version, g.status, g.verdict,
    g.helpfulness, g.source_annotator_id, s.name AS source_annotator_name, g.reason, g.created_at
  FROM response_gold g JOIN user r ON r.id = g.reviewer_id LEFT JOIN user s ON s.id = g.source_annotator_id`;

function toResponseGold(row: ResponseGoldRow): ResponseGold {
  return {
    id: row.id,
    responseId: row.response_id,
    reviewerId: row.reviewer_id,
    reviewerName: row.reviewer_name,
    version: row.version,
    status: row.status,
    verdict: row.verdict,
    helpfulness: row.helpfulness,
    sourceAnnotatorId: row.source_annotator_id,
    sourceAnnotatorName: row.source_annotator_name,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

export function responseGoldById(db: ReadableDB, id: number): ResponseGold {
  const row = db.prepare<ResponseGoldRow>(`${RESPONSE_GOLD_SELECT} WHERE g.id = ?`).get(id);
  if (!row) throw new StudioError('internal', `gold verdict ${id} vanished`);
  return toResponseGold(row);
}

export function responseGoldHistory(db: ReadableDB, responseId: number): ResponseGold[] {
  return db.prepare<ResponseGoldRow>(`${RESPONSE_GOLD_SELECT} WHERE g.response_id = ? ORDER BY g.version`).all(responseId).map(toResponseGold);
}

/** A response's current gold verdict as the training snapshot writes it (cosmo_rl.snapshot.GoldVerdict). */
export interface SnapshotGoldVerdict {
  verdict: Verdict;
  helpfulness: number | null;
  reviewer: string;
  reason: string;
}

/** The current gold verdicts of a project's responses (status `set` heads): response id -> gold. */
export function currentResponseGold(db: ReadableDB, projectId: number): Map<number, SnapshotGoldVerdict> {
  const rows = db
    .prepare<{ response_id: number; verdict: Verdict; helpfulness: number | null; reviewer: string; reason: string }>(
      `SELECT h.response_id, g.verdict, g.helpfulness, u.name AS reviewer, g.reason
       FROM response_gold_head h JOIN response_gold g ON g.id = h.gold_id JOIN user u ON u.id = g.reviewer_id
       WHERE h.project_id = ? AND h.status = 'set'`,
    )
    .all(projectId);
  return new Map(rows.map((r) => [r.response_id, { verdict: r.verdict, helpfulness: r.helpfulness, reviewer: r.reviewer, reason: r.reason }]));
}
