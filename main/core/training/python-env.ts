/**
 * Creates the worker's Python environment in <dataDir>/python-env: a venv from a Python 3.11-3.13
 * found on the machine, torch installed first by pip at its pinned version (from the CPU or CUDA
 * index the requirements file names), then the rest: with uv, `uv sync --frozen` from uv.lock
 * (uv-sync.ts), else pip with the lock's export (requirements-<variant>.txt) and every pin as a
 * constraint so nothing can move torch. Neither installs the dev group (test tools). The output
 * is parsed into a percentage and kept, whole, in a log file the user can read.
 */
import { lookup } from 'node:dns/promises';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EnvSetupState } from '../../../preload/contract/training.js';
import { mkdirPrivateSync, writePrivateFileSync } from '../private-files.js';
import { lastErrorLine, runPython } from './python-probe.js';
import { WORKER_PACKAGES, appVenvDir, probePython, venvPython } from './system-info.js';
import { cudaOnlyPackages, cudaRequirementsPath, findUv, runUvSync, uvSyncPlan } from './uv-sync.js';

export interface Requirements {
  /** `--index-url` / `--extra-index-url` options, kept for both pip calls. */
  indexOptions: string[];
  /** `torch==2.13.0`. */
  torchPin: string;
  /** Every `name==version` line (with its environment marker, if any), torch included. */
  pins: string[];
}

export function parseRequirements(text: string, file: string): Requirements {
  const indexOptions: string[] = [];
  const pins: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const opt = /^(--(?:extra-)?index-url)[ =](\S+)$/.exec(line);
    if (opt) indexOptions.push(opt[1]!, opt[2]!);
    else if (/^[A-Za-z0-9._-]+==[^\s;]+(\s*;.+)?$/.test(line)) pins.push(line);
  }
  const torchPin = pins.find((p) => p.toLowerCase().startsWith('torch=='));
  if (!torchPin) throw new Error(`${file} pins no torch version (expected a line like torch==2.13.0)`);
  return { indexOptions, torchPin, pins };
}

/**
 * The index options whose host can be resolved. pip retries an unreachable index for every
 * package it resolves (minutes in all on a machine that reaches only PyPI), so such an index is
 * left out, and the log says so; pip's own configured indexes still apply. file:// indexes stay.
 */
export async function reachableIndexOptions(options: string[], log: (text: string) => void, timeoutMs = 3000): Promise<string[]> {
  const kept: string[] = [];
  for (let i = 0; i + 1 < options.length; i += 2) {
    const flag = options[i]!;
    const url = options[i + 1]!;
    let host = '';
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'file:') {
        kept.push(flag, url);
        continue;
      }
      host = parsed.hostname;
    } catch {
      log(`Ignoring ${flag} ${url}: not a URL\n`);
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    const resolves = await Promise.race([
      lookup(host).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((done) => {
        timer = setTimeout(() => done(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (resolves) kept.push(flag, url);
    else log(`${host} cannot be reached: installing from pip's configured indexes instead of ${url}\n`);
  }
  return kept;
}

/**
 * Turns pip's output into progress within one install step: each "Collecting X" is a package
 * resolved, "Installing collected packages" means downloads are done, "Successfully installed"
 * that the step finished. `expected` is how many packages the step should touch.
 */
export class PipProgress {
  private collected = 0;
  private installing = false;
  private done = false;
  message = '';

  constructor(private readonly expected: number) {}

  /** Returns true when the line changed the progress or the message. */
  feed(line: string): boolean {
    const text = line.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Collecting (\S+)/.exec(text))) {
      this.collected += 1;
      this.message = `Downloading ${m[1]}`;
    } else if ((m = /^Processing (\S+)/.exec(text))) {
      // A local wheel (a find-links folder or a mirror on disk) instead of a download.
      this.collected += 1;
      this.message = `Unpacking ${m[1]!.split('/').pop()}`;
    } else if ((m = /^Requirement already satisfied: (\S+)/.exec(text))) {
      this.collected += 1;
      this.message = `${m[1]} already installed`;
    } else if ((m = /^Downloading (\S+)(?: \(([^)]+)\))?/.exec(text))) {
      this.message = `Downloading ${m[1]!.split('/').pop()}${m[2] ? ` (${m[2]})` : ''}`;
    } else if ((m = /^Installing collected packages: (.*)$/.exec(text))) {
      this.installing = true;
      this.message = `Installing ${m[1]!.split(',').length} packages`;
    } else if (/^Successfully installed /.test(text)) {
      this.done = true;
      this.message = 'Installed';
    } else {
      return false;
    }
    return true;
  }

  /** 0..1 within the step. */
  get fraction(): number {
    if (this.done) return 1;
    const resolved = Math.min(1, this.collected / Math.max(1, this.expected));
    return this.installing ? 0.85 : 0.8 * resolved;
  }
}

export interface SetupOptions {
  dataDir: string;
  workerDir: string;
  variant: 'cpu' | 'cuda';
  jobId: string;
  /** A Python 3.11-3.13 to build the venv from; otherwise python3.12, python3.11, python3.13, python3 on PATH. */
  basePython?: string | undefined;
  onProgress: (state: EnvSetupState) => void;
}

const PHASES: Record<EnvSetupState['phase'], [number, number]> = {
  venv: [0, 5],
  torch: [5, 45],
  requirements: [45, 95],
  verify: [95, 100],
  done: [100, 100],
};

export function setupLogPath(dataDir: string): string {
  return join(dataDir, 'python-env-setup.log');
}

/** pyproject's requires-python (>=3.11,<3.14). */
const SUPPORTED_PYTHONS = ['3.11', '3.12', '3.13'];

async function findBasePython(explicit: string | undefined): Promise<string | null> {
  const candidates = [explicit, 'python3.12', 'python3.11', 'python3.13', 'python3', 'python'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const run = await runPython(c, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { timeoutMs: 20_000 });
    const v = run.stdout.trim();
    if (run.code === 0 && SUPPORTED_PYTHONS.includes(v)) return c;
  }
  return null;
}

/** Runs the whole setup; resolves with the final state (never rejects). */
export async function setupPythonEnv(opts: SetupOptions): Promise<EnvSetupState> {
  const logPath = setupLogPath(opts.dataDir);
  mkdirPrivateSync(dirname(logPath));
  writePrivateFileSync(logPath, `COSMO Studio: training environment setup (${opts.variant}), ${new Date().toISOString()}\n`);
  const log = (text: string) => appendFileSync(logPath, text);
  const state: EnvSetupState = {
    jobId: opts.jobId,
    status: 'running',
    variant: opts.variant,
    phase: 'venv',
    percent: 0,
    message: 'Looking for Python 3.11, 3.12 or 3.13',
    logPath,
    error: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  const report = (patch: Partial<EnvSetupState>) => {
    Object.assign(state, patch);
    opts.onProgress({ ...state });
  };
  const fail = (error: string): EnvSetupState => {
    log(`\nFAILED: ${error}\n`);
    report({ status: 'failed', error, message: error, finishedAt: new Date().toISOString() });
    return { ...state };
  };
  report({});

  const reqFile = join(opts.workerDir, opts.variant === 'cuda' ? 'requirements-cuda.txt' : 'requirements-cpu.txt');
  let req: Requirements;
  try {
    req = parseRequirements(readFileSync(reqFile, 'utf8'), reqFile);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }

  const venvDir = appVenvDir(opts.dataDir);
  const python = venvPython(venvDir);
  if (!existsSync(python)) {
    const base = await findBasePython(opts.basePython);
    if (!base) return fail('No Python 3.11, 3.12 or 3.13 was found on this computer; install one (python.org) and try again.');
    report({ message: `Creating the environment with ${base}` });
    log(`$ ${base} -m venv ${venvDir}\n`);
    const venv = await runPython(base, ['-m', 'venv', venvDir], { onStdout: log, onStderr: log, timeoutMs: 300_000 });
    if (venv.code !== 0) return fail(`Could not create the environment: ${venv.spawnError ?? lastErrorLine(venv.stderr)}`);
  }

  // Every pin is a constraint for the second step, so installing the rest never changes torch.
  // The pins also go to their own requirements file: the original names its index inside, and
  // pip would read an unreachable one from there too.
  const constraints = join(venvDir, 'constraints.txt');
  writePrivateFileSync(constraints, `${req.pins.join('\n')}\n`);
  const pinsFile = join(venvDir, 'requirements.txt');
  writePrivateFileSync(pinsFile, `${req.pins.join('\n')}\n`);
  const indexOptions = await reachableIndexOptions(req.indexOptions, log);

  const pipStep = async (phase: 'torch' | 'requirements', args: string[], expected: number): Promise<string | null> => {
    const [lo, hi] = PHASES[phase];
    const progress = new PipProgress(expected);
    report({ phase, percent: lo, message: phase === 'torch' ? `Installing ${req.torchPin}` : 'Installing the pinned requirements' });
    const full = ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', ...args];
    log(`\n$ ${python} ${full.join(' ')}\n`);
    let partial = '';
    const onOut = (chunk: string) => {
      log(chunk);
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      let changed = false;
      for (const line of lines) changed = progress.feed(line) || changed;
      if (changed) report({ percent: Math.round(lo + (hi - lo) * progress.fraction), message: progress.message });
    };
    const run = await runPython(python, full, { onStdout: onOut, onStderr: log, env: { ...process.env, PIP_NO_INPUT: '1' } });
    if (run.code !== 0) return `pip could not install ${phase === 'torch' ? req.torchPin : 'the requirements'}: ${run.spawnError ?? lastErrorLine(run.stderr)} (full log: ${logPath})`;
    return null;
  };

  const uvStep = async (uv: string): Promise<string | null> => {
    const [lo, hi] = PHASES.requirements;
    report({ phase: 'requirements', percent: lo, message: 'Installing the locked requirements (uv)' });
    let cudaOnly: string[];
    try {
      cudaOnly = cudaOnlyPackages(readFileSync(cudaRequirementsPath(opts.workerDir), 'utf8'));
    } catch (err) {
      return `Could not read the CUDA requirements beside uv.lock: ${err instanceof Error ? err.message : String(err)}`;
    }
    const plan = uvSyncPlan({ workerDir: opts.workerDir, venvDir, python, variant: opts.variant, cudaOnly, env: process.env });
    const onProgress = (fraction: number, message: string) => report({ percent: Math.round(lo + (hi - lo) * fraction), message });
    return runUvSync({ uv, plan, expected: req.pins.length, log, onProgress, logPath });
  };

  // The pins as constraints here too: torch's own dependencies come at their locked versions.
  const torchError = await pipStep('torch', [...indexOptions, '-c', constraints, req.torchPin], 12);
  if (torchError) return fail(torchError);
  // uv needs the lock itself; a worker folder with only the exported files takes pip.
  const uv = existsSync(join(opts.workerDir, 'uv.lock')) ? await findUv(process.env) : null;
  const restError = uv ? await uvStep(uv) : await pipStep('requirements', [...indexOptions, '-r', pinsFile, '-c', constraints], req.pins.length);
  if (restError) return fail(restError);

  report({ phase: 'verify', percent: PHASES.verify[0], message: 'Checking the environment' });
  const probe = await probePython(python, opts.workerDir);
  if (!probe.ok) return fail(`The new environment does not run: ${probe.message}`);
  const missing = WORKER_PACKAGES.filter((p) => !probe.value.packages[p]);
  if (missing.length > 0) return fail(`The new environment still lacks ${missing.join(', ')} (full log: ${logPath})`);
  log(`\nReady: Python ${probe.value.python}, torch ${probe.value.torch?.version ?? '?'}\n`);
  report({ status: 'succeeded', phase: 'done', percent: 100, message: `Ready: Python ${probe.value.python}, torch ${probe.value.torch?.version ?? '?'}`, finishedAt: new Date().toISOString() });
  return { ...state };
}
