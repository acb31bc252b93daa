/**
 * What the learned classifier reads of each item (task, harmful), computed exactly as the score
 * job's input (evaluation/verifier-input.ts): harmful from people's current prompt labels (the
 * aggregate majority), else the dataset's expected hint (truth.ts). Reads only the items asked for.
 */
import type { ReadableDB } from '../../../db/handles.js';
import { Item, type Role } from '../../../preload/contract/domain.js';
import { aggregateLabels } from '../export/aggregate.js';
import { currentLabels, type ExportAnnotation } from '../export/read-project.js';
import { itemTruth } from '../evaluation/truth.js';
import { parseJson, parseStoredLabels } from '../services/rows.js';
import type { ClassifierItemFields } from './models.js';

const ITEMS_SQL = `SELECT id, task, source_labels FROM item WHERE id IN (SELECT value FROM json_each(?))`;
const ANNOTATIONS_SQL = `SELECT a.item_id, a.annotator_id, a.version, a.status, a.origin, a.labels, a.time_spent_ms, a.created_at
  FROM annotation a WHERE a.item_id IN (SELECT value FROM json_each(?)) ORDER BY a.item_id, a.id`;

interface AnnotationSql {
  item_id: number;
  annotator_id: number;
  version: number;
  status: 'submitted' | 'retracted';
  origin: 'queue' | 'browse' | 'import';
  labels: string;
  time_spent_ms: number;
  created_at: string;
}

/** item id -> the classifier's item fields, for every id that exists. */
export function classifierItems(db: ReadableDB, itemIds: readonly number[]): Map<number, ClassifierItemFields> {
  const out = new Map<number, ClassifierItemFields>();
  if (itemIds.length === 0) return out;
  const ids = JSON.stringify([...new Set(itemIds)]);
  const history = new Map<number, ExportAnnotation[]>();
  for (const a of db.prepare<AnnotationSql>(ANNOTATIONS_SQL).all(ids)) {
    const list = history.get(a.item_id) ?? [];
    list.push({
      annotatorId: a.annotator_id,
      // Only the labels, versions and times decide the aggregate; who it was does not.
      annotator: '',
      role: 'annotator' as Role,
      version: a.version,
      status: a.status,
      origin: a.origin,
      labels: parseStoredLabels(a.labels, `item ${a.item_id} annotation v${a.version} labels`),
      timeSpentMs: a.time_spent_ms,
      createdAt: a.created_at,
    });
    history.set(a.item_id, list);
  }
  for (const row of db.prepare<{ id: number; task: string; source_labels: string }>(ITEMS_SQL).all(ids)) {
    const sourceLabels = parseJson(Item.shape.sourceLabels, row.source_labels, `item ${row.id} source_labels`);
    const truth = itemTruth({ sourceLabels }, aggregateLabels(currentLabels(history.get(row.id) ?? [])));
    out.set(row.id, { task: Item.shape.task.parse(row.task), harmful: truth.harmful });
  }
  return out;
}
