/**
 * Opens studio.db: a writer connection (migrations run here) and a separate read-only
 * connection for reads, so code holding only a ReadableDB cannot write even at runtime.
 */
import Database from 'better-sqlite3';
import type { StudioDb } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { MIGRATIONS, type Migration } from '../../../db/registry.js';
import { readableHandle, writableHandle } from './connection.js';
import { checkOnOpen } from './integrity.js';
import { migrate, schemaVersion, type MigrationOutcome } from './migrate.js';

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 .node build for another ABI (the Electron host passes one). */
  nativeBinding?: string;
  /** Tests substitute a registry; the studio always uses db/registry.ts. */
  migrations?: readonly Migration[];
  /** How long a statement waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Both connections read-only (commands that only read): no migration, no WAL setup, no write. */
  readonly?: boolean;
}

export interface OpenedDatabase extends StudioDb {
  migration: MigrationOutcome;
}

function nativeOptions(options: OpenDatabaseOptions, readonly: boolean): Database.Options {
  return {
    readonly,
    fileMustExist: readonly,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  };
}

function applyPragmas(native: Database.Database, busyTimeoutMs: number): void {
  native.pragma(`busy_timeout = ${busyTimeoutMs}`);
  native.pragma('foreign_keys = ON');
  // FULL: a commit is on disk before it returns, so a label survives a power cut once saved.
  native.pragma('synchronous = FULL');
}

function setUpWriter(writer: Database.Database, migrations: readonly Migration[]): MigrationOutcome {
  writer.pragma('journal_mode = WAL');
  // A big import grows the WAL; without a limit the file keeps that size on disk forever.
  writer.pragma('journal_size_limit = 67108864');
  return migrate(writer, migrations);
}

/** Read-only opens cannot migrate: an older schema is said, not silently read wrong. */
function requireCurrent(writer: Database.Database, file: string, migrations: readonly Migration[]): MigrationOutcome {
  const version = schemaVersion(writer);
  if (version !== migrations.length) {
    throw new StudioError(
      'unsupported',
      `${file} has schema ${version}, this studio ${migrations.length}; open it once with \`studio serve\` or the desktop app (which upgrades it), then run this command again`,
    );
  }
  return { from: version, to: version, applied: [] };
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const writer = new Database(file, nativeOptions(options, options.readonly === true));
  let reader: Database.Database | undefined;
  try {
    // Before anything writes: a damaged file is reported, with the way back, and left as it is.
    checkOnOpen(writer, file);
    applyPragmas(writer, busyTimeoutMs);
    const migration = options.readonly ? requireCurrent(writer, file, options.migrations ?? MIGRATIONS) : setUpWriter(writer, options.migrations ?? MIGRATIONS);
    reader = new Database(file, nativeOptions(options, true));
    applyPragmas(reader, busyTimeoutMs);
    const openReader = reader;
    return {
      read: readableHandle(openReader),
      write: writableHandle(writer),
      schemaVersion: schemaVersion(writer),
      migration,
      async backup(destination: string) {
        await writer.backup(destination);
      },
      close() {
        openReader.close();
        writer.close();
      },
    };
  } catch (err) {
    reader?.close();
    writer.close();
    throw err;
  }
}
