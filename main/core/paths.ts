/** Where a studio keeps its files inside one data directory. */
import { join, resolve } from 'node:path';
import { mkdirPrivateSync } from './private-files.js';

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

/**
 * Creates the data directory and its folders (idempotent), 0700 whatever the umask; folders made
 * by an older version with looser modes are tightened on every open.
 */
export function ensureDataDirs(paths: DataPaths): void {
  for (const dir of [paths.root, paths.blobs, paths.uploads, paths.exports, paths.runs, paths.models]) {
    mkdirPrivateSync(dir);
  }
}
