/**
 * The zod RunConfig against the shared fixtures, and against the worker's pydantic RunConfig
 * when a Python environment with the worker's dependencies exists (both must agree on every file).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import { checkRunConfig, formatPath, parseRunConfig, workerCommandLine } from '../../main/core/training/run-config.js';
import { RunConfig } from '../../preload/contract/run-config.js';

const FIXTURES = resolve(__dirname, '../fixtures/run-config');
const WORKER_DIR = resolve(__dirname, '../../native-models');

function files(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(FIXTURES, kind))
    .filter((f) => f.endsWith('.json'))
    .sort();
}
function load(kind: 'valid' | 'invalid', name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, kind, name), 'utf8'));
}

/** file -> expected field path, from the invalid folder's README table. */
function expectedFields(): Map<string, string> {
  const readme = readFileSync(join(FIXTURES, 'invalid', 'README.md'), 'utf8');
  const map = new Map<string, string>();
  for (const m of readme.matchAll(/^\| ([a-z0-9-]+\.json) \| `([^`]+)` \|/gm)) map.set(m[1]!, m[2]!);
  return map;
}

function findPython(): string | null {
  return workerPython('pydantic');
}

describe('run config (zod)', () => {
  it.each(files('valid'))('accepts valid/%s', (name) => {
    const check = checkRunConfig(load('valid', name));
    expect(check.ok ? [] : check.issues).toEqual([]);
  });

  it('lists every invalid fixture in the README', () => {
    expect([...expectedFields().keys()].sort()).toEqual(files('invalid'));
  });

  it.each([...expectedFields().entries()])('rejects invalid/%s at %s', (name, field) => {
    const check = checkRunConfig(load('invalid', name));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.issues.map((i) => i.path)).toContain(field);
  });

  it('fills the defaults of the method', () => {
    const config = RunConfig.parse(load('valid', 'minimal.json'));
    expect(config.method).toBe('cpgd');
    expect(config.cpgd).toEqual({ eps: 0.2, alpha: 0.01, drift_cap: 2, steps_per_generation: 4, kl_beta: 0 });
    expect(config.reward.weights).toEqual({ format: 1, visual: 1, helpful: 1, task: 1 });
    expect(config.reward.verifier).toEqual({ tier: 'rules', path: null });
    expect(config.rollouts_per_prompt).toBe(8);
  });

  it('throws a StudioError naming the file and field', () => {
    expect(() => parseRunConfig(load('invalid', 'steps-zero.json'), 'run.json')).toThrow('run.json: stages[1].steps: must be > 0');
  });

  it('formats paths like the worker', () => {
    expect(formatPath(['stages', 1, 'task_mix', 'safety'])).toBe('stages[1].task_mix.safety');
    expect(formatPath([])).toBe('(root)');
  });

  it('quotes the command line for a shell', () => {
    expect(workerCommandLine('/usr/bin/python3', '/a b/native-models', "/runs/it's/config.json")).toBe(
      `cd '/a b/native-models' && /usr/bin/python3 -m cosmo_rl.train --config '/runs/it'\\''s/config.json'`,
    );
  });
});

const python = findPython();
describe.skipIf(!python)('run config (zod and pydantic agree)', () => {
  it('gives the same verdict and field on every fixture', () => {
    const script = [
      'import json, sys',
      'from cosmo_rl.config import RunConfig, ConfigError',
      'out = {}',
      'for p in sys.argv[1:]:',
      '    try:',
      '        RunConfig.from_dict(json.load(open(p)), source=p); out[p] = []',
      '    except ConfigError as e:',
      '        out[p] = [f for f, _ in e.issues]',
      'print(json.dumps(out))',
    ].join('\n');
    const all = [...files('valid').map((f) => join(FIXTURES, 'valid', f)), ...files('invalid').map((f) => join(FIXTURES, 'invalid', f))];
    const stdout = execFileSync(python!, ['-c', script, ...all], { cwd: WORKER_DIR, encoding: 'utf8' });
    const pydantic = JSON.parse(stdout) as Record<string, string[]>;
    const expected = expectedFields();
    for (const file of all) {
      const kind = file.includes('/invalid/') ? 'invalid' : 'valid';
      const name = file.split('/').pop()!;
      const zodCheck = checkRunConfig(JSON.parse(readFileSync(file, 'utf8')));
      const zodPaths = zodCheck.ok ? [] : zodCheck.issues.map((i) => i.path);
      expect({ file: name, zodOk: zodCheck.ok }).toEqual({ file: name, zodOk: pydantic[file]!.length === 0 });
      if (kind === 'invalid') {
        expect(pydantic[file], name).toContain(expected.get(name));
        expect(zodPaths, name).toContain(expected.get(name));
      }
    }
  });
});
