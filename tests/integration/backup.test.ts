/**
 * `studio backup` / `studio restore` and the scheduled backups: an online copy taken while a core
 * has the database open, checked; a restore that checks the backup, refuses while another
 * connection holds studio.db, and keeps the file it replaces; the schedule keeps N deep.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { createBackup, listBackups } from '../../main/core/backup/backups';
import { openTempCore, seedCount } from '../helpers/core';

let dir: string;
let dataDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'studio-backup-'));
  dataDir = join(dir, 'data');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' }, stop: new AbortController().signal },
    out: () => out,
    err: () => err,
  };
}

async function projectNames(): Promise<string[]> {
  const temp = await openTempCore({ dataDir });
  try {
    return (await temp.call('listProjects', {})).map((p) => p.name).sort();
  } finally {
    temp.close();
  }
}

describe('studio backup and studio restore', () => {
  it('backs up while a core has the database open, and restores it, keeping the file it replaced', async () => {
    const temp = await openTempCore({ dataDir });
    const project = await temp.call('createProject', { name: 'before' });
    seedCount(temp.core, project.id, 200);
    const run = cli();
    // The core stays open: the backup is online.
    expect(await runCli(['backup', '--data-dir', dataDir, '--out', join(dir, 'copies')], run.io)).toBe(0);
    const [backup] = listBackups(join(dir, 'copies'));
    expect(backup?.kind).toBe('studio');
    expect(run.out()).toContain(`to ${backup!.path}`);
    const manifest = JSON.parse(readFileSync(`${backup!.path.slice(0, -3)}.json`, 'utf8')) as { schemaVersion: number; source: string };
    expect(manifest.source).toBe(join(dataDir, 'studio.db'));
    await temp.call('createProject', { name: 'after' });
    temp.close();

    const restore = cli();
    expect(await runCli(['restore', backup!.path, '--data-dir', dataDir], restore.io)).toBe(0);
    expect(await projectNames()).toEqual(['before']);
    const previous = listBackups(join(dataDir, 'backups')).find((b) => b.kind === 'pre-restore');
    expect(previous).toBeDefined();
    expect(restore.out()).toContain(previous!.path);
    // The replaced file is whole: restoring it brings "after" back.
    expect(await runCli(['restore', previous!.path, '--data-dir', dataDir], cli().io)).toBe(0);
    expect(await projectNames()).toEqual(['after', 'before']);
  });

  it('refuses while another connection has studio.db open, and changes nothing', async () => {
    const temp = await openTempCore({ dataDir });
    await temp.call('createProject', { name: 'live' });
    const made = await createBackup(temp.core.context.db, temp.core.paths, { outDir: join(dir, 'copies') });
    try {
      const run = cli();
      expect(await runCli(['restore', made.path, '--data-dir', dataDir], run.io)).toBe(1);
      expect(run.err()).toContain(`${join(dataDir, 'studio.db')} is open in another studio process`);
      expect(listBackups(join(dataDir, 'backups'))).toEqual([]);
    } finally {
      temp.close();
    }
    expect(await projectNames()).toEqual(['live']);
  });

  it('checks the backup first: a damaged one is named and studio.db is left as it was', async () => {
    const temp = await openTempCore({ dataDir });
    await temp.call('createProject', { name: 'kept' });
    temp.close();
    const bad = join(dir, 'bad.db');
    writeFileSync(bad, 'SQLite format 3\0'.padEnd(8192, 'x'));
    const run = cli();
    expect(await runCli(['restore', bad, '--data-dir', dataDir], run.io)).toBe(1);
    expect(run.err()).toContain(bad);
    expect(run.err()).not.toMatch(/unexpected error/);
    expect(await projectNames()).toEqual(['kept']);
    expect(existsSync(join(dataDir, 'backups'))).toBe(false);
  });
});

describe('scheduled backups', () => {
  it('back up on start when the newest is older than the interval, keeping N deep', async () => {
    const first = await openTempCore({ dataDir });
    await first.call('createProject', { name: 'scheduled' });
    for (const year of [2020, 2021, 2022]) {
      await createBackup(first.core.context.db, first.core.paths, { kind: 'scheduled', now: new Date(`${year}-01-01T00:00:00Z`) });
    }
    first.close();
    const temp = await openTempCore({ dataDir, backups: { everyHours: 1, keep: 2 } });
    try {
      const dir = join(dataDir, 'backups');
      for (let i = 0; i < 100 && !listBackups(dir).some((b) => b.stamp.startsWith(String(new Date().getUTCFullYear()))); i += 1) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const scheduled = listBackups(dir).filter((b) => b.kind === 'scheduled');
      expect(scheduled.map((b) => b.stamp.slice(0, 4))).toEqual(['2022', String(new Date().getUTCFullYear())]);
      expect(existsSync(join(dir, `${scheduled[0]!.path.split('/').pop()!.slice(0, -3)}.json`))).toBe(true);
      expect(existsSync(join(dir, 'scheduled-20200101T000000000Z.json'))).toBe(false);
    } finally {
      temp.close();
    }
  });
});
