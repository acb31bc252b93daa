/**
 * What the judging screen shows for one response: the response, the item it answers, the item's
 * prompt labels as context, and this annotator's own latest verdict and flag. Never anyone
 * else's verdict or flag: the queue is blind to other judges.
 */
import type { ReadableDB } from '../../../db/handles.js';
import { Item } from '../../../preload/contract/domain.js';
import type { PromptLabelSummary, ResponseFlag, ResponseQueueEntry } from '../../../preload/contract/response-labelling.js';
import type { ResponseContextItem } from '../../../preload/contract/responses.js';
import { ITEM_COLUMNS, parseJson, parseStoredLabels, toImage, type ItemSqlRow } from '../services/rows.js';
import { RESPONSE_COLUMNS, RESPONSE_LABEL_COLUMNS, toModelResponse, toResponseLabel, type ResponseLabelRow, type ResponseRow } from './store.js';

const RESPONSES_SQL = `SELECT ${RESPONSE_COLUMNS} FROM response r WHERE r.id IN (SELECT value FROM json_each(?))`;
const ITEMS_SQL = `SELECT ${ITEM_COLUMNS} FROM item i LEFT JOIN blob b ON b.sha256 = i.image_sha256
  WHERE i.id IN (SELECT value FROM json_each(?))`;
const PROMPT_LABELS_SQL = `SELECT h.item_id, u.name AS annotator_name, a.labels, a.id
  FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id JOIN user u ON u.id = h.annotator_id
  WHERE h.item_id IN (SELECT value FROM json_each(?)) AND h.status = 'submitted' ORDER BY a.id`;
const MINE_SQL = `SELECT ${RESPONSE_LABEL_COLUMNS}
  FROM response_label_head h JOIN response_label l ON l.id = h.label_id JOIN user u ON u.id = l.annotator_id
  WHERE h.response_id IN (SELECT value FROM json_each(?)) AND h.annotator_id = ?`;
const FLAGS_SQL = `SELECT response_id, annotator_id, note, created_at FROM response_flag
  WHERE response_id IN (SELECT value FROM json_each(?)) AND annotator_id = ?`;

interface FlagRow {
  response_id: number;
  annotator_id: number;
  note: string;
  created_at: string;
}

function toContextItem(row: ItemSqlRow): ResponseContextItem {
  return {
    id: row.id,
    externalId: row.external_id,
    text: row.text,
    image: toImage(row),
    task: Item.shape.task.parse(row.task),
    split: Item.shape.split.parse(row.split),
    sensitive: row.sensitive === 1,
    sourceLabels: parseJson(Item.shape.sourceLabels, row.source_labels, `item ${row.id} source_labels`),
  };
}

export function toResponseFlag(row: FlagRow): ResponseFlag {
  return { responseId: row.response_id, annotatorId: row.annotator_id, note: row.note, createdAt: row.created_at };
}

/** The annotator's own flag on one response, or null. */
export function myResponseFlag(db: ReadableDB, responseId: number, annotatorId: number): ResponseFlag | null {
  const row = db.prepare<FlagRow>('SELECT response_id, annotator_id, note, created_at FROM response_flag WHERE response_id = ? AND annotator_id = ?').get(responseId, annotatorId);
  return row ? toResponseFlag(row) : null;
}

/** Queue entries for these response ids, in the order given (ids that do not exist are left out). */
export function responseEntries(db: ReadableDB, responseIds: readonly number[], annotatorId: number): ResponseQueueEntry[] {
  if (responseIds.length === 0) return [];
  const ids = JSON.stringify(responseIds);
  const responses = db.prepare<ResponseRow>(RESPONSES_SQL).all(ids);
  const itemIds = JSON.stringify([...new Set(responses.map((r) => r.item_id))]);
  const items = new Map(
    db
      .prepare<ItemSqlRow>(ITEMS_SQL)
      .all(itemIds)
      .map((row) => [row.id, toContextItem(row)]),
  );

  const promptLabels = new Map<number, PromptLabelSummary[]>();
  for (const row of db.prepare<{ item_id: number; annotator_name: string; labels: string; id: number }>(PROMPT_LABELS_SQL).all(itemIds)) {
    const labels = parseStoredLabels(row.labels, `annotation ${row.id} labels`);
    const list = promptLabels.get(row.item_id) ?? [];
    list.push({
      annotatorName: row.annotator_name,
      harmful: labels.harmful,
      riskCategory: labels.riskCategory,
      severity: labels.severity,
      expected: labels.expected,
      jailbreakType: labels.jailbreakType,
    });
    promptLabels.set(row.item_id, list);
  }
  const mine = new Map(
    db
      .prepare<ResponseLabelRow>(MINE_SQL)
      .all(ids, annotatorId)
      .map((row) => [row.response_id, toResponseLabel(row)]),
  );
  const flags = new Map(
    db
      .prepare<FlagRow>(FLAGS_SQL)
      .all(ids, annotatorId)
      .map((row) => [row.response_id, toResponseFlag(row)]),
  );

  const byId = new Map(responses.map((row) => [row.id, row]));
  return responseIds.flatMap((id) => {
    const row = byId.get(id);
    const item = row ? items.get(row.item_id) : undefined;
    if (!row || !item) return [];
    return [
      {
        response: toModelResponse(row),
        item,
        promptLabels: promptLabels.get(row.item_id) ?? [],
        mine: mine.get(id) ?? null,
        myFlag: flags.get(id) ?? null,
      },
    ];
  });
}
