/**
 * Writes validated rows so that the import is all-or-nothing and the thread that answers the
 * UI is never held for long:
 *
 * 1. staging (a slice at a time, yielding between slices): rows go into a TEMP table of the
 *    writer connection. Temp tables are private to that connection and take no lock on the
 *    database, so no reader and no other writer sees them, and statements other services run
 *    between slices are unaffected;
 * 2. one transaction: the import batch, blob rows, annotators created by name, the items moved
 *    from the staging table by one INSERT ... SELECT (no per-row JavaScript), the project
 *    counters, the annotation history and flags. Either all of it commits or none of it;
 * 3. after the commit, the search index is filled a slice at a time (see search-index.ts); the
 *    items are browsable at once and searchable when it finishes, and a studio restarted in
 *    between finishes the job when it opens.
 *
 * A transaction cannot stay open across event-loop turns: other services' statements on the
 * same connection would join it (and be lost with it on a rollback).
 */
import type { WritableDB } from '../../../db/handles.js';
import type { ImportReport } from '../../../preload/contract/domain.js';
import { userNameKey } from '../services/users.js';
import type { ResolvedImage } from './images.js';
import type { RowAnnotation, RowFlag, ValidRow } from './row.js';
import { indexImportBatch, pendingSearchIndex } from './search-index.js';

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
  /** Rows staged so far, for progress. */
  onRows?: (written: number) => void;
  /** Lets other work run between slices. */
  yieldNow: () => Promise<void>;
}

export interface WriteOutcome {
  importId: number;
  imported: number;
  images: number;
  labelsImported: number;
  flagsImported: number;
}

const ROWS_PER_STATEMENT = 50;
const ROWS_PER_SLICE = 2000;
const STAGE_COLUMNS = 'external_id, text, image_sha256, source, split, task, tags, source_labels, extra, sensitive, content_hash';
const STAGE_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

function labelColumns(a: RowAnnotation): [number | null, string | null, number | null, string | null, string | null, string | null] {
  const l = a.labels;
  return [l.harmful === null ? null : l.harmful ? 1 : 0, l.riskCategory, l.severity, l.expected, l.jailbreakType, l.crossModalRisk];
}

/** Unique per call, so imports running side by side (CLI and demo, say) never share a table. */
function stageName(): string {
  return `import_stage_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

async function stageRows(db: WritableDB, table: string, input: WriteInput): Promise<void> {
  const insert = (count: number) => db.prepare(`INSERT INTO temp.${table} (${STAGE_COLUMNS}) VALUES ${Array(count).fill(STAGE_PLACEHOLDERS).join(', ')}`);
  for (let start = 0; start < input.rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = input.rows.slice(start, start + ROWS_PER_STATEMENT);
    const values: (string | number | null)[] = [];
    for (const { row, image, contentHash, sensitive } of chunk) {
      values.push(
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
      );
    }
    insert(chunk.length).run(...values);
    const staged = start + chunk.length;
    if (staged % ROWS_PER_SLICE < ROWS_PER_STATEMENT || staged === input.rows.length) {
      input.onRows?.(staged);
      await input.yieldNow();
    }
  }
}

function commitImport(db: WritableDB, table: string, input: WriteInput, finalReport: (outcome: WriteOutcome) => ImportReport): WriteOutcome {
  const insertBatch = db.prepare('INSERT INTO import_batch (project_id, source, report, created_at) VALUES (?, ?, ?, ?)');
  const updateBatch = db.prepare('UPDATE import_batch SET report = ? WHERE id = ?');
  const insertBlob = db.prepare('INSERT OR IGNORE INTO blob (sha256, mime, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const moveItems = db.prepare(
    `INSERT INTO item (project_id, ${STAGE_COLUMNS}, import_id, created_at)
     SELECT ?, ${STAGE_COLUMNS}, ?, ? FROM temp.${table} ORDER BY rowid`,
  );
  const itemIds = db.prepare<{ id: number; external_id: string }>('SELECT id, external_id FROM item WHERE import_id = ?');
  const findUser = db.prepare<{ id: number }>('SELECT id FROM user WHERE name_key = ?');
  const insertUser = db.prepare('INSERT INTO user (name, name_key, role, created_at) VALUES (?, ?, ?, ?)');
  const insertAnnotation = db.prepare(
    `INSERT INTO annotation (item_id, project_id, annotator_id, version, status, origin, labels, harmful, risk_category, severity, expected, jailbreak_type, cross_modal_risk, time_spent_ms, created_at)
     VALUES (?, ?, ?, ?, ?, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFlag = db.prepare('INSERT OR IGNORE INTO item_flag (item_id, annotator_id, note, created_at) VALUES (?, ?, ?, ?)');
  // See db/migrations/0002_bulk_import.ts: the per-row item trigger stands aside for the batch.
  const markBulk = db.prepare('INSERT INTO bulk_import (project_id) VALUES (?)');
  const unmarkBulk = db.prepare('DELETE FROM bulk_import WHERE project_id = ?');
  const countBatch = db.prepare('UPDATE project SET item_count = item_count + ?, image_count = image_count + ? WHERE id = ?');

  return db.transaction(() => {
    const importId = Number(insertBatch.run(input.projectId, input.source, '{}', input.now).lastInsertRowid);
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
    let withImage = 0;
    for (const { image } of input.rows) {
      if (!image) continue;
      withImage += 1;
      if (images.has(image.sha256)) continue;
      insertBlob.run(image.sha256, image.mime, image.width, image.height, image.bytes, input.now);
      images.add(image.sha256);
    }
    markBulk.run(input.projectId);
    const imported = moveItems.run(input.projectId, importId, input.now).changes;
    countBatch.run(imported, withImage, input.projectId);
    unmarkBulk.run(input.projectId);

    let labelsImported = 0;
    let flagsImported = 0;
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
    const outcome = { importId, imported, images: images.size, labelsImported, flagsImported };
    updateBatch.run(JSON.stringify({ ...finalReport(outcome), searchIndex: pendingSearchIndex() }), importId);
    return outcome;
  });
}

export async function writeImport(db: WritableDB, input: WriteInput, finalReport: (outcome: WriteOutcome) => ImportReport): Promise<WriteOutcome> {
  const table = stageName();
  db.exec(
    `CREATE TEMP TABLE ${table} (${STAGE_COLUMNS.split(', ')
      .map((c) => `${c} ${c === 'sensitive' ? 'INTEGER' : 'TEXT'}`)
      .join(', ')})`,
  );
  try {
    await stageRows(db, table, input);
    const outcome = commitImport(db, table, input, finalReport);
    await indexImportBatch(db, outcome.importId, input.yieldNow);
    return outcome;
  } finally {
    db.exec(`DROP TABLE IF EXISTS temp.${table}`);
  }
}
