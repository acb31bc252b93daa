/**
 * Storage and file-system failures as sentences a person can act on: each names the path and says
 * what to do (a read-only folder, a full disk, a database another program holds, a file where a
 * folder should be, a damaged database). One place, used by the core's handlers (both hosts), the
 * open path and the CLI, so nobody ever sees "unexpected error: SQLITE_FULL" or a raw errno.
 */
import { dirname, join } from 'node:path';
import { StudioError } from '../../preload/contract/errors.js';

interface CodedError {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  message?: unknown;
}

function codeOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as CodedError).code;
  return typeof code === 'string' ? code : null;
}

function pathOf(err: unknown): string | null {
  const path = (err as CodedError).path;
  return typeof path === 'string' ? path : null;
}

/** The message for a studio.db that cannot be read as a database, with the way back. */
export function damagedDatabaseMessage(dbFile: string, detail: string): string {
  const backups = join(dirname(dbFile), 'backups');
  return (
    `${dbFile} is damaged (${detail}); nothing was changed. Restore the newest backup with ` +
    `\`studio restore <backup file>\` (scheduled backups are kept in ${backups}), or move ${dbFile} aside to start with an empty studio.`
  );
}

function sqliteError(code: string, dbFile: string): StudioError | null {
  const dir = dirname(dbFile);
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, ...) share their base's remedy.
  const base = code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, '$1');
  switch (base) {
    case 'SQLITE_READONLY':
      return new StudioError(
        'internal',
        `${dbFile} cannot be written: it, or its folder ${dir}, is read-only (or this command opened it read-only). Make both writable for this user, or choose another data directory with --data-dir.`,
      );
    case 'SQLITE_FULL':
      return new StudioError('internal', `The disk holding ${dbFile} is full; the change was not saved. Free some space on it and try again.`);
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StudioError(
        'conflict',
        `${dbFile} is locked by another program (another studio, a backup or a database tool) and stayed locked; close that program, or wait for it to finish, and try again.`,
      );
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new StudioError('internal', damagedDatabaseMessage(dbFile, 'SQLite reports it is not a valid database'));
    case 'SQLITE_CANTOPEN':
      return new StudioError('internal', `${dbFile} cannot be opened: check that ${dir} is a folder (not a file) that this user can read and write.`);
    case 'SQLITE_IOERR':
      return new StudioError('internal', `Reading or writing ${dbFile} failed at the disk (${code}); check the disk and its free space, then try again.`);
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new StudioError('internal', `${dbFile}: permission denied; give this user read and write access to it and to ${dir}.`);
    default:
      return null;
  }
}

function fileSystemError(code: string, path: string): StudioError | null {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StudioError('internal', `The disk holding ${path} is full (or over its quota); nothing was written. Free some space on it and try again.`);
    case 'EROFS':
      return new StudioError('internal', `${path} is on a read-only file system; choose a data directory on a writable disk with --data-dir.`);
    case 'EACCES':
    case 'EPERM':
      return new StudioError('internal', `${path}: permission denied; give this user read and write access to it (chmod/chown), or choose another data directory with --data-dir.`);
    case 'ENOTDIR':
      return new StudioError('conflict', `${path}: part of this path is a file where a folder should be; move that file away and try again.`);
    case 'EEXIST':
      return new StudioError('conflict', `${path} already exists as a file where a folder should be (or the other way round); move it away and try again.`);
    case 'EISDIR':
      return new StudioError('conflict', `${path} is a folder where a file should be; move it away and try again.`);
    case 'ENAMETOOLONG':
      return new StudioError('invalid_input', `${path}: a name in this path is longer than the file system allows (255 bytes); use a shorter name.`);
    case 'EMFILE':
    case 'ENFILE':
      return new StudioError('internal', `Too many files are open to open ${path}; close other programs (or raise the limit with ulimit -n) and try again.`);
    default:
      return null;
  }
}

/**
 * The StudioError that explains a storage or file-system failure, or null when `err` is neither
 * (a bug stays a bug: the host logs it under a reference). SQLite errors carry no path: `dbFile`
 * names the database they came from.
 */
export function explainStorageError(err: unknown, dbFile: string): StudioError | null {
  if (err instanceof StudioError) return null;
  const code = codeOf(err);
  if (!code) return null;
  if (code.startsWith('SQLITE_')) return sqliteError(code, dbFile);
  const path = pathOf(err);
  if (path) return fileSystemError(code, path);
  // A failed write() carries no path; a full or read-only disk is then the data directory's.
  return ['ENOSPC', 'EDQUOT', 'EROFS'].includes(code) ? fileSystemError(code, dirname(dbFile)) : null;
}

/** Rethrows a storage failure as its sentence; anything else unchanged. */
export function rethrowExplained(err: unknown, dbFile: string): never {
  throw explainStorageError(err, dbFile) ?? err;
}

/** Runs `fn` (sync or async) with storage failures turned into their sentences. */
export function explainingStorageErrors<A extends unknown[], R>(fn: (...args: A) => R, dbFile: string): (...args: A) => R {
  return (...args: A): R => {
    let result: R;
    try {
      result = fn(...args);
    } catch (err) {
      rethrowExplained(err, dbFile);
    }
    if (result instanceof Promise) return result.catch((err: unknown) => rethrowExplained(err, dbFile)) as R;
    return result;
  };
}
