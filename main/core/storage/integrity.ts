/**
 * Is studio.db a sound database? On open every file gets the cheap check (SQLite reads the header
 * and the schema: "not a database" shows at once) and files up to QUICK_CHECK_MAX_BYTES also get
 * PRAGMA quick_check, which reads every page: measured (tests/perf/integrity-check.perf.ts) at
 * about 550 ms for a 73 MB, 100,000-item studio.db, too slow for every CLI command on a big one, so
 * above the limit the full check runs on demand (`studio backup` and `studio restore` check the copy).
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StudioError } from '../../../preload/contract/errors.js';
import { damagedDatabaseMessage } from '../storage-errors.js';

/** About 250 ms of quick_check on a loaded machine. */
export const QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024;

/** header: the header and schema only; quick: quick_check (every page); full: integrity_check (indexes too). */
export type IntegrityLevel = 'header' | 'quick' | 'full';

/** The first problem SQLite finds, or null when the database is sound. */
export function integrityProblem(native: Database.Database, level: IntegrityLevel): string | null {
  if (level === 'header') return null;
  const rows = native.pragma(level === 'full' ? 'integrity_check(1)' : 'quick_check(1)') as { quick_check?: string; integrity_check?: string }[];
  const first = rows[0]?.quick_check ?? rows[0]?.integrity_check ?? 'no answer from the check';
  return first === 'ok' ? null : first;
}

/** Throws the damaged-database StudioError naming `file` when the check finds a problem. */
export function requireIntact(native: Database.Database, file: string, level: IntegrityLevel): void {
  let problem: string | null;
  try {
    // Reading the schema is what fails first on a file that is not a database at all.
    native.pragma('schema_version', { simple: true });
    problem = integrityProblem(native, level);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') problem = err instanceof Error ? err.message : String(err);
    else throw err;
  }
  if (problem !== null) throw new StudioError('internal', damagedDatabaseMessage(file, problem));
}

/** The check on open: quick_check when the file is small enough for it to be cheap. */
export function checkOnOpen(native: Database.Database, file: string): void {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    return; // A new database: nothing to check.
  }
  if (size === 0) return;
  if (size <= QUICK_CHECK_MAX_BYTES) requireIntact(native, file, 'quick');
  else requireIntact(native, file, 'header');
}

export interface DatabaseFileInfo {
  schemaVersion: number;
}

/**
 * Opens a database file read-only (a backup before it is restored) and runs the full
 * integrity_check; throws the damaged-database StudioError naming it when it is not sound.
 */
export function inspectDatabaseFile(file: string, nativeBinding?: string): DatabaseFileInfo {
  let native: Database.Database;
  try {
    native = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (err) {
    throw new StudioError('not_found', `${file} cannot be opened as a database (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    requireIntact(native, file, 'full');
    return { schemaVersion: native.pragma('user_version', { simple: true }) as number };
  } finally {
    native.close();
  }
}

/**
 * True when another connection (another studio process) has `file` open. In WAL mode every open
 * connection keeps a shared lock, so an exclusive transaction with no wait is refused exactly then.
 */
export function heldByAnotherConnection(file: string, nativeBinding?: string): boolean {
  const native = new Database(file, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    native.pragma('busy_timeout = 0');
    native.pragma('locking_mode = EXCLUSIVE');
    native.exec('BEGIN EXCLUSIVE');
    native.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    native.close();
  }
}

/** The blob hashes a database file (a backup) refers to; throws when it cannot be read. */
export function readBlobReferences(file: string, nativeBinding?: string): string[] {
  const native = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    return native.prepare('SELECT sha256 FROM blob UNION SELECT image_sha256 FROM item WHERE image_sha256 IS NOT NULL').pluck().all() as string[];
  } finally {
    native.close();
  }
}
