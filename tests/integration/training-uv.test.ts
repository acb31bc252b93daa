/**
 * The studio's uv way of setting up the training environment (main/core/training/uv-sync.ts):
 * finding uv, the `uv sync` it runs against native-models/uv.lock, uv's output as progress, and
 * one real sync into a fresh venv with the uv scripts/python-env.sh uses (its cache copy, or
 * STUDIO_UV); that one is skipped only where no uv exists or COSMO_NO_UV=1 (the plain-pip fallback run).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRequirements } from '../../main/core/training/python-env.js';
import { UvProgress, cudaOnlyPackages, findUv, runUvSync, uvSyncPlan } from '../../main/core/training/uv-sync.js';

const WORKER_DIR = resolve(__dirname, '../../native-models');
const tmp = mkdtempSync(join(tmpdir(), 'studio-uv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (name: string) => readFileSync(join(WORKER_DIR, name), 'utf8');

/** The uv scripts/python-env.sh installs into the user's cache (scripts/python-uv.sh). */
function scriptUv(): string | null {
  if (process.env.COSMO_NO_UV === '1' || process.env.STUDIO_NO_UV === '1') return null; // the fallback run: no uv
  if (process.env.STUDIO_UV && existsSync(process.env.STUDIO_UV)) return process.env.STUDIO_UV;
  const version = /^COSMO_UV_VERSION=(\S+)$/m.exec(readFileSync(resolve(__dirname, '../../scripts/python-uv.sh'), 'utf8'))?.[1];
  const home = process.env.COSMO_UV_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cosmo-studio', `uv-${version}`);
  return existsSync(join(home, 'bin/uv')) ? join(home, 'bin/uv') : null;
}

describe('the locked requirements, as the studio reads them', () => {
  it('keeps pins with environment markers and holds no test tools', () => {
    const req = parseRequirements(read('requirements-cpu.txt'), 'requirements-cpu.txt');
    expect(req.pins).toContain("colorama==0.4.6 ; sys_platform == 'win32'");
    expect(req.torchPin).toBe('torch==2.13.0');
    const names = req.pins.map((p) => p.split('==')[0]);
    for (const tool of ['pytest', 'ruff', 'mypy', 'jsonschema']) expect(names).not.toContain(tool);
    expect(names.some((n) => n!.startsWith('nvidia-'))).toBe(false);
  });

  it('names the CUDA-only wheels from the CUDA export', () => {
    const names = cudaOnlyPackages(read('requirements-cuda.txt'));
    expect(names).toEqual(expect.arrayContaining(['triton', 'cuda-toolkit', 'nvidia-cudnn-cu13', 'nvidia-nccl-cu13']));
    expect(names).not.toContain('torch');
    expect(names).not.toContain('torchvision');
  });

  it('syncs the chosen extra from the frozen lock, without the dev group, the project or torch', () => {
    const cpu = uvSyncPlan({ workerDir: WORKER_DIR, venvDir: 'rel/venv', python: '/v/bin/python', variant: 'cpu', cudaOnly: ['triton'], env: {} });
    expect(cpu.args.slice(0, 3)).toEqual(['sync', '--project', WORKER_DIR]);
    expect(cpu.args).toEqual(expect.arrayContaining(['--frozen', '--inexact', '--no-install-project', '--no-dev']));
    expect(cpu.args.join(' ')).toContain('--extra cpu');
    expect(cpu.args.join(' ')).toContain('--no-install-package torch --no-install-package triton');
    expect(cpu.env.UV_PROJECT_ENVIRONMENT).toBe(resolve('rel/venv'));
    const cuda = uvSyncPlan({ workerDir: WORKER_DIR, venvDir: '/v', python: '/v/bin/python', variant: 'cuda', cudaOnly: ['triton'], env: {} });
    expect(cuda.args.join(' ')).toContain('--extra cuda');
    expect(cuda.args).not.toContain('triton');
  });

  it("turns uv's lines into a rising percentage", () => {
    const p = new UvProgress(4);
    expect(p.feed('Resolved 93 packages in 12ms')).toBe(true);
    expect(p.fraction).toBeCloseTo(0.05);
    expect(p.feed('Downloading sympy (6.0MiB)')).toBe(true);
    expect(p.message).toBe('Downloading sympy (6.0MiB)');
    p.feed(' Downloaded sympy');
    p.feed(' Downloaded networkx');
    expect(p.fraction).toBeCloseTo(0.05 + 0.75 * 0.5);
    expect(p.feed(' + accelerate==1.15.0')).toBe(false);
    p.feed('Prepared 7 packages in 1.54s');
    expect(p.fraction).toBe(0.85);
    p.feed('Installed 55 packages in 1.82s');
    expect(p.fraction).toBe(1);
  });
});

describe('finding uv', () => {
  const fake = join(tmp, 'fake-uv');
  writeFileSync(fake, '#!/bin/sh\necho "uv 0.13.9 (x86_64-unknown-linux-gnu)"\n');
  chmodSync(fake, 0o755);
  const notUv = join(tmp, 'not-uv');
  writeFileSync(notUv, '#!/bin/sh\necho "pip 24.0"\n');
  chmodSync(notUv, 0o755);

  it('takes STUDIO_UV, refuses a program that is not uv, and gives way to pip when asked', async () => {
    expect(await findUv({ STUDIO_UV: fake, PATH: '/nonexistent' })).toBe(fake);
    expect(await findUv({ STUDIO_UV: notUv, PATH: '/nonexistent' })).toBeNull();
    expect(await findUv({ STUDIO_UV: fake, STUDIO_NO_UV: '1' })).toBeNull();
    expect(await findUv({ STUDIO_UV: fake, COSMO_NO_UV: '1' })).toBeNull();
  });
});

describe('a real uv sync', () => {
  const uv = scriptUv();
  it.skipIf(!uv)(
    'installs the CPU part of the lock, exactly, with no test tools, no CUDA wheels and no torch',
    async () => {
      const venv = join(tmp, 'venv');
      // A venv on the base interpreter of the worker's (python-env.sh made it just before the tests).
      const worker = join(WORKER_DIR, '.venv/bin/python');
      execFileSync(existsSync(worker) ? worker : 'python3', ['-m', 'venv', venv]);
      const python = join(venv, 'bin/python');
      const cudaOnly = cudaOnlyPackages(read('requirements-cuda.txt'));
      const plan = uvSyncPlan({ workerDir: WORKER_DIR, venvDir: venv, python, variant: 'cpu', cudaOnly, env: process.env });
      const fractions: number[] = [];
      let log = '';
      const error = await runUvSync({ uv: uv!, plan, expected: 60, log: (t) => (log += t), onProgress: (f) => fractions.push(f), logPath: join(tmp, 'log') });
      expect(error, log).toBeNull();
      expect(fractions.at(-1)).toBe(1);
      const installed = execFileSync(
        python,
        ['-c', 'import importlib.metadata as m; print("\\n".join(sorted(d.metadata["Name"].lower().replace("_", "-") + "==" + d.version for d in m.distributions())))'],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
      const names = installed.map((l) => l.split('==')[0]);
      // Every unconditional pin of the CPU export but torch, at the locked version.
      const pins = parseRequirements(read('requirements-cpu.txt'), 'requirements-cpu.txt').pins.filter((p) => !p.includes(';') && p !== 'torch==2.13.0');
      expect(pins.length).toBeGreaterThan(40);
      expect(installed).toEqual(expect.arrayContaining(pins.map((p) => p.toLowerCase().replace(/_/g, '-'))));
      for (const absent of ['torch', 'pytest', 'ruff', 'mypy', 'jsonschema', 'cosmo-rl', 'triton']) expect(names).not.toContain(absent);
      expect(names.some((n) => n!.startsWith('nvidia-'))).toBe(false);
    },
    300_000,
  );
});
