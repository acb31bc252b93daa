import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../main/core/storage/index.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../db/registry.js';
import { StudioError } from '../../preload/contract/errors.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

let dir: TempDir;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = join(dir.path, 'studio.db');
});
afterEach(() => dir.cleanup());

function tableNames(path: string): string[] {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    raw.close();
  }
}

describe('openDatabase', () => {
  it('creates a fresh database at the latest schema version', () => {
    const db = openDatabase(file);
    try {
      expect(db.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(db.migration).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: MIGRATIONS.map((m) => `${m.version}_${m.name}`) });
    } finally {
      db.close();
    }
    expect(tableNames(file)).toEqual(expect.arrayContaining(['user', 'project', 'blob', 'item', 'annotation', 'annotation_head', 'queue_skip', 'item_flag', 'export', 'import_batch']));
  });

  it('reopens idempotently without re-running migrations and keeps data', () => {
    const first = openDatabase(file);
    first.write.prepare("INSERT INTO user (name, name_key, role, created_at) VALUES ('Ada', 'ada', 'admin', 'now')").run();
    first.close();
    const second = openDatabase(file);
    try {
      expect(second.migration.applied).toEqual([]);
      expect(second.migration.from).toBe(LATEST_SCHEMA_VERSION);
      expect(second.read.prepare<{ n: number }>('SELECT count(*) AS n FROM user').get()?.n).toBe(1);
    } finally {
      second.close();
    }
  });

  it('sets WAL, foreign keys, synchronous=FULL and a busy timeout', () => {
    const db = openDatabase(file);
    try {
      const pragma = (name: string) => Object.values(db.read.prepare<Record<string, unknown>>(`PRAGMA ${name}`).get() ?? {})[0];
      expect(pragma('journal_mode')).toBe('wal');
      expect(pragma('foreign_keys')).toBe(1);
      expect(pragma('synchronous')).toBe(2); // FULL
      expect(pragma('busy_timeout')).toBe(5000);
      const writerPragma = (name: string) => Object.values(db.write.prepare<Record<string, unknown>>(`PRAGMA ${name}`).get() ?? {})[0];
      expect(writerPragma('foreign_keys')).toBe(1);
      expect(writerPragma('synchronous')).toBe(2);
      expect(writerPragma('journal_size_limit')).toBe(64 * 1024 * 1024);
    } finally {
      db.close();
    }
  });

  it('enforces foreign keys', () => {
    const db = openDatabase(file);
    try {
      expect(() => db.write.prepare("INSERT INTO import_batch (project_id, source, report, created_at) VALUES (999, 'x', '{}', 'now')").run()).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  it('gives readers a connection that cannot write', () => {
    const db = openDatabase(file);
    try {
      // RETURNING makes an INSERT callable through get(), the only way a reader could try
      expect(() => db.read.prepare("INSERT INTO user (name, name_key, role, created_at) VALUES ('x', 'x', 'admin', 'now') RETURNING id").get()).toThrow(/readonly/i);
      expect('run' in db.read.prepare('SELECT 1')).toBe(false);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer studio, naming both versions, and leaves it untouched', () => {
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    let caught: unknown;
    try {
      openDatabase(file).close();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StudioError);
    expect((caught as StudioError).code).toBe('unsupported');
    expect((caught as StudioError).message).toBe(`studio.db was written by a newer COSMO Studio (schema ${LATEST_SCHEMA_VERSION + 5} > ${LATEST_SCHEMA_VERSION}); upgrade the studio`);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5);
    check.close();
  });

  it('rolls back every pending migration when one fails', () => {
    const good: Migration = { version: 1, name: 'good', up: 'CREATE TABLE a (x INTEGER);' };
    const alsoGood: Migration = { version: 2, name: 'also_good', up: 'CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1);' };
    const bad: Migration = { version: 3, name: 'bad', up: 'CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1);' };
    expect(() => openDatabase(file, { migrations: [good, alsoGood, bad] })).toThrow(/migration 3 \(bad\) failed: no such table: nowhere/);
    expect(existsSync(file)).toBe(true);
    expect(tableNames(file)).toEqual([]);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    raw.close();
    // and the good ones apply once the bad one is fixed
    const db = openDatabase(file, { migrations: [good, alsoGood, { ...bad, up: 'CREATE TABLE c (x INTEGER);' }] });
    expect(db.schemaVersion).toBe(3);
    db.close();
  });

  it('applies only the pending migrations to an older database', () => {
    const one: Migration = { version: 1, name: 'one', up: 'CREATE TABLE a (x INTEGER);' };
    const two: Migration = { version: 2, name: 'two', up: 'ALTER TABLE a ADD COLUMN y INTEGER;' };
    openDatabase(file, { migrations: [one] }).close();
    const db = openDatabase(file, { migrations: [one, two] });
    expect(db.migration).toEqual({ from: 1, to: 2, applied: ['2_two'] });
    db.close();
  });

  it('refuses a registry with gaps or out of order', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: 'SELECT 1;' });
    expect(() => openDatabase(file, { migrations: [m(1), m(3)] })).toThrow(/out of order: position 2 holds version 3/);
  });

  it('rolls back a write transaction that throws', () => {
    const db = openDatabase(file);
    try {
      expect(() =>
        db.write.transaction(() => {
          db.write.prepare("INSERT INTO user (name, name_key, role, created_at) VALUES ('A', 'a', 'admin', 'now')").run();
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(db.read.prepare<{ n: number }>('SELECT count(*) AS n FROM user').get()?.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
