/**
 * Runs small Python programs in the worker's interpreter and reads their one JSON answer.
 * Every failure (no interpreter, a crash, a timeout, a garbled answer) comes back as a sentence,
 * never as an exception with a stack trace.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { withPrivateUmask } from '../private-files.js';

export interface PythonRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not start at all (ENOENT, EACCES). */
  spawnError: string | null;
  timedOut: boolean;
}

export function runPython(
  python: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStdout?: (chunk: string) => void; onStderr?: (chunk: string) => void } = {},
): Promise<PythonRun> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    // What it writes into the data directory (the tiny model, downloads, the environment) stays private.
    const child = withPrivateUmask(() => spawn(python, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : null;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout += c;
      opts.onStdout?.(c);
    });
    child.stderr.on('data', (c: string) => {
      stderr += c;
      opts.onStderr?.(c);
    });
    const finish = (run: PythonRun) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolvePromise(run);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish({ code: null, stdout, stderr, spawnError: err.code === 'ENOENT' ? `${python} does not exist` : `${python} cannot run (${err.code ?? err.message})`, timedOut });
    });
    child.on('close', (code) => finish({ code, stdout, stderr, spawnError: null, timedOut }));
  });
}

/** The last line of stderr that says what went wrong (Python's "ModuleNotFoundError: ..." line). */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.reverse().find((l) => /Error|error:|Exception/.test(l)) ?? lines[0] ?? 'no output';
}

export type ProbeResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Runs `code` with `python -c` and parses the last stdout line as JSON against `schema`. */
export async function probeJson<S extends z.ZodType>(
  python: string,
  code: string,
  schema: S,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProbeResult<z.output<S>>> {
  const run = await runPython(python, ['-c', code], { timeoutMs: 60_000, ...opts });
  if (run.spawnError) return { ok: false, message: run.spawnError };
  if (run.timedOut) return { ok: false, message: `${python} did not answer within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s` };
  if (run.code !== 0) return { ok: false, message: `${python} failed: ${lastErrorLine(run.stderr)}` };
  const last = run.stdout.trim().split('\n').pop() ?? '';
  let json: unknown;
  try {
    json = JSON.parse(last);
  } catch {
    return { ok: false, message: `${python} printed something that is not JSON: ${last.slice(0, 200)}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, message: `${python} gave an unexpected answer: ${parsed.error.issues[0]?.message ?? ''}` };
  return { ok: true, value: parsed.data };
}
