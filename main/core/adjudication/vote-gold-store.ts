/**
 * Appending gold choices on preference pairs (preference_gold, 0021) and reading them back. Every
 * write goes through appendPreferenceGold: the rows are append-only and a trigger keeps the head.
 */
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import type { PreferenceGold } from '../../../preload/contract/adjudication.js';
import type { PreferenceChoice } from '../../../preload/contract/responses.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { GoldStatus } from './gold-store.js';

export interface AppendPreferenceGold {
  responseAId: number;
  responseBId: number;
  projectId: number;
  itemId: number;
  reviewerId: number;
  status: GoldStatus;
  choice: PreferenceChoice;
  sourceAnnotatorId: number | null;
  reason: string;
  createdAt: string;
}

/** Appends the pair's next gold version and returns its id. Call inside a transaction. */
export function appendPreferenceGold(db: WritableDB, g: AppendPreferenceGold): number {
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO preference_gold (project_id, item_id, response_a_id, response_b_id, reviewer_id, version, status, choice, source_annotator_id, reason, created_at)
       VALUES (@projectId, @itemId, @responseAId, @responseBId, @reviewerId,
         1 + COALESCE((SELECT version FROM preference_gold_head WHERE response_a_id = @responseAId AND response_b_id = @responseBId), 0),
         @status, @choice, @sourceAnnotatorId, @reason, @createdAt)
       RETURNING id`,
    )
    .get({ ...g });
  if (!row) throw new StudioError('internal', 'appending the gold choice returned no row');
  return row.id;
}

interface PreferenceGoldRow {
  id: number;
  response_a_id: number;
  response_b_id: number;
  reviewer_id: number;
  reviewer_name: string;
  version: number;
  status: GoldStatus;
  choice: PreferenceChoice;
  source_annotator_id: number | null;
  source_annotator_name: string | null;
  reason: string;
  created_at: string;
}

const SELECT = `SELECT g.id, g.response_a_id, g.response_b_id, g.reviewer_id, r.name AS reviewer_name, g.version, g.status, g.choice,
    g.source_annotator_id, s.name AS source_annotator_name, g.reason, g.created_at
  FROM preference_gold g JOIN user r ON r.id = g.reviewer_id LEFT JOIN user s ON s.id = g.source_annotator_id`;

function toPreferenceGold(row: PreferenceGoldRow): PreferenceGold {
  return {
    id: row.id,
    responseAId: row.response_a_id,
    responseBId: row.response_b_id,
    reviewerId: row.reviewer_id,
    reviewerName: row.reviewer_name,
    version: row.version,
    status: row.status,
    choice: row.choice,
    sourceAnnotatorId: row.source_annotator_id,
    sourceAnnotatorName: row.source_annotator_name,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

export function preferenceGoldById(db: ReadableDB, id: number): PreferenceGold {
  const row = db.prepare<PreferenceGoldRow>(`${SELECT} WHERE g.id = ?`).get(id);
  if (!row) throw new StudioError('internal', `gold choice ${id} vanished`);
  return toPreferenceGold(row);
}

/** Every gold version of the pair, oldest first. */
export function preferenceGoldHistory(db: ReadableDB, responseAId: number, responseBId: number): PreferenceGold[] {
  return db.prepare<PreferenceGoldRow>(`${SELECT} WHERE g.response_a_id = ? AND g.response_b_id = ? ORDER BY g.version`).all(responseAId, responseBId).map(toPreferenceGold);
}
