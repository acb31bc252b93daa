/**
 * The worker's Python for tests that launch it: STUDIO_PYTHON, else native-models/.venv (made by
 * scripts/python-env.sh, which `npm test` runs first). A missing interpreter fails the suite with a
 * sentence saying how to make one: Python-backed tests never pass by skipping themselves, unless
 * a run opts out on purpose with STUDIO_TESTS_WITHOUT_PYTHON=1 (then they show as skipped).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKER_DIR = resolve(__dirname, '../../native-models');

export function workerPython(modules = 'torch, trl, transformers, peft, pydantic'): string | null {
  const candidates = [process.env.STUDIO_PYTHON, join(WORKER_DIR, '.venv/bin/python')];
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    try {
      execFileSync(candidate, ['-c', `import ${modules}`], { stdio: 'ignore', cwd: WORKER_DIR });
      return candidate;
    } catch {
      // this interpreter lacks the worker's packages: try the next one
    }
  }
  if (process.env.STUDIO_TESTS_WITHOUT_PYTHON === '1') return null;
  throw new Error(
    `No Python with the worker's packages (${modules}) at STUDIO_PYTHON or native-models/.venv: ` +
      'run `bash scripts/python-env.sh`, or set STUDIO_TESTS_WITHOUT_PYTHON=1 to skip these tests on purpose.',
  );
}
