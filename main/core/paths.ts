/** Where a studio keeps its files inside one data directory. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DataPaths {
  root: string;
  /** The SQLite database (WAL files sit beside it). */
  db: string;
  /** Content-addressed images and other assets (blobs/ab/abcdef...). */
  blobs: string;
  /** Files received through beginUpload/uploadFile, before an import reads them. */
  uploads: string;
  exports: string;
  runs: string;
  models: string;
}

export function dataPaths(dataDir: string): DataPaths {
  const root = resolve(dataDir);
  return {
    root,
    db: join(root, 'studio.db'),
    blobs: join(root, 'blobs'),
    uploads: join(root, 'uploads'),
    exports: join(root, 'exports'),
    runs: join(root, 'runs'),
    models: join(root, 'models'),
  };
}

/** Creates the data directory and its folders (idempotent). */
export function ensureDataDirs(paths: DataPaths): void {
  for (const dir of [paths.root, paths.blobs, paths.uploads, paths.exports, paths.runs, paths.models]) {
    mkdirSync(dir, { recursive: true });
  }
}
