/**
 * Storage and file-system failures reach people as sentences naming the path and saying what to
 * do, from the core's handlers and from the CLI: a damaged studio.db (said at once on open), a
 * read-only connection, a full database, a lock another process holds, a file where a folder
 * should be, a full disk. Tests run as root here, so a chmod-ed folder cannot be provoked; that
 * case runs only as another user.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../preload/contract/errors';
import { runCli } from '../../main/cli/run';
import type { CliIo } from '../../main/cli/io';
import { explainStorageError } from '../../main/core/storage-errors';
import { openTempCore, seedCount, type TempCore } from '../helpers/core';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'studio-storage-errors-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(): { io: CliIo; err: () => string } {
  let err = '';
  return {
    io: { stdout: () => {}, stderr: (s) => (err += s), isTTY: false, env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' }, stop: new AbortController().signal },
    err: () => err,
  };
}

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  return err as StudioError;
}

async function seededDir(items: number): Promise<string> {
  const dataDir = join(dir, 'data');
  const temp = await openTempCore({ dataDir });
  const project = await temp.call('createProject', { name: 'p' });
  seedCount(temp.core, project.id, items);
  temp.close();
  return dataDir;
}

describe('a damaged studio.db', () => {
  it('that is not a database at all is named on open, with how to restore, and left as it was', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const db = join(dataDir, 'studio.db');
    const garbage = Buffer.from('this is not a database, it is a text file someone saved over it\n'.repeat(200));
    writeFileSync(db, garbage);
    const err = await failure(openTempCore({ dataDir }));
    expect(err.message).toContain(db);
    expect(err.message).toMatch(/damaged/);
    expect(err.message).toContain('studio restore');
    expect(err.message).toContain(join(dataDir, 'backups'));
    expect(readFileSync(db).equals(garbage)).toBe(true);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it('with damaged pages is found by the quick check on open (a small file)', async () => {
    const dataDir = await seededDir(3000);
    const db = join(dataDir, 'studio.db');
    const fd = openSync(db, 'r+');
    // Pages 6 to 20 (of 4096 bytes) hold item rows and indexes; scribble over them.
    writeSync(fd, Buffer.alloc(15 * 4096, 0x5a), 0, 15 * 4096, 5 * 4096);
    closeSync(fd);
    const err = await failure(openTempCore({ dataDir }));
    expect(err.message).toContain(`${db} is damaged`);
    expect(err.message).toContain('studio restore');
  });

  it('the CLI prints the sentence, not "unexpected error"', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'studio.db'), 'not sqlite'.repeat(100));
    const run = cli();
    expect(await runCli(['projects', '--data-dir', dataDir], run.io)).toBe(1);
    expect(run.err()).toContain(`${join(dataDir, 'studio.db')} is damaged`);
    expect(run.err()).not.toMatch(/unexpected error/);
  });
});

describe('SQLite failures from the handlers', () => {
  let temp: TempCore;
  beforeEach(async () => {
    temp = await openTempCore({ dataDir: join(dir, 'data') });
  });
  afterEach(() => temp.close());

  it('a full database names the file and says to free space, through the handler', async () => {
    const w = temp.core.context.db.write;
    const pages = w.prepare<{ page_count: number }>('PRAGMA page_count').get()!.page_count;
    w.exec(`PRAGMA max_page_count = ${pages}`);
    let err: unknown = null;
    // The first projects may fit into the free space of the last pages; soon one cannot.
    for (let i = 0; i < 500 && err === null; i += 1) {
      err = await temp.call('createProject', { name: `project ${i} ${'x'.repeat(80)}` }).then(
        () => null,
        (e: unknown) => e,
      );
    }
    w.exec('PRAGMA max_page_count = 1073741823');
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).message).toBe(`The disk holding ${temp.core.paths.db} is full; the change was not saved. Free some space on it and try again.`);
  });

  it('a write on a read-only connection names the file and says to make it writable', () => {
    let caught: unknown;
    try {
      temp.core.context.db.read.prepare(`INSERT INTO model (name) VALUES ('x') RETURNING id`).get();
    } catch (err) {
      caught = err;
    }
    expect((caught as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
    const explained = explainStorageError(caught, temp.core.paths.db);
    expect(explained?.message).toContain(`${temp.core.paths.db} cannot be written`);
  });

  it('a lock another process holds is a conflict naming the file, through the handler', async () => {
    const other = await openTempCore({ dataDir: temp.dataDir });
    try {
      other.core.context.db.write.exec('BEGIN IMMEDIATE');
      temp.core.context.db.write.exec('PRAGMA busy_timeout = 0');
      const err = await failure(temp.call('createProject', { name: 'locked out' }));
      expect(err.code).toBe('conflict');
      expect(err.message).toContain(`${temp.core.paths.db} is locked by another program`);
      other.core.context.db.write.exec('ROLLBACK');
    } finally {
      other.close();
    }
  });
});

describe('file-system failures', () => {
  it('a file where the data directory should be', async () => {
    const dataDir = join(dir, 'data');
    writeFileSync(dataDir, 'a file, not a folder');
    const run = cli();
    expect(await runCli(['projects', '--data-dir', dataDir], run.io)).toBe(1);
    expect(run.err()).toContain(dataDir);
    expect(run.err()).toMatch(/a file where a folder should be/);
    expect(run.err()).not.toMatch(/unexpected error/);
  });

  it('a file where a folder inside the data directory should be (blobs/)', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'blobs'), 'in the way');
    const err = await failure(openTempCore({ dataDir }));
    expect(err.message).toContain(join(dataDir, 'blobs'));
    expect(err.message).toMatch(/file where a folder should be/);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk names the path and says to free space', () => {
    let caught: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (err) {
      caught = err;
    }
    // write() errors carry no path: the data directory holding studio.db is named.
    expect(explainStorageError(caught, join(dir, 'studio.db'))?.message).toBe(`The disk holding ${dir} is full (or over its quota); nothing was written. Free some space on it and try again.`);
  });

  // Root ignores file modes, so this runs only as an ordinary user.
  it.skipIf(process.getuid?.() === 0)('a data directory this user may not write', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o500);
    try {
      const err = await failure(openTempCore({ dataDir }));
      expect(err.message).toContain(dataDir);
      expect(err.message).toMatch(/permission denied|cannot be (opened|written)/);
    } finally {
      chmodSync(dataDir, 0o700);
    }
  });
});
