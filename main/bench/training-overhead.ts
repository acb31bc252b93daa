/**
 * `npm run bench:training`: what the studio adds to a training run, measured with the real
 * worker on the tiny CPU model over a temp data dir.
 *   1. click to first metric: from the startRun call to the first metrics row stored
 *      (snapshot freeze, config, process start, Python imports, model load, first step);
 *   2. per-step time of the same config run by the studio's job manager and by the worker alone
 *      (`python -m cosmo_rl.train --config ...`, stdout to a file), from the worker's own
 *      progress-event timestamps, steps 2..N (step 1 carries warm-up); runs alternate;
 *   3. the studio's own CPU time per step (parsing, storing and pushing events), from
 *      process.cpuUsage() while the run trains.
 * Prints figures only; asserts nothing. Options: --steps N (default 24), --repeats R (default 2).
 * Needs a worker Python: STUDIO_PYTHON, native-models/.venv or /work/venv-cosmo.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunSummary } from '../../preload/contract/training.js';
import { silentLogger } from '../core/logger.js';
import { openStudio, type StudioCore } from '../core/studio.js';
import { WORKER_ENV, workerArgs } from '../core/training/jobs.js';
import { locateWorkerDir } from '../core/training/worker-dir.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const STEPS = arg('steps', 24);
const REPEATS = arg('repeats', 2);
const workerDir = locateWorkerDir();
if (!workerDir) throw new Error('native-models/ not found; set STUDIO_WORKER_DIR');
const python = [process.env.STUDIO_PYTHON, join(workerDir, '.venv/bin/python'), '/work/venv-cosmo/bin/python'].find((p) => p && existsSync(p));
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
  const project = await h.createProject({ name: 'bench', description: '', annotatorsPerItem: 1 });
  const db = core.context.db.write;
  const now = new Date().toISOString();
  for (const [i, [text, task, harmful, expected, reference]] of ITEMS.entries()) {
    const hash = createHash('sha256').update(`${text}\0`).digest('hex');
    const row = db
      .prepare<{ id: number }>(
        `INSERT INTO item (project_id, external_id, text, source, split, task, content_hash, created_at) VALUES (?, ?, ?, 'bench', 'train', ?, ?, ?) RETURNING id`,
      )
      .get(project.id, `b-${i}`, text, task, hash, now);
    await h.submitLabel({
      itemId: row!.id,
      annotatorId: user.id,
      timeSpentMs: 1,
      labels: { harmful, riskCategory: harmful ? 'violent_crimes' : null, severity: harmful ? 2 : null, expected, jailbreakType: null, crossModalRisk: null, visualCues: [], referenceAnswer: reference, rationale: null },
    });
  }
  return project.id;
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
  const off = core.events.subscribe((e) => {
    if (e.type === 'run.progress') {
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
    configPath: join(dir, 'config.json'),
  };
}

/** The worker alone: same config (fresh output dir), stdout to a file, nobody reading events live. */
async function workerAlone(configPath: string, scratch: string): Promise<number> {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const out = join(scratch, `alone-${performance.now().toFixed(0)}`);
  const file = join(scratch, `alone-${performance.now().toFixed(0)}.json`);
  writeFileSync(file, JSON.stringify({ ...config, output_dir: out }));
  const eventsPath = `${out}.events.jsonl`;
  await new Promise<void>((resolveRun, reject) => {
    const child = spawn(python!, workerArgs(file, false), {
      cwd: workerDir!,
      env: { ...process.env, ...WORKER_ENV, PYTHONPATH: workerDir! },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.pipe(createWriteStream(eventsPath));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`worker alone exited with ${code}`))));
  });
  return perStep(readFileSync(eventsPath, 'utf8').split('\n'));
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
    const studio: number[] = [];
    const alone: number[] = [];
    const first: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < REPEATS; r += 1) {
      const s = await studioRun(core, projectId, tiny.id, settings);
      const a = await workerAlone(s.configPath, dataDir);
      studio.push(s.secondsPerStep);
      alone.push(a);
      first.push(s.firstMetricMs);
      cpu.push(s.cpuMsPerStep);
      console.log(
        `  repeat ${r + 1}: studio ${(s.secondsPerStep * 1000).toFixed(1)} ms/step, worker alone ${(a * 1000).toFixed(1)} ms/step, ` +
          `click to first metric ${s.firstMetricMs} ms (startRun ${s.prepareMs} ms, worker start ${s.workerStartMs} ms, rest: model load + first step), studio CPU ${s.cpuMsPerStep.toFixed(2)} ms/step`,
      );
    }
    const ms = median(studio);
    const ma = median(alone);
    console.log(`click to first metric (median): ${(median(first) / 1000).toFixed(2)} s`);
    console.log(`per step (median): studio ${(ms * 1000).toFixed(1)} ms, worker alone ${(ma * 1000).toFixed(1)} ms, difference ${(((ms - ma) / ma) * 100).toFixed(2)}% (target < 2%)`);
    console.log(`studio's own CPU per step (median): ${median(cpu).toFixed(2)} ms = ${((median(cpu) / (ms * 1000)) * 100).toFixed(2)}% of a step`);
  } finally {
    core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
