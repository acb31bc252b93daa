/**
 * Commands that only read (`studio projects`, `stats`, `compare`) open studio.db read-only: they
 * work as before, a write through such a core is refused with the read-only sentence, and a
 * database that would need a migration is said, not upgraded behind the reader's back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../db/registry';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { openDatabase } from '../../main/core/storage/index';
import { StudioError } from '../../preload/contract/errors';
import { openTempCore, seedCount } from '../helpers/core';

let dir: string;
let dataDir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-read-only-'));
  dataDir = join(dir, 'data');
  const temp = await openTempCore({ dataDir });
  const project = await temp.call('createProject', { name: 'p' });
  seedCount(temp.core, project.id, 20);
  temp.close();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('read-only opens', () => {
  it('studio projects and stats read a read-only core and leave studio.db as it was', async () => {
    const before = readFileSync(join(dataDir, 'studio.db'));
    let out = '';
    const io: CliIo = { stdout: (s) => (out += s), stderr: (s) => (out += s), isTTY: false, env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' }, stop: new AbortController().signal };
    expect(await runCli(['projects', '--data-dir', dataDir, '--json'], io)).toBe(0);
    expect(out).toContain('"itemCount": 20');
    expect(await runCli(['stats', '--project', 'p', '--data-dir', dataDir], io)).toBe(0);
    expect(readFileSync(join(dataDir, 'studio.db')).equals(before)).toBe(true);
  });

  it('a write through a read-only core is refused with the sentence naming the file', async () => {
    const temp = await openTempCore({ dataDir, readOnly: true });
    try {
      expect((await temp.call('listProjects', {})).map((p) => p.name)).toEqual(['p']);
      const err = await temp.call('createProject', { name: 'q' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StudioError);
      expect((err as StudioError).message).toContain(`${join(dataDir, 'studio.db')} cannot be written`);
    } finally {
      temp.close();
    }
  });

  it('a database that needs a migration is not upgraded by a read-only open', () => {
    const later = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'later', up: 'CREATE TABLE later (x INTEGER)' }];
    expect(() => openDatabase(join(dataDir, 'studio.db'), { readonly: true, migrations: later })).toThrow(
      `has schema ${MIGRATIONS.length}, this studio ${MIGRATIONS.length + 1}; open it once with \`studio serve\``,
    );
  });
});
