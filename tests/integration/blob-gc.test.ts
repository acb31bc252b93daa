/**
 * Orphaned blobs: an import that commits nothing (a later row fails) leaves no image behind, and
 * `studio gc` removes old blobs no item refers to while keeping those studio.db or a backup in
 * <data>/backups refers to, and young ones an import elsewhere may still commit.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { createBackup } from '../../main/core/backup/backups';
import { importPath } from '../../main/core/import/index.js';
import { openTempCore, type TempCore } from '../helpers/core';

const FIGSTEP = join(__dirname, '../../demo-data/figstep-sample');

let dir: string;
let temp: TempCore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-gc-'));
  temp = await openTempCore({ dataDir: join(dir, 'data') });
});
afterEach(() => {
  temp.close();
  rmSync(dir, { recursive: true, force: true });
});

async function storedBlobs(): Promise<string[]> {
  const shas: string[] = [];
  for await (const blob of temp.core.blobs.list()) shas.push(blob.sha256);
  return shas.sort();
}

function age(sha: string, hours: number): void {
  const then = new Date(Date.now() - hours * 3_600_000);
  utimesSync(temp.core.blobs.path(sha), then, then);
}

describe('blobs of a rejected import', () => {
  it('are removed when a later row fails and the import commits nothing', async () => {
    const folder = join(dir, 'figstep');
    cpSync(FIGSTEP, folder, { recursive: true });
    appendFileSync(join(folder, 'items.jsonl'), '{"id": "last", "text": 42}\n');
    const p = await temp.call('createProject', { name: 'p' });
    const report = await importPath(temp.core.context, { projectId: p.id, path: folder });
    expect(report.committed).toBe(false);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(await storedBlobs()).toEqual([]);
  });
});

describe('studio gc', () => {
  function cli(): { io: CliIo; out: () => string } {
    let out = '';
    return { io: { stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' }, stop: new AbortController().signal }, out: () => out };
  }

  it('removes old unreferenced blobs, keeps referenced, backed-up and young ones', async () => {
    const p = await temp.call('createProject', { name: 'p' });
    const report = await importPath(temp.core.context, { projectId: p.id, path: FIGSTEP });
    expect(report.committed).toBe(true);
    const referenced = await storedBlobs();
    expect(referenced.length).toBeGreaterThan(0);
    for (const sha of referenced) age(sha, 48);
    const orphan = (await temp.core.blobs.put(Buffer.from('an orphan left by an import that failed'))).sha256;
    const young = (await temp.core.blobs.put(Buffer.from('an import in another process is about to commit this'))).sha256;
    age(orphan, 2);

    const run = cli();
    expect(await runCli(['gc', '--data-dir', temp.dataDir], run.io)).toBe(0);
    expect(run.out()).toContain('Removed 1 images');
    expect(await storedBlobs()).toEqual([...referenced, young].sort());

    // A blob only a backup still refers to stays until that backup is gone.
    const backup = await createBackup(temp.core.context.db, temp.core.paths, { kind: 'scheduled' });
    temp.core.context.db.write.exec('UPDATE item SET image_sha256 = NULL; DELETE FROM blob;');
    expect(await runCli(['gc', '--data-dir', temp.dataDir], cli().io)).toBe(0);
    expect(await storedBlobs()).toEqual([...referenced, young].sort());
    rmSync(backup.path);
    expect(await runCli(['gc', '--data-dir', temp.dataDir, '--min-age-hours', '0'], cli().io)).toBe(0);
    expect(await storedBlobs()).toEqual([]);
  });
});
