/**
 * Reads a project's items with their whole label history and flags, a page at a time in id
 * order, letting the event loop run between pages so a large export does not stall the UI.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { Item, LabelValues, Role } from '../../../preload/contract/domain.js';
import { ITEM_COLUMNS, parseStoredLabels, toItem, type ItemSqlRow } from '../services/rows.js';

export interface ExportAnnotation {
  annotatorId: number;
  annotator: string;
  role: Role;
  version: number;
  status: 'submitted' | 'retracted';
  origin: 'queue' | 'browse' | 'import';
  labels: LabelValues;
  timeSpentMs: number;
  createdAt: string;
}

export interface ExportFlag {
  annotator: string;
  role: Role;
  note: string;
  createdAt: string;
}

export interface ExportItem {
  item: Item;
  /** Every version, oldest first. */
  history: ExportAnnotation[];
  flags: ExportFlag[];
}

interface AnnotationSql {
  item_id: number;
  annotator_id: number;
  name: string;
  role: string;
  version: number;
  status: 'submitted' | 'retracted';
  origin: 'queue' | 'browse' | 'import';
  labels: string;
  time_spent_ms: number;
  created_at: string;
}

interface FlagSql {
  item_id: number;
  name: string;
  role: string;
  note: string;
  created_at: string;
}

const PAGE = 1000;

export async function* readProjectItems(db: ReadableDB, projectId: number): AsyncGenerator<ExportItem[]> {
  const itemsPage = db.prepare<ItemSqlRow>(
    `SELECT ${ITEM_COLUMNS} FROM item i LEFT JOIN blob b ON b.sha256 = i.image_sha256
     WHERE i.project_id = ? AND i.id > ? ORDER BY i.id LIMIT ${PAGE}`,
  );
  const annotations = db.prepare<AnnotationSql>(
    `SELECT a.item_id, a.annotator_id, u.name, u.role, a.version, a.status, a.origin, a.labels, a.time_spent_ms, a.created_at
     FROM annotation a JOIN user u ON u.id = a.annotator_id
     WHERE a.project_id = ? AND a.item_id BETWEEN ? AND ? ORDER BY a.item_id, a.id`,
  );
  const flags = db.prepare<FlagSql>(
    `SELECT f.item_id, u.name, u.role, f.note, f.created_at FROM item_flag f JOIN user u ON u.id = f.annotator_id
     JOIN item i ON i.id = f.item_id WHERE i.project_id = ? AND f.item_id BETWEEN ? AND ? ORDER BY f.item_id, f.created_at`,
  );
  let after = 0;
  for (;;) {
    const rows = itemsPage.all(projectId, after);
    if (rows.length === 0) return;
    const first = rows[0]!.id;
    const last = rows[rows.length - 1]!.id;
    const byItem = new Map<number, ExportItem>();
    const page = rows.map((row) => {
      const entry: ExportItem = { item: toItem(row), history: [], flags: [] };
      byItem.set(row.id, entry);
      return entry;
    });
    for (const a of annotations.all(projectId, first, last)) {
      byItem.get(a.item_id)?.history.push({
        annotatorId: a.annotator_id,
        annotator: a.name,
        role: a.role as Role,
        version: a.version,
        status: a.status,
        origin: a.origin,
        labels: parseStoredLabels(a.labels, `item ${a.item_id} annotation v${a.version} labels`),
        timeSpentMs: a.time_spent_ms,
        createdAt: a.created_at,
      });
    }
    for (const f of flags.all(projectId, first, last)) {
      byItem.get(f.item_id)?.flags.push({ annotator: f.name, role: f.role as Role, note: f.note, createdAt: f.created_at });
    }
    yield page;
    after = last;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The latest submitted version per annotator (retracted heads do not count as a label). */
export function currentLabels(history: readonly ExportAnnotation[]): ExportAnnotation[] {
  const latest = new Map<number, ExportAnnotation>();
  for (const a of history) {
    const seen = latest.get(a.annotatorId);
    if (!seen || a.version > seen.version) latest.set(a.annotatorId, a);
  }
  return [...latest.values()].filter((a) => a.status === 'submitted');
}
