/**
 * `studio train` and `studio runs`, in-process through runCli over a temp data dir, with the real
 * worker on the tiny model (tests/helpers/python.ts finds the worker's Python).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import type { CliIo } from '../../main/cli/io.js';
import { runCli } from '../../main/cli/run.js';
import { openTempCore } from '../helpers/core.js';
import { labelledProject } from './training-project.js';

const python = workerPython('torch, trl');

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false, env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' }, stop: new AbortController().signal },
    out: () => out,
    err: () => err,
  };
}

describe.skipIf(!python)('studio train / studio runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-train-cli-'));
  const dataDir = join(dir, 'data');
  const saved = process.env.STUDIO_PYTHON;
  beforeAll(async () => {
    process.env.STUDIO_PYTHON = python!;
    const t = await openTempCore({ dataDir, keepDir: true });
    await labelledProject(t);
    t.close();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.STUDIO_PYTHON;
    else process.env.STUDIO_PYTHON = saved;
  });

  it('trains the quick preset headless, printing progress and metrics, then lists the run', async () => {
    const c = capture();
    const code = await runCli(['train', '--project', 'train me', '--preset', 'quick', '--data-dir', dataDir], c.io);
    expect(code, c.err()).toBe(0);
    expect(c.out()).toMatch(/^step 1 .*loss=/m);
    expect(c.out()).toMatch(/^step 4 /m);
    expect(c.err()).toMatch(/run 1 \((queued|running)\): snapshot [0-9a-f]{12} with 5 items/);
    expect(c.err()).toContain('stage2 step 4/4');
    expect(c.err()).toMatch(/checkpoint: model \d+ \(step 2\)/);
    expect(c.err()).toContain('run 1 completed: Completed 4 of 4 steps.');

    const runs = capture();
    expect(await runCli(['runs', '--data-dir', dataDir], runs.io)).toBe(0);
    expect(runs.out()).toMatch(/^1\tcompleted\t4\/4\tquick · Tiny Qwen2-VL/m);
    const models = capture();
    expect(await runCli(['runs', '--models', '--json', '--data-dir', dataDir], models.io)).toBe(0);
    const list = JSON.parse(models.out()) as { kind: string; step: number | null }[];
    expect(list.filter((m) => m.kind === 'checkpoint').map((m) => m.step)).toEqual([2, 4]);
  }, 180_000);

  it('refuses a settings file with a bad field, naming the file and the field', async () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ stages: [{ name: 'stage2', steps: 0, task_mix: { safety: 1 } }] }));
    const c = capture();
    const code = await runCli(['train', '--project', 'train me', '--config', file, '--data-dir', dataDir], c.io);
    expect(code).toBe(1);
    expect(c.err()).toContain(`${file}: stages[0].steps: must be > 0`);
  });

  it('says which projects exist when the name is wrong', async () => {
    const c = capture();
    expect(await runCli(['train', '--project', 'nope', '--data-dir', dataDir], c.io)).toBe(1);
    expect(c.err()).toContain('There is no project called "nope"');
  });
});
