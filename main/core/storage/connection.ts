/**
 * Wraps a better-sqlite3 connection into the db/handles.ts shapes, with a per-connection cache
 * of prepared statements (preparing costs more than running most of our queries).
 */
import type Database from 'better-sqlite3';
import type { ReadableDB, ReadStatement, SqlParams, WritableDB, WriteStatement } from '../../../db/handles.js';

type Native = Database.Database;
type NativeStatement = Database.Statement<unknown[], unknown>;

class StatementCache {
  private readonly cache = new Map<string, NativeStatement>();
  constructor(private readonly native: Native) {}

  get(sql: string): NativeStatement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.native.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

function wrapStatement<Row>(stmt: NativeStatement): WriteStatement<Row> {
  return {
    get: (...params: SqlParams) => stmt.get(...params) as Row | undefined,
    all: (...params: SqlParams) => stmt.all(...params) as Row[],
    iterate: (...params: SqlParams) => stmt.iterate(...params) as IterableIterator<Row>,
    run: (...params: SqlParams) => stmt.run(...params),
  };
}

export function readableHandle(native: Native): ReadableDB {
  const cache = new StatementCache(native);
  return {
    kind: 'readable',
    prepare<Row>(sql: string): ReadStatement<Row> {
      const { get, all, iterate } = wrapStatement<Row>(cache.get(sql));
      return { get, all, iterate };
    },
  };
}

export function writableHandle(native: Native): WritableDB {
  const cache = new StatementCache(native);
  return {
    kind: 'writable',
    prepare: <Row>(sql: string) => wrapStatement<Row>(cache.get(sql)),
    // IMMEDIATE takes the write lock up front, so a transaction never fails half-way with
    // SQLITE_BUSY when it first writes; nested calls become savepoints.
    transaction: <T>(fn: () => T): T => native.transaction(fn).immediate(),
    exec: (sql: string) => {
      native.exec(sql);
    },
  };
}
