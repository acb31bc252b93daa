/**
 * Writes validated rows in one transaction: the import batch, blob rows, annotators created by
 * name, items, their annotation history and flags. Either all of it commits or none of it.
 * Prepared statements, one transaction; throughput is measured by main/bench (see the report).
 */
import type { WritableDB } from '../../../db/handles.js';
import type { ImportReport } from '../../../preload/contract/domain.js';
import { userNameKey } from '../services/users.js';
import type { ResolvedImage } from './images.js';
import type { RowAnnotation, RowFlag, ValidRow } from './row.js';

export interface PreparedRow {
  row: ValidRow;
  image: ResolvedImage | null;
  contentHash: string;
  sensitive: boolean;
}

export interface WriteInput {
  projectId: number;
  source: string;
  rows: PreparedRow[];
  now: string;
  /** Called after each chunk of rows, for progress (inside the transaction, so keep it cheap). */
  onRows?: (written: number) => void;
}

export interface WriteOutcome {
  importId: number;
  imported: number;
  images: number;
  labelsImported: number;
  flagsImported: number;
}


function labelColumns(a: RowAnnotation): [number | null, string | null, number | null, string | null, string | null, string | null] {
  const l = a.labels;
  return [l.harmful === null ? null : l.harmful ? 1 : 0, l.riskCategory, l.severity, l.expected, l.jailbreakType, l.crossModalRisk];
}

const ROWS_PER_STATEMENT = 50;

export function writeImport(db: WritableDB, input: WriteInput, finalReport: (outcome: WriteOutcome) => ImportReport): WriteOutcome {
  const insertBatch = db.prepare('INSERT INTO import_batch (project_id, source, report, created_at) VALUES (?, ?, ?, ?)');
  const updateBatch = db.prepare('UPDATE import_batch SET report = ? WHERE id = ?');
  const insertBlob = db.prepare('INSERT OR IGNORE INTO blob (sha256, mime, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const ITEM_COLUMNS =
    '(project_id, external_id, text, image_sha256, source, split, task, tags, source_labels, extra, sensitive, content_hash, import_id, created_at)';
  const ITEM_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  /** Many rows per statement: a third less time than one statement per row. */
  const insertItems = (count: number) => db.prepare(`INSERT INTO item ${ITEM_COLUMNS} VALUES ${Array(count).fill(ITEM_PLACEHOLDERS).join(', ')}`);
  const itemIds = db.prepare<{ id: number; external_id: string }>('SELECT id, external_id FROM item WHERE import_id = ?');
  const findUser = db.prepare<{ id: number }>('SELECT id FROM user WHERE name_key = ?');
  const insertUser = db.prepare('INSERT INTO user (name, name_key, role, created_at) VALUES (?, ?, ?, ?)');
  const insertAnnotation = db.prepare(
    `INSERT INTO annotation (item_id, project_id, annotator_id, version, status, origin, labels, harmful, risk_category, severity, expected, jailbreak_type, cross_modal_risk, time_spent_ms, created_at)
     VALUES (?, ?, ?, ?, ?, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFlag = db.prepare('INSERT OR IGNORE INTO item_flag (item_id, annotator_id, note, created_at) VALUES (?, ?, ?, ?)');
  // See db/migrations/0002_bulk_import.ts: the batch is indexed and counted once, not per row.
  const markBulk = db.prepare('INSERT INTO bulk_import (project_id) VALUES (?)');
  const unmarkBulk = db.prepare('DELETE FROM bulk_import WHERE project_id = ?');
  const indexBatch = db.prepare('INSERT INTO item_fts (rowid, text, external_id) SELECT id, text, external_id FROM item WHERE import_id = ?');
  const countBatch = db.prepare('UPDATE project SET item_count = item_count + ?, image_count = image_count + ? WHERE id = ?');

  return db.transaction(() => {
    const importId = Number(insertBatch.run(input.projectId, input.source, '{}', input.now).lastInsertRowid);
    markBulk.run(input.projectId);
    const users = new Map<string, number>();
    const userId = (who: RowAnnotation | RowFlag): number => {
      const key = userNameKey(who.annotator);
      let id = users.get(key);
      if (id === undefined) {
        id = findUser.get(key)?.id ?? Number(insertUser.run(who.annotator, key, who.role, input.now).lastInsertRowid);
        users.set(key, id);
      }
      return id;
    };
    const images = new Set<string>();
    let labelsImported = 0;
    let flagsImported = 0;
    let written = 0;
    let withImage = 0;
    for (let start = 0; start < input.rows.length; start += ROWS_PER_STATEMENT) {
      const chunk = input.rows.slice(start, start + ROWS_PER_STATEMENT);
      const values: (string | number | null)[] = [];
      for (const { row, image, contentHash, sensitive } of chunk) {
        if (image) {
          withImage += 1;
          if (!images.has(image.sha256)) {
            insertBlob.run(image.sha256, image.mime, image.width, image.height, image.bytes, input.now);
            images.add(image.sha256);
          }
        }
        values.push(
          input.projectId,
          row.externalId,
          row.text,
          image?.sha256 ?? null,
          row.source,
          row.split,
          row.task,
          JSON.stringify(row.tags),
          JSON.stringify(row.sourceLabels),
          JSON.stringify(row.extra),
          sensitive ? 1 : 0,
          contentHash,
          importId,
          input.now,
        );
      }
      insertItems(chunk.length).run(...values);
      written += chunk.length;
      if (input.onRows && written % 8192 < ROWS_PER_STATEMENT) input.onRows(written);
    }

    const withHistory = input.rows.filter(({ row }) => row.annotations.length > 0 || row.flags.length > 0);
    if (withHistory.length > 0) {
      const idOf = new Map<string, number>();
      for (const r of itemIds.iterate(importId)) idOf.set(r.external_id, r.id);
      for (const { row } of withHistory) {
        const itemId = idOf.get(row.externalId)!;
        // Oldest first across annotators, each annotator's versions in order (the trigger checks).
        const ordered = [...row.annotations].sort((a, b) => a.version - b.version || a.createdAt.localeCompare(b.createdAt));
        for (const a of ordered) {
          insertAnnotation.run(itemId, input.projectId, userId(a), a.version, a.status, JSON.stringify(a.labels), ...labelColumns(a), a.timeSpentMs, a.createdAt);
          labelsImported += 1;
        }
        for (const flag of row.flags) flagsImported += insertFlag.run(itemId, userId(flag), flag.note, flag.createdAt).changes;
      }
    }
    indexBatch.run(importId);
    countBatch.run(written, withImage, input.projectId);
    unmarkBulk.run(input.projectId);
    const outcome = { importId, imported: written, images: images.size, labelsImported, flagsImported };
    updateBatch.run(JSON.stringify(finalReport(outcome)), importId);
    return outcome;
  });
}
