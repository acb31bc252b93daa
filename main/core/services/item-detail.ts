/** One item with its labels, history and flags: the full view (browse) or one annotator's view (queue). */
import type { ReadableDB } from '../../../db/handles.js';
import type { Flag, ItemDetail } from '../../../preload/contract/domain.js';
import { ANNOTATION_COLUMNS, ITEM_COLUMNS, toAnnotation, toFlag, toItem, type AnnotationRow, type FlagRow, type ItemSqlRow } from './rows.js';
import { requireItemRow } from './lookup.js';

const CURRENT_SQL = `SELECT ${ANNOTATION_COLUMNS}
  FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id JOIN user u ON u.id = a.annotator_id
  WHERE h.item_id = ? AND h.status = 'submitted' ORDER BY a.id`;
const HISTORY_SQL = `SELECT ${ANNOTATION_COLUMNS}
  FROM annotation a JOIN user u ON u.id = a.annotator_id WHERE a.item_id = ? ORDER BY a.id`;
const FLAGS_SQL = `SELECT f.item_id, f.annotator_id, u.name AS annotator_name, f.note, f.created_at
  FROM item_flag f JOIN user u ON u.id = f.annotator_id WHERE f.item_id = ? ORDER BY f.created_at, f.annotator_id`;

export interface DetailView {
  /** Only this annotator's labels, history and flag (the labelling queue hides everyone else's). */
  onlyAnnotatorId?: number;
}

export function itemDetailFromRow(db: ReadableDB, row: ItemSqlRow, view: DetailView = {}): ItemDetail {
  const mine = <T extends { annotator_id: number }>(rows: T[]) => (view.onlyAnnotatorId === undefined ? rows : rows.filter((r) => r.annotator_id === view.onlyAnnotatorId));
  return {
    item: toItem(row),
    annotations: mine(db.prepare<AnnotationRow>(CURRENT_SQL).all(row.id)).map(toAnnotation),
    history: mine(db.prepare<AnnotationRow>(HISTORY_SQL).all(row.id)).map(toAnnotation),
    flags: mine(db.prepare<FlagRow>(FLAGS_SQL).all(row.id)).map(toFlag),
  };
}

/** Everyone's flags on one item (what setFlag answers with). */
export function itemFlags(db: ReadableDB, itemId: number): Flag[] {
  return db.prepare<FlagRow>(FLAGS_SQL).all(itemId).map(toFlag);
}

export function itemDetail(db: ReadableDB, itemId: number, view: DetailView = {}): ItemDetail {
  return itemDetailFromRow(db, requireItemRow(db, itemId), view);
}

export function itemRowsByIds(db: ReadableDB, ids: readonly number[]): ItemSqlRow[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare<ItemSqlRow>(
      `SELECT ${ITEM_COLUMNS} FROM item i LEFT JOIN blob b ON b.sha256 = i.image_sha256
       WHERE i.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
