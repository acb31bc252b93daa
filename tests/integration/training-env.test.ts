/**
 * The training environment: locating the interpreter, probing it, pip progress parsing, and the
 * clear sentences a broken environment (no Python, missing packages) produces.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import { PipProgress, parseRequirements, reachableIndexOptions } from '../../main/core/training/python-env.js';
import { collectSystemInfo, locatePython, mergeGpus, parseNvidiaSmi } from '../../main/core/training/system-info.js';

const WORKER_DIR = resolve(__dirname, '../../native-models');
const tmp = mkdtempSync(join(tmpdir(), 'studio-env-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('requirements and pip output', () => {
  it('reads the pinned CPU requirements: index, torch pin, every pin', () => {
    const file = join(WORKER_DIR, 'requirements-cpu.txt');
    const req = parseRequirements(readFileSync(file, 'utf8'), file);
    expect(req.indexOptions).toEqual(['--extra-index-url', 'https://download.pytorch.org/whl/cpu']);
    expect(req.torchPin).toMatch(/^torch==\d/);
    expect(req.pins).toContain(req.torchPin);
    expect(req.pins.every((p) => p.includes('=='))).toBe(true);
  });

  it('refuses a requirements file without a torch pin', () => {
    expect(() => parseRequirements('numpy==2.0\n', 'r.txt')).toThrow('r.txt pins no torch version');
  });

  it('turns pip lines into a rising percentage and readable messages', () => {
    const p = new PipProgress(5);
    expect(p.fraction).toBe(0);
    expect(p.feed('Collecting transformers==5.24.0 (from -r req.txt (line 3))')).toBe(true);
    expect(p.message).toBe('Downloading transformers==5.24.0');
    expect(p.feed('  Downloading https://files.pythonhosted.org/x/transformers-5.24.0-py3-none-any.whl (11.2 MB)')).toBe(true);
    expect(p.message).toBe('Downloading transformers-5.24.0-py3-none-any.whl (11.2 MB)');
    p.feed('Processing /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl');
    expect(p.message).toBe('Unpacking torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl');
    p.feed('Requirement already satisfied: numpy==2.4.6 in ./lib/python3.11/site-packages');
    expect(p.fraction).toBeCloseTo((0.8 * 3) / 5);
    expect(p.feed('some unrelated line')).toBe(false);
    p.feed('Installing collected packages: transformers, tokenizers');
    expect(p.fraction).toBe(0.85);
    p.feed('Successfully installed tokenizers-0.23.3 transformers-5.24.0');
    expect(p.fraction).toBe(1);
  });
});

describe('GPU listing', () => {
  it('parses nvidia-smi and joins it with torch by index', () => {
    const smi = parseNvidiaSmi('0, NVIDIA H100 80GB HBM3, 81559, 4, 570.86\n1, NVIDIA H100 80GB HBM3, 81559, 20000, 570.86\n');
    expect(smi.driverVersion).toBe('570.86');
    expect(smi.gpus[1]).toEqual({ index: 1, name: 'NVIDIA H100 80GB HBM3', memoryTotalMb: 81559, memoryUsedMb: 20000 });
    const merged = mergeGpus([{ index: 0, name: 'NVIDIA H100 80GB HBM3', memory_total_mb: 81000 }], smi.gpus);
    expect(merged.map((g) => g.seenBy)).toEqual([['torch', 'nvidia-smi'], ['nvidia-smi']]);
  });
});

describe('broken environments give one clear sentence', () => {
  it('names a missing interpreter', async () => {
    const info = await collectSystemInfo({ dataDir: tmp, workerDir: WORKER_DIR, envPython: join(tmp, 'no-such-python'), setup: null });
    expect(info.ready).toBe(false);
    const problem = info.problems.find((p) => p.area === 'python');
    expect(problem?.message).toContain('does not exist');
    expect(problem?.advice).toMatch(/STUDIO_PYTHON/);
    expect(problem?.message).not.toMatch(/at .*\.ts:\d+/);
  });

  it('finds nothing when there is no environment at all', async () => {
    const empty = join(tmp, 'no-worker');
    expect(locatePython({ dataDir: tmp, workerDir: empty })).toBeNull();
    const info = await collectSystemInfo({ dataDir: tmp, workerDir: empty, setup: null });
    expect(info.python.path).toBeNull();
    expect(info.problems[0]).toMatchObject({ area: 'python', blocking: true });
    expect(info.problems[0]!.advice).toContain('Set up training environment');
  });

  it('lists the missing packages of an interpreter without them', async () => {
    const venv = join(tmp, 'bare-venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const info = await collectSystemInfo({ dataDir: tmp, workerDir: WORKER_DIR, envPython: join(venv, 'bin', 'python'), setup: null });
    expect(info.python.version).toMatch(/^3\./);
    expect(info.ready).toBe(false);
    const problem = info.problems.find((p) => p.area === 'packages');
    expect(problem?.message).toMatch(/Missing in .*: torch, transformers, trl/);
    expect(problem?.advice).toContain('Set up the training environment');
    expect(info.packages.torch).toBeNull();
  });
});

const workerPythonPath = workerPython('torch, trl');

describe.skipIf(!workerPythonPath)('a working environment', () => {
  it('reports Python, torch, the worker and free disk', async () => {
    const info = await collectSystemInfo({ dataDir: tmp, workerDir: WORKER_DIR, envPython: workerPythonPath ?? undefined, setup: null });
    expect(info.python.source).toBe('env_var');
    expect(info.torch?.version).toMatch(/^2\./);
    expect(info.packages.trl).toMatch(/^\d/);
    expect(info.problems.filter((p) => p.blocking)).toEqual([]);
    expect(info.ready).toBe(true);
    expect(info.disk.freeBytes).toBeGreaterThan(0);
  });
});

describe('index reachability', () => {
  it('leaves out an index whose host does not resolve, says so, and keeps file:// indexes', async () => {
    const logged: string[] = [];
    const kept = await reachableIndexOptions(['--extra-index-url', 'https://pytorch.invalid/whl/cpu', '--extra-index-url', 'file:///opt/pypi/simple'], (text) => logged.push(text));
    expect(kept).toEqual(['--extra-index-url', 'file:///opt/pypi/simple']);
    expect(logged.join('')).toContain('pytorch.invalid cannot be reached');
  });

  it('keeps an index whose host resolves', async () => {
    const kept = await reachableIndexOptions(['--index-url', 'http://localhost:9/simple'], () => undefined);
    expect(kept).toEqual(['--index-url', 'http://localhost:9/simple']);
  });
});
