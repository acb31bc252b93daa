/**
 * Typed database handles the core passes around (after Signal Desktop's ReadableDB / WritableDB).
 *
 * They are structural interfaces so that db/ does not import better-sqlite3: the storage layer
 * (main/core/storage/) wraps a better-sqlite3 connection into these shapes. A ReadableDB is a
 * separate read-only connection, so a reader cannot write even by mistake at runtime (SQLite
 * refuses), and at compile time its statements have no `run`. A WritableDB is also readable, so
 * code holding the writer can call reader functions inside its transaction.
 */

/** A value SQLite can bind. Booleans must be stored as 0/1 by the caller. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** Positional parameters, or one object of named parameters (`@name` in the SQL). */
export type SqlParams = SqlValue[] | [Record<string, SqlValue>];

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface ReadStatement<Row = unknown> {
  get(...params: SqlParams): Row | undefined;
  all(...params: SqlParams): Row[];
  /** Do not prepare and iterate the same SQL while an iteration over it is still open. */
  iterate(...params: SqlParams): IterableIterator<Row>;
}

export interface WriteStatement<Row = unknown> extends ReadStatement<Row> {
  run(...params: SqlParams): RunResult;
}

export interface ReadableDB {
  readonly kind: 'readable' | 'writable';
  /** Prepared statements are cached per connection, keyed by SQL text. */
  prepare<Row = unknown>(sql: string): ReadStatement<Row>;
}

export interface WritableDB extends ReadableDB {
  readonly kind: 'writable';
  prepare<Row = unknown>(sql: string): WriteStatement<Row>;
  /**
   * Runs fn inside one IMMEDIATE transaction (a savepoint when already inside one) and commits
   * before returning; throws and rolls back everything if fn throws. With synchronous=FULL the
   * commit is on disk when this returns.
   */
  transaction<T>(fn: () => T): T;
  /** Runs SQL with no parameters (schema changes, pragmas). */
  exec(sql: string): void;
}

/** Both connections of one studio database. */
export interface StudioDb {
  read: ReadableDB;
  write: WritableDB;
  /** The schema version (PRAGMA user_version) after migrations. */
  schemaVersion: number;
  /** An online copy of the whole database into `destination` (SQLite's backup API; writes go on meanwhile). */
  backup(destination: string): Promise<void>;
  close(): void;
}
