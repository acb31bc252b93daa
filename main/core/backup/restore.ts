/**
 * `studio restore FILE`: puts a backup in place of studio.db. The backup is checked first
 * (integrity_check, a schema this studio can read); a studio.db another process has open (the
 * server, the desktop app) is refused; the file being replaced is kept as a pre-restore- backup
 * (or, when it is damaged, moved aside as it is), so a restore never loses anything.
 */
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../db/registry.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { DataPaths } from '../paths.js';
import { mkdirPrivateSync, PRIVATE_FILE } from '../private-files.js';
import { heldByAnotherConnection, inspectDatabaseFile } from '../storage/index.js';
import { backupFileName, backupsDir } from './backups.js';

export interface RestoreResult {
  restored: string;
  schemaVersion: number;
  /** Where the replaced studio.db went (null when there was none). */
  previous: string | null;
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Moves the current studio.db (and any -wal/-shm) to `target`; a sound one was checkpointed on close. */
function moveCurrentAside(paths: DataPaths, target: string): void {
  renameSync(paths.db, target);
  for (const suffix of ['-wal', '-shm']) {
    const side = `${paths.db}${suffix}`;
    // A WAL left beside the restored file would be replayed onto it: it goes with the old file.
    if (existsSync(side)) renameSync(side, `${target}${suffix}`);
  }
}

export function restoreBackup(paths: DataPaths, backupFile: string, now: Date = new Date()): RestoreResult {
  if (!existsSync(backupFile) || !statSync(backupFile).isFile()) throw new StudioError('not_found', `${backupFile} does not exist or is not a file`);
  const info = inspectDatabaseFile(backupFile);
  if (info.schemaVersion > MIGRATIONS.length) {
    throw new StudioError('unsupported', `${backupFile} was written by a newer COSMO Studio (schema ${info.schemaVersion} > ${MIGRATIONS.length}); upgrade the studio first`);
  }
  const dir = backupsDir(paths);
  mkdirPrivateSync(dir);
  let previous: string | null = null;
  if (existsSync(paths.db) && statSync(paths.db).size > 0) {
    let sound = true;
    try {
      if (heldByAnotherConnection(paths.db)) {
        throw new StudioError('conflict', `${paths.db} is open in another studio process (studio serve or the desktop app); close it, then run studio restore again`);
      }
      inspectDatabaseFile(paths.db);
    } catch (err) {
      if (err instanceof StudioError && err.code === 'conflict') throw err;
      sound = false;
    }
    previous = join(dir, sound ? backupFileName('pre-restore', now) : `damaged-${backupFileName('pre-restore', now)}`);
    moveCurrentAside(paths, previous);
  }
  const temp = `${paths.db}.restore-tmp`;
  copyFileSync(backupFile, temp);
  chmodSync(temp, PRIVATE_FILE);
  fsyncFile(temp);
  renameSync(temp, paths.db);
  rmSync(temp, { force: true });
  return { restored: backupFile, schemaVersion: info.schemaVersion, previous };
}
