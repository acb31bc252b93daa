/**
 * Backups of studio.db: an online copy through SQLite's backup API (labels keep being saved
 * meanwhile), checked with integrity_check before it gets its final name, plus a manifest beside
 * it. Blobs are not copied: they are content-addressed and never change or move, so the blobs/
 * folder already holds every image a backup refers to (`studio gc` keeps every blob a backup in
 * <data>/backups refers to). A copy to another disk needs blobs/ copied too (rsync -a).
 */
import { chmodSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StudioDb } from '../../../db/handles.js';
import { inspectDatabaseFile } from '../storage/index.js';
import type { DataPaths } from '../paths.js';
import { mkdirPrivateSync, PRIVATE_FILE, writePrivateFileSync } from '../private-files.js';

/** scheduled-: made by the schedule and pruned by it; studio-: by `studio backup`; pre-restore-: the file a restore replaced. */
export type BackupKind = 'scheduled' | 'studio' | 'pre-restore';

export interface BackupManifest {
  file: string;
  createdAt: string;
  schemaVersion: number;
  source: string;
  /** Images the backup refers to; they stay in `blobs` (not copied). */
  blobCount: number;
  blobs: string;
}

export interface BackupResult extends BackupManifest {
  path: string;
  manifestPath: string;
}

const BACKUP_FILE = /^(scheduled|studio|pre-restore)-(\d{8}T\d{6}(?:\d{3})?Z)\.db$/;

export function backupsDir(paths: DataPaths): string {
  return join(paths.root, 'backups');
}

export function backupFileName(kind: BackupKind, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${kind}-${stamp}.db`;
}

/** Copies the open database into `outDir` (default <data>/backups), checks the copy, writes the manifest. */
export async function createBackup(db: StudioDb, paths: DataPaths, options: { outDir?: string; kind?: BackupKind; now?: Date } = {}): Promise<BackupResult> {
  const outDir = options.outDir ?? backupsDir(paths);
  mkdirPrivateSync(outDir);
  const at = options.now ?? new Date();
  const name = backupFileName(options.kind ?? 'studio', at);
  const path = join(outDir, name);
  const temp = join(outDir, `.tmp-${name}`);
  try {
    await db.backup(temp);
    chmodSync(temp, PRIVATE_FILE);
    // A backup that cannot be restored is worse than none: check it before it counts as one.
    const info = inspectDatabaseFile(temp);
    renameSync(temp, path);
    const blobCount = db.read.prepare<{ n: number }>('SELECT count(*) AS n FROM blob').get()?.n ?? 0;
    const manifest: BackupManifest = { file: name, createdAt: at.toISOString(), schemaVersion: info.schemaVersion, source: paths.db, blobCount, blobs: paths.blobs };
    const manifestPath = `${path.slice(0, -3)}.json`;
    writePrivateFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return { ...manifest, path, manifestPath };
  } finally {
    rmSync(temp, { force: true });
  }
}

export interface BackupEntry {
  kind: BackupKind;
  path: string;
  /** The time in the name (sorts as it reads). */
  stamp: string;
}

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): BackupEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: BACKUP_FILE.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({ kind: match[1] as BackupKind, path: join(dir, name), stamp: match[2]! }))
    .sort((a, b) => a.stamp.localeCompare(b.stamp));
}

/** Removes the oldest scheduled backups (and their manifests) beyond `keep`; returns the files removed. */
export function pruneScheduledBackups(dir: string, keep: number): string[] {
  const scheduled = listBackups(dir).filter((b) => b.kind === 'scheduled');
  const removed = scheduled.slice(0, Math.max(0, scheduled.length - keep));
  for (const backup of removed) {
    rmSync(backup.path, { force: true });
    rmSync(`${backup.path.slice(0, -3)}.json`, { force: true });
  }
  return removed.map((b) => basename(b.path));
}
