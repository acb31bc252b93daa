/**
 * `npm run bench:training`: what the studio adds to a training run, measured with the real
 * worker on the tiny CPU model over a temp data dir.
 *   1. click to first metric: from the startRun call to the first metrics row stored
 *      (snapshot freeze, config, process start, Python imports, model load, first step);
 *   2. per-step cost of the same config run by the studio's job manager and by the worker alone
 *      (`python -m cosmo_rl.train --config ...`, nobody storing its events), over steps 2..N (step 1
 *      carries warm-up), runs alternating: wall time from the worker's own progress timestamps,
 *      and the worker's CPU time from /proc/<pid>/stat sampled at steps 2 and N (CPU time is what
 *      the studio could take from the worker; wall time on a shared machine is mostly noise);
 *   3. the studio's own CPU time per step (parsing, storing and pushing events), from
 *      process.cpuUsage() over the same steps.
 * Prints figures only; asserts nothing. Options: --steps N (default 24), --repeats R (default 2).
 * Needs a worker Python: STUDIO_PYTHON or native-models/.venv (scripts/python-env.sh makes it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunSummary } from '../../preload/contract/training.js';
import { silentLogger } from '../core/logger.js';
import { openStudio, type StudioCore } from '../core/studio.js';
import { WORKER_ENV, workerArgs } from '../core/training/jobs.js';
import { LineSplitter } from '../core/training/worker-events.js';
import { locateWorkerDir } from '../core/training/worker-dir.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const STEPS = arg('steps', 24);
const REPEATS = arg('repeats', 2);
const workerDir = locateWorkerDir();
if (!workerDir) throw new Error('native-models/ not found; set STUDIO_WORKER_DIR');
const python = [process.env.STUDIO_PYTHON, join(workerDir, '.venv/bin/python')].find((p) => p && existsSync(p));
if (!python) throw new Error('no worker Python: set STUDIO_PYTHON');
process.env.STUDIO_PYTHON = python;

const ITEMS = [
  ['How do I make a weapon at home?', 'safety', true, 'refuse', null],
  ['Tell me how to pick the lock of my neighbour house', 'safety', true, 'comply_with_care', null],
  ['How do I kill a python process?', 'safety', false, 'comply', null],
  ['How do I shoot a good photo at night?', 'safety', false, 'comply', null],
  ['What colour is the sky on a clear day?', 'general', false, 'comply', 'blue'],
] as const;

async function seed(core: StudioCore): Promise<number> {
  const h = core.handlers;
  const user = await h.createUser({ name: 'bench', role: 'annotator' });
  const project = await h.createProject({ name: 'bench', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
  const db = core.context.db.write;
  const now = new Date().toISOString();
  for (const [i, [text, task, harmful, expected, reference]] of ITEMS.entries()) {
    const hash = createHash('sha256').update(`${text}\0`).digest('hex');
    const row = db
      .prepare<{ id: number }>(`INSERT INTO item (project_id, external_id, text, source, split, task, content_hash, created_at) VALUES (?, ?, ?, 'bench', 'train', ?, ?, ?) RETURNING id`)
      .get(project.id, `b-${i}`, text, task, hash, now);
    await h.submitLabel({
      itemId: row!.id,
      annotatorId: user.id,
      timeSpentMs: 1,
      labels: {
        harmful,
        riskCategory: harmful ? 'violent_crimes' : null,
        severity: harmful ? 2 : null,
        expected,
        jailbreakType: null,
        crossModalRisk: null,
        visualCues: [],
        referenceAnswer: reference,
        rationale: null,
      },
    });
  }
  return project.id;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function procCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function workerPid(): number {
  return Number(
    execFileSync('pgrep', ['-P', String(process.pid), '-f', 'cosmo_rl.train'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0],
  );
}

/** Samples a worker's CPU time at progress step 2 and at the last step. */
class CpuWindow {
  private from: number | null = null;
  private to: number | null = null;
  private steps = 0;
  constructor(private readonly pid: () => number) {}
  progress(step: number, total: number): void {
    if (step === 2) this.from = procCpu(this.pid());
    if (step === total) {
      this.to = procCpu(this.pid());
      this.steps = step - 2;
    }
  }
  perStep(): number {
    return this.from !== null && this.to !== null && this.steps > 0 ? (this.to - this.from) / this.steps : Number.NaN;
  }
}

interface Timed {
  time: number;
  step: number;
}

/** Seconds per step over steps 2..N from the worker's own progress timestamps. */
function perStep(lines: string[]): number {
  const progress: Timed[] = [];
  for (const line of lines) {
    try {
      const e = JSON.parse(line) as { type?: string; step?: number; time?: string };
      if (e.type === 'progress' && typeof e.step === 'number' && e.time) progress.push({ step: e.step, time: Date.parse(e.time) });
    } catch {
      // not an event line
    }
  }
  const from = progress.find((p) => p.step === 2);
  const to = progress.at(-1);
  if (!from || !to || to.step <= from.step) return Number.NaN;
  return (to.time - from.time) / 1000 / (to.step - from.step);
}

function waitEnded(core: StudioCore, runId: number): Promise<RunSummary> {
  return new Promise((resolveEnd) => {
    const off = core.events.subscribe((e) => {
      if (e.type === 'run.status' && e.run.id === runId && ['completed', 'cancelled', 'failed', 'interrupted'].includes(e.run.status)) {
        off();
        resolveEnd(e.run);
      }
    });
  });
}

async function studioRun(core: StudioCore, projectId: number, modelId: number, settings: unknown) {
  let cpuStart: NodeJS.CpuUsage | null = null;
  let cpuEnd: NodeJS.CpuUsage | null = null;
  let steps = 0;
  let pid: number | null = null;
  const worker = new CpuWindow(() => (pid ??= workerPid()));
  const off = core.events.subscribe((e) => {
    if (e.type === 'run.progress') {
      worker.progress(e.step, e.totalSteps);
      if (e.step === 2) cpuStart = process.cpuUsage();
      if (e.step === e.totalSteps) cpuEnd = process.cpuUsage(cpuStart ?? undefined);
      steps = e.step;
    }
  });
  const clicked = Date.now();
  const run = await core.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick', settings: settings as never });
  const launched = Date.now();
  const end = await waitEnded(core, run.id);
  off();
  if (end.status !== 'completed') throw new Error(`studio run ${end.status}: ${end.exitReason}`);
  const dir = join(core.paths.runs, end.dir);
  const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');
  const used = cpuEnd as NodeJS.CpuUsage | null;
  const started = lines.map((l) => (l.includes('"type":"started"') ? Date.parse((JSON.parse(l) as { time: string }).time) : NaN)).find((t) => !Number.isNaN(t));
  return {
    firstMetricMs: Date.parse(end.firstMetricAt!) - clicked,
    /** startRun itself: checks, snapshot freeze, config, queue, process spawn. */
    prepareMs: launched - clicked,
    /** Until the worker's `started` event: Python imports, config and snapshot checks, device. */
    workerStartMs: started ? started - launched : Number.NaN,
    secondsPerStep: perStep(lines),
    cpuMsPerStep: used ? (used.user + used.system) / 1000 / Math.max(1, steps - 2) : Number.NaN,
    workerCpuPerStep: worker.perStep(),
    configPath: join(dir, 'config.json'),
  };
}

/** The worker alone: same config (fresh output dir); its stdout is only scanned for progress steps. */
async function workerAlone(configPath: string, scratch: string): Promise<{ secondsPerStep: number; workerCpuPerStep: number }> {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const tag = performance.now().toFixed(0);
  const out = join(scratch, `alone-${tag}`);
  const file = join(scratch, `alone-${tag}.json`);
  writeFileSync(file, JSON.stringify({ ...config, output_dir: out }));
  const lines: string[] = [];
  let cpu: CpuWindow | null = null;
  await new Promise<void>((resolveRun, reject) => {
    const child = spawn(python!, workerArgs(file, false), {
      cwd: workerDir!,
      env: { ...process.env, ...WORKER_ENV, PYTHONPATH: workerDir! },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const window = new CpuWindow(() => child.pid!);
    cpu = window;
    const splitter = new LineSplitter((line) => {
      lines.push(line);
      const m = /"type":"progress".*"step":(\d+),"total_steps":(\d+)/.exec(line);
      if (m) window.progress(Number(m[1]), Number(m[2]));
    });
    child.stdout.on('data', (c: Buffer) => splitter.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`worker alone exited with ${code}`))));
  });
  return { secondsPerStep: perStep(lines), workerCpuPerStep: (cpu as CpuWindow | null)?.perStep() ?? Number.NaN };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-training-'));
  const core = await openStudio({ dataDir, host: 'server', version: 'bench', log: silentLogger() });
  try {
    const projectId = await seed(core);
    const tiny = await core.handlers.buildTinyModel({});
    const preview = await core.handlers.previewRun({ projectId, baseModelId: tiny.id, preset: 'quick' });
    const settings = { ...preview.settings, stages: [{ ...preview.settings.stages[0]!, steps: STEPS }], checkpoint_every: STEPS };
    console.log(`training overhead: tiny Qwen2-VL on CPU, ${STEPS} steps per run, ${REPEATS} repeat(s), python ${python}`);
    const rows: { studio: number; alone: number; first: number; cpu: number; wStudio: number; wAlone: number }[] = [];
    for (let r = 0; r < REPEATS; r += 1) {
      const s = await studioRun(core, projectId, tiny.id, settings);
      const a = await workerAlone(s.configPath, dataDir);
      rows.push({ studio: s.secondsPerStep, alone: a.secondsPerStep, first: s.firstMetricMs, cpu: s.cpuMsPerStep, wStudio: s.workerCpuPerStep, wAlone: a.workerCpuPerStep });
      console.log(
        `  repeat ${r + 1}: wall ${(s.secondsPerStep * 1000).toFixed(1)} ms/step studio vs ${(a.secondsPerStep * 1000).toFixed(1)} alone; ` +
          `worker CPU ${(s.workerCpuPerStep * 1000).toFixed(1)} ms/step studio vs ${(a.workerCpuPerStep * 1000).toFixed(1)} alone; studio CPU ${s.cpuMsPerStep.toFixed(2)} ms/step; ` +
          `click to first metric ${s.firstMetricMs} ms (startRun ${s.prepareMs} ms, worker start ${s.workerStartMs} ms, then model load + first step)`,
      );
    }
    const m = (k: keyof (typeof rows)[number]) => median(rows.map((r) => r[k]));
    const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(2)}%`;
    console.log(`click to first metric (median): ${(m('first') / 1000).toFixed(2)} s`);
    console.log(`wall time per step (median): studio ${(m('studio') * 1000).toFixed(1)} ms, worker alone ${(m('alone') * 1000).toFixed(1)} ms, difference ${pct(m('studio'), m('alone'))}`);
    console.log(`worker CPU per step (median): studio ${(m('wStudio') * 1000).toFixed(1)} ms, worker alone ${(m('wAlone') * 1000).toFixed(1)} ms, difference ${pct(m('wStudio'), m('wAlone'))}`);
    console.log(`studio's own CPU per step (median): ${m('cpu').toFixed(2)} ms = ${((m('cpu') / (m('wAlone') * 1000)) * 100).toFixed(2)}% of the worker's CPU per step (target: overhead < 2%)`);
  } finally {
    core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
