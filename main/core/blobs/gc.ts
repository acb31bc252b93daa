/**
 * Garbage collection of blobs: the images of an import that committed nothing (a later row
 * failed) are in the store but belong to no item. After such an import its own new blobs go at
 * once; `studio gc` sweeps the rest. A blob is kept while studio.db or any backup in
 * <data>/backups refers to it (a restore must find its images), and when younger than
 * `minAgeMs` (an import in another process may be about to commit it).
 */
import type { ReadableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { backupsDir, listBackups } from '../backup/backups.js';
import type { DataPaths } from '../paths.js';
import { readBlobReferences } from '../storage/index.js';
import type { BlobStore } from './store.js';

const REFERENCES_SQL = 'SELECT 1 AS x FROM blob WHERE sha256 = ? UNION ALL SELECT 1 FROM item WHERE image_sha256 = ? LIMIT 1';

/** Removes those of `shas` that no row refers to; returns how many went. */
export async function removeUnreferencedBlobs(db: ReadableDB, blobs: BlobStore, shas: readonly string[]): Promise<number> {
  let removed = 0;
  const referenced = db.prepare<{ x: number }>(REFERENCES_SQL);
  for (const sha of shas) {
    if (referenced.get(sha, sha)) continue;
    await blobs.remove(sha);
    removed += 1;
  }
  return removed;
}

export interface GcReport {
  removed: number;
  bytesFreed: number;
  kept: number;
  /** Unreferenced, but younger than the minimum age. */
  tooYoung: number;
}

export const GC_MIN_AGE_MS = 3_600_000;

export async function collectBlobGarbage(deps: { db: ReadableDB; blobs: BlobStore; paths: DataPaths }, options: { minAgeMs?: number; now?: number } = {}): Promise<GcReport> {
  const minAgeMs = options.minAgeMs ?? GC_MIN_AGE_MS;
  const now = options.now ?? Date.now();
  const inBackups = new Set<string>();
  for (const backup of listBackups(backupsDir(deps.paths))) {
    let shas: string[];
    try {
      shas = readBlobReferences(backup.path);
    } catch (err) {
      // Removing what an unreadable backup might need would be a guess: stop instead.
      throw new StudioError(
        'conflict',
        `${backup.path} cannot be read (${err instanceof Error ? err.message : String(err)}), so studio gc cannot tell which images it needs; move it out of ${backupsDir(deps.paths)} and run studio gc again`,
      );
    }
    for (const sha of shas) inBackups.add(sha);
  }
  const referenced = deps.db.prepare<{ x: number }>(REFERENCES_SQL);
  const report: GcReport = { removed: 0, bytesFreed: 0, kept: 0, tooYoung: 0 };
  for await (const { sha256, mtimeMs } of deps.blobs.list()) {
    if (inBackups.has(sha256) || referenced.get(sha256, sha256)) report.kept += 1;
    else if (now - mtimeMs < minAgeMs) report.tooYoung += 1;
    else {
      report.bytesFreed += await deps.blobs.remove(sha256);
      report.removed += 1;
    }
  }
  return report;
}
