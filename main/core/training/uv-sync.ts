/**
 * The uv way of installing the worker's environment, the one scripts/python-env.sh takes too:
 * `uv sync --frozen` from native-models/uv.lock (the one lock; requirements-*.txt are its exports,
 * which the pip way reads). Taken when a uv can be found; STUDIO_NO_UV=1 or COSMO_NO_UV=1 forces
 * pip. torch is installed by pip before it (its CPU build comes from PyTorch's CPU index, which the
 * lock does not hold), so uv leaves torch alone, and for the CPU variant also the CUDA-only wheels
 * of PyPI's build. The user's environment gets no dev group (no test tools) and no editable
 * install of the worker (the app runs it from its own folder).
 */
import { join, resolve } from 'node:path';
import { lastErrorLine, runPython } from './python-probe.js';

/** STUDIO_UV, then `uv` on PATH; null when neither runs, or when the pip way is forced. */
export async function findUv(env: NodeJS.ProcessEnv): Promise<string | null> {
  if (env.STUDIO_NO_UV === '1' || env.COSMO_NO_UV === '1') return null;
  for (const candidate of [env.STUDIO_UV, 'uv'].filter((c): c is string => !!c)) {
    const run = await runPython(candidate, ['--version'], { env, timeoutMs: 20_000 });
    if (run.code === 0 && /^uv \d/.test(run.stdout.trim())) return candidate;
  }
  return null;
}

/** The lock's packages only PyPI's CUDA build of torch needs, read from the CUDA export. */
export function cudaOnlyPackages(cudaRequirements: string): string[] {
  const names: string[] = [];
  for (const raw of cudaRequirements.split('\n')) {
    const name = /^([A-Za-z0-9._-]+)==/.exec(raw.trim())?.[1]?.toLowerCase();
    if (name && (name.startsWith('nvidia-') || name.startsWith('cuda-') || name === 'triton')) names.push(name);
  }
  return names;
}

export interface UvSyncPlan {
  args: string[];
  env: NodeJS.ProcessEnv;
}

export function uvSyncPlan(opts: { workerDir: string; venvDir: string; python: string; variant: 'cpu' | 'cuda'; cudaOnly: string[]; env: NodeJS.ProcessEnv }): UvSyncPlan {
  const skip = ['torch', ...(opts.variant === 'cpu' ? opts.cudaOnly : [])].flatMap((name) => ['--no-install-package', name]);
  return {
    // --inexact: keep what the lock does not install here (pip, torch's CPU build).
    args: ['sync', '--project', opts.workerDir, '--frozen', '--inexact', '--no-install-project', '--no-dev', '--extra', opts.variant, '--python', opts.python, ...skip],
    // The project's environment is the app's venv, not native-models/.venv.
    env: { ...opts.env, UV_PROJECT_ENVIRONMENT: resolve(opts.venvDir), UV_NO_PROGRESS: '1', NO_COLOR: '1' },
  };
}

/**
 * Turns uv's stderr into progress within the step: "Resolved" (the lock read), each
 * "Downloaded X" of the `expected` packages, "Prepared" (downloads done), "Installed" (finished).
 */
export class UvProgress {
  private downloaded = 0;
  private stage: 'start' | 'resolved' | 'prepared' | 'installed' = 'start';
  message = '';

  constructor(private readonly expected: number) {}

  feed(line: string): boolean {
    const text = line.trim();
    let m: RegExpExecArray | null;
    if (/^Resolved \d+ packages?/.test(text)) {
      this.stage = 'resolved';
      this.message = 'Reading the lock';
    } else if ((m = /^Downloading (\S+)(?: \(([^)]+)\))?/.exec(text))) {
      this.message = `Downloading ${m[1]}${m[2] ? ` (${m[2]})` : ''}`;
    } else if ((m = /^Downloaded (\S+)/.exec(text))) {
      this.downloaded += 1;
      this.message = `Downloaded ${m[1]}`;
    } else if ((m = /^Prepared (\d+) packages?/.exec(text))) {
      this.stage = 'prepared';
      this.message = `Installing ${m[1]} packages`;
    } else if (/^(Installed \d+ packages?|Audited \d+ packages?|Checked \d+ packages?)/.test(text)) {
      this.stage = 'installed';
      this.message = 'Installed';
    } else {
      return false;
    }
    return true;
  }

  /** 0..1 within the step. */
  get fraction(): number {
    if (this.stage === 'installed') return 1;
    if (this.stage === 'prepared') return 0.85;
    if (this.stage === 'start') return 0;
    return 0.05 + 0.75 * Math.min(1, this.downloaded / Math.max(1, this.expected));
  }
}

/** Runs `uv sync`; resolves with an error sentence, or null when it succeeded. */
export async function runUvSync(opts: {
  uv: string;
  plan: UvSyncPlan;
  expected: number;
  log: (text: string) => void;
  onProgress: (fraction: number, message: string) => void;
  logPath: string;
}): Promise<string | null> {
  const progress = new UvProgress(opts.expected);
  opts.log(`\n$ ${opts.uv} ${opts.plan.args.join(' ')}\n`);
  let partial = '';
  const onErr = (chunk: string) => {
    opts.log(chunk);
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    let changed = false;
    for (const line of lines) changed = progress.feed(line) || changed;
    if (changed) opts.onProgress(progress.fraction, progress.message);
  };
  const run = await runPython(opts.uv, opts.plan.args, { env: opts.plan.env, onStdout: opts.log, onStderr: onErr });
  if (run.code === 0) return null;
  return `uv could not install the locked requirements: ${run.spawnError ?? lastErrorLine(run.stderr)} (full log: ${opts.logPath})`;
}

/** native-models/requirements-cuda.txt, the export cudaOnlyPackages reads. */
export function cudaRequirementsPath(workerDir: string): string {
  return join(workerDir, 'requirements-cuda.txt');
}
