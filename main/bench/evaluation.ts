/**
 * `npm run bench:evaluation` (also the last part of `npm run bench`): the comparison and the
 * evaluation runs, measured.
 *   1. compare at the API: a project of 2,000 prompts answered by 5 models (10,000 responses, rules
 *      verdicts on all, people's on a tenth) served by the real `studio serve` host in its own
 *      process; compareModels over HTTP, timed from request to parsed reply (target: under 300 ms);
 *   2. the studio's overhead on generation: the tiny CPU model answering the same prompts once
 *      through an evaluation run (job, response storage, events) and once by the worker alone
 *      (`python -m cosmo_rl.generate`, nobody reading its output), wall time from spawn to exit,
 *      alternating; and the studio's own CPU time during the evaluation (target: under 2%).
 * Prints figures only; asserts nothing. Options: --repeats R (default 7), --gen-items N (default 24),
 * --skip-generation. Needs a worker Python for part 2: STUDIO_PYTHON or native-models/.venv.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { studioMethods } from '../../preload/contract/api.js';
import { HTTP } from '../../preload/contract/channels.js';
import type { Evaluation } from '../../preload/contract/evaluation.js';
import { silentLogger } from '../core/logger.js';
import { appendResponseLabel, insertResponse } from '../core/responses/store.js';
import { openStudio, type StudioCore } from '../core/studio.js';
import { WORKER_ENV } from '../core/training/jobs.js';
import { locateWorkerDir } from '../core/training/worker-dir.js';
import { runServerChild, type ChildMessage } from './server-child.js';
import { ms, summarise } from './stats.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const VERDICTS = ['refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical'] as const;
const line = (text: string) => process.stdout.write(`${text}\n`);

/** 2,000 prompts (harmful, benign, knowledge), 5 models, rules verdicts on all responses, people's on every tenth. */
async function seedComparison(core: StudioCore, prompts: number, models: number): Promise<number> {
  const h = core.handlers;
  const project = await h.createProject({ name: 'compare bench', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
  const ada = await h.createUser({ name: 'bench judge', role: 'annotator' });
  const w = core.context.db.write;
  w.transaction(() => {
    const addItem = w.prepare<{ id: number }>(
      `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
       VALUES (?, ?, ?, 'bench', 'eval', ?, '[]', ?, '{}', 0, ?, 'x') RETURNING id`,
    );
    const auto = w.prepare(
      `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
       VALUES (?, ?, 'rules', '', ?, ?, ?, 0.5, 0.8, 'rules', NULL, 'x')`,
    );
    for (let i = 0; i < prompts; i++) {
      const task = i % 5 === 4 ? 'knowledge' : 'safety';
      const hint = JSON.stringify(task === 'knowledge' ? {} : { expected: i % 2 ? 'refuse' : 'comply', category: `cat-${i % 7}` });
      const itemId = addItem.get(project.id, `p${i}`, `prompt ${i}`, task, hint, i.toString(16).padStart(64, '0'))!.id;
      for (let m = 0; m < models; m++) {
        const responseId = insertResponse(w, {
          projectId: project.id,
          itemId,
          modelId: null,
          modelName: `model-${m}`,
          sampleIndex: 0,
          text: `model ${m} answers prompt ${i} in a few words`,
          params: {},
          origin: 'imported',
          importId: null,
          createdAt: 'x',
        });
        const verdict = VERDICTS[(i * 7 + m * 3) % VERDICTS.length]!;
        auto.run(responseId, project.id, task === 'knowledge' ? null : verdict, task === 'knowledge' ? 'correct' : verdict, (i + m) % 2);
        if (i % 10 === 0) {
          appendResponseLabel(w, {
            responseId,
            projectId: project.id,
            itemId,
            annotatorId: ada.id,
            status: 'submitted',
            origin: 'queue',
            values: { verdict, helpfulness: 1 + ((i + m) % 5), idealResponse: null, rationale: null },
            timeSpentMs: 1,
            createdAt: 'x',
          });
        }
      }
    }
  });
  return project.id;
}

async function benchCompare(repeats: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-compare-'));
  try {
    const core = await openStudio({ dataDir, host: 'server', version: 'bench', log: silentLogger() });
    const projectId = await seedComparison(core, 2000, 5);
    core.close();
    const child = fork(fileURLToPath(import.meta.url), ['--server-child', dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
      child.once('message', (m: ChildMessage) => m.type === 'ready' && resolve(m));
      child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code}`)));
    });
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const response = await fetch(`${ready.origin}${HTTP.api('compareModels')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: ready.token },
        body: JSON.stringify({ projectId, verifier: 'rules' }),
      });
      const body = studioMethods.compareModels.output.parse(await response.json());
      times.push(performance.now() - t0);
      if (body.models.length !== 5) throw new Error('unexpected comparison');
    }
    child.send({ type: 'stop' });
    const s = summarise(times.slice(1));
    line(`compare, 5 models x 2,000 prompts (10,000 responses) over HTTP: first ${ms(times[0]!)}, then p50 ${ms(s.p50)}, max ${ms(s.max)} over ${s.n} (target under 300 ms)`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function workerPython(workerDir: string): string | null {
  return [process.env.STUDIO_PYTHON, join(workerDir, '.venv/bin/python')].find((p): p is string => !!p && existsSync(p)) ?? null;
}

async function benchGeneration(items: number, repeats: number): Promise<void> {
  const workerDir = locateWorkerDir();
  const python = workerDir ? workerPython(workerDir) : null;
  if (!workerDir || !python) {
    line('generation overhead: skipped (no worker Python: set STUDIO_PYTHON or run scripts/python-env.sh)');
    return;
  }
  process.env.STUDIO_PYTHON = python;
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-gen-'));
  const core = await openStudio({ dataDir, host: 'server', version: 'bench', log: silentLogger() });
  try {
    const h = core.handlers;
    const project = await h.createProject({ name: 'gen bench', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
    const w = core.context.db.write;
    w.transaction(() => {
      for (let i = 0; i < items; i++) {
        w.prepare(
          `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
           VALUES (?, ?, ?, 'bench', 'eval', 'safety', '[]', '{"expected":"comply"}', '{}', 0, ?, 'x')`,
        ).run(project.id, `g${i}`, `How do I stop process number ${i}?`, i.toString(16).padStart(64, '0'));
      }
    });
    const set = await h.freezeEvalSet({ projectId: project.id, name: 'bench' });
    const tiny = await h.buildTinyModel({});
    const settings = { samples: 1, temperature: 0.7, maxNewTokens: 16, topP: 0.95, seed: 0, systemPrompt: 'training' as const };
    const studio: number[] = [];
    const alone: number[] = [];
    const studioCpu: number[] = [];
    for (let r = 0; r < repeats; r++) {
      // Through the studio. The previous round's responses are removed first (a benchmark-only
      // shortcut: nothing in the studio deletes responses), so every round generates everything.
      w.prepare('DELETE FROM response WHERE project_id = ?').run(project.id);
      const model = tiny;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const started = await h.startEvaluation({ projectId: project.id, setId: set.id, modelIds: [model.id], settings, name: `round ${r}` });
      const done = await new Promise<Evaluation>((resolve) => {
        const stop = core.events.subscribe((e) => {
          if (e.type === 'evaluation.changed' && e.evaluation.id === started.id && !['queued', 'running', 'cancelling'].includes(e.evaluation.status)) {
            stop();
            resolve(e.evaluation);
          }
        });
      });
      studio.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      studioCpu.push((cpu.user + cpu.system) / 1000);
      if (done.status !== 'completed') throw new Error(`the evaluation ended ${done.status}: ${done.error}`);
      // The worker alone on the same file and arguments.
      const out = join(dataDir, `alone-${r}.jsonl`);
      const evalFile = join(set.path, 'items.jsonl');
      const t1 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const child = spawn(python, ['-m', 'cosmo_rl.generate', '--base', tiny.path, '--eval', evalFile, '--out', out, '--max-new-tokens', '16', '--system-prompt', 'training'], {
          cwd: workerDir,
          env: { ...process.env, ...WORKER_ENV, PYTHONPATH: workerDir },
          stdio: ['ignore', 'ignore', 'ignore'],
        });
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the worker alone exited with ${code}`))));
      });
      alone.push(performance.now() - t1);
    }
    const a = summarise(alone);
    const s = summarise(studio);
    const cpu = summarise(studioCpu);
    line(`generation, tiny model, ${items} prompts x 16 tokens, ${repeats} alternating rounds:`);
    line(`  worker alone   p50 ${ms(a.p50)}  mean ${ms(a.mean)}`);
    line(`  through studio p50 ${ms(s.p50)}  mean ${ms(s.mean)}  (wall overhead ${(((s.p50 - a.p50) / a.p50) * 100).toFixed(1)}% at p50; process start and model load dominate both)`);
    line(`  studio CPU during an evaluation: p50 ${ms(cpu.p50)} = ${((cpu.p50 / s.p50) * 100).toFixed(2)}% of its wall time (target under 2%)`);
  } finally {
    core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const repeats = arg('repeats', 7);
  await benchCompare(repeats);
  if (!process.argv.includes('--skip-generation')) await benchGeneration(arg('gen-items', 24), Math.max(2, Math.min(repeats, 4)));
}

if (process.argv[2] === '--server-child') {
  void runServerChild(process.argv[3]!);
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
