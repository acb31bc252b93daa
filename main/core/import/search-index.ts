/**
 * Filling the search index (item_fts) for an import batch after its items have committed, a
 * slice of ids per short transaction, so a 100,000-item import never holds the writer for the
 * seconds the trigram index takes. The batch's progress is kept in its report JSON
 * (`searchIndex.nextId`), written in the same transaction as each slice: an interrupted studio
 * resumes where it stopped (resumePendingSearchIndex, run when the studio opens).
 */
import type { WritableDB } from '../../../db/handles.js';

export interface SearchIndexProgress {
  done: boolean;
  /** Items of the batch with an id at or above this are not indexed yet. */
  nextId: number;
}

const IDS_PER_SLICE = 4000;

export function pendingSearchIndex(): SearchIndexProgress {
  return { done: false, nextId: 0 };
}

function readProgress(db: WritableDB, importId: number): SearchIndexProgress | null {
  const row = db.prepare<{ progress: string | null }>("SELECT json_extract(report, '$.searchIndex') AS progress FROM import_batch WHERE id = ?").get(importId);
  if (!row?.progress) return null;
  return JSON.parse(row.progress) as SearchIndexProgress;
}

/** Indexes the batch's items not indexed yet; returns when they all are. */
export async function indexImportBatch(db: WritableDB, importId: number, yieldNow: () => Promise<void>): Promise<void> {
  const nextIds = db.prepare<{ id: number }>(`SELECT id FROM item WHERE import_id = ? AND id >= ? ORDER BY id LIMIT 1 OFFSET ${IDS_PER_SLICE}`);
  const index = db.prepare('INSERT INTO item_fts (rowid, text, external_id) SELECT id, text, external_id FROM item WHERE import_id = ? AND id >= ? AND id < ?');
  const save = db.prepare("UPDATE import_batch SET report = json_set(report, '$.searchIndex', json(?)) WHERE id = ?");
  for (;;) {
    const progress = readProgress(db, importId);
    if (!progress || progress.done) return;
    const boundary = nextIds.get(importId, progress.nextId)?.id ?? null;
    db.transaction(() => {
      index.run(importId, progress.nextId, boundary ?? Number.MAX_SAFE_INTEGER);
      const next: SearchIndexProgress = boundary === null ? { done: true, nextId: 0 } : { done: false, nextId: boundary };
      save.run(JSON.stringify(next), importId);
    });
    if (boundary === null) return;
    await yieldNow();
  }
}

/** Finishes the search index of imports a previous run of the studio left half-indexed. */
export async function resumePendingSearchIndex(db: WritableDB, yieldNow: () => Promise<void>): Promise<number[]> {
  const pending = db
    .prepare<{ id: number }>("SELECT id FROM import_batch WHERE json_extract(report, '$.searchIndex.done') = 0 ORDER BY id")
    .all()
    .map((r) => r.id);
  for (const id of pending) await indexImportBatch(db, id, yieldNow);
  return pending;
}
