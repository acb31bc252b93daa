/**
 * Training end to end with the REAL Python worker on the tiny CPU model: a labelled temp
 * project, a run started through the API, its events in SQLite and in getRun, checkpoints
 * registered as models, a queue of two runs, cancel then resume, a worker killed with SIGKILL,
 * a studio closing mid-run, and broken environments refused with a clear sentence.
 *
 * Interpreter: tests/helpers/python.ts (STUDIO_PYTHON or native-models/.venv).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import type { StudioEvent } from '../../preload/contract/events.js';
import type { RunSummary } from '../../preload/contract/training.js';
import { createTraining } from '../../main/core/training/service.js';
import { openTempCore, type TempCore } from '../helpers/core.js';
import { labelledProject } from './training-project.js';
import { makeTempDir } from '../helpers/tempdir.js';

const WORKER_DIR = resolve(__dirname, '../../native-models');

function findWorkerPython(): string | null {
  return workerPython('torch, trl, transformers');
}

const python = findWorkerPython();

function waitFor(t: TempCore, pred: (e: StudioEvent) => boolean, timeoutMs = 120_000): Promise<StudioEvent> {
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const off = t.core.events.subscribe((e) => {
      if (pred(e)) {
        clearTimeout(timer);
        off();
        resolveWait(e);
      }
    });
  });
}

const ENDED = ['completed', 'cancelled', 'failed', 'interrupted'];
async function waitEnded(t: TempCore, runId: number): Promise<RunSummary> {
  const now = (await t.call('getRun', { runId, samples: 0 })).run;
  if (ENDED.includes(now.status)) return now;
  const e = await waitFor(t, (ev) => ev.type === 'run.status' && ev.run.id === runId && ENDED.includes(ev.run.status));
  return (e as Extract<StudioEvent, { type: 'run.status' }>).run;
}

/** The worker process the studio started (a child of this test process). */
function workerPid(): number {
  const out = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'cosmo_rl.train'], { encoding: 'utf8' }).trim();
  return Number(out.split('\n')[0]);
}

describe.skipIf(!python)('training with the real worker', () => {
  let t: TempCore;
  let projectId: number;
  let tinyId: number;
  const events: StudioEvent[] = [];
  const savedPython = process.env.STUDIO_PYTHON;
  const call: TempCore['call'] = (name, input) => t.call(name, input);

  beforeAll(async () => {
    // The core finds its interpreter the way the app does: STUDIO_PYTHON.
    process.env.STUDIO_PYTHON = python!;
    t = await openTempCore();
    t.core.events.subscribe((e) => events.push(e));
    projectId = await labelledProject(t);
    tinyId = (await call('buildTinyModel', {})).id;
  }, 180_000);
  afterAll(() => {
    t?.close();
    if (savedPython === undefined) delete process.env.STUDIO_PYTHON;
    else process.env.STUDIO_PYTHON = savedPython;
  });

  it('previews the quick preset with the config, command line and warnings', async () => {
    const preview = await call('previewRun', { projectId, baseModelId: tinyId, preset: 'quick' });
    expect(preview.canStart).toBe(true);
    expect(preview.dataset).toMatchObject({ items: 5, harmful: 2, benign: 2 });
    expect(Object.keys(preview.config.stages[0]!.task_mix).sort()).toEqual(['general', 'safety']);
    expect(preview.commandLine).toContain('-m cosmo_rl.train --config');
    expect(preview.cliCommand).toContain("studio train --project 'train me' --preset quick");
    expect(preview.warnings.map((w) => w.code)).toContain('vlm_without_images');
  });

  it('runs two queued runs one at a time; events reach the database and the API; checkpoints become models', async () => {
    const clicked = Date.now();
    const a = await call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', name: 'A' });
    const b = await call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', name: 'B' });
    expect(a.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.status).toBe('queued');
    expect(b.queuePosition).toBe(1);
    const endA = await waitEnded(t, a.id);
    expect(endA.status, endA.exitReason ?? '').toBe('completed');
    // While A ran, B never ran: the first B status after queued comes after A's end.
    const aEnd = events.findIndex((e) => e.type === 'run.status' && e.run.id === a.id && e.run.status === 'completed');
    const bRun = events.findIndex((e) => e.type === 'run.status' && e.run.id === b.id && e.run.status === 'running');
    expect(bRun === -1 || bRun > aEnd).toBe(true);
    const endB = await waitEnded(t, b.id);
    expect(endB.status).toBe('completed');

    const detail = await call('getRun', { runId: a.id });
    expect(detail.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(detail.metrics[0]!.values)).toContain('loss');
    expect(detail.samples.length).toBeGreaterThan(0);
    expect(detail.samples[0]!.rollouts[0]!.prompt.length).toBeGreaterThan(0);
    expect(detail.run).toMatchObject({ step: 4, totalSteps: 4, device: 'cpu', attempts: 1 });
    expect(detail.run.firstMetricAt).not.toBeNull();
    expect(detail.counts.started).toBe(1);
    expect(detail.counts.finished).toBe(1);
    expect(events.some((e) => e.type === 'run.metrics' && e.runId === a.id)).toBe(true);
    expect(events.some((e) => e.type === 'run.progress' && e.runId === a.id)).toBe(true);
    expect(events.some((e) => e.type === 'run.sample' && e.runId === a.id)).toBe(true);
    console.info(`[figure] click to first metric (tiny, CPU): ${Date.parse(detail.run.firstMetricAt!) - clicked} ms`);

    const models = await call('listModels', { runId: a.id });
    expect(models.map((m) => m.step)).toEqual([2, 4]);
    for (const m of models) {
      expect(m).toMatchObject({ kind: 'checkpoint', source: 'run', parentModelId: tinyId, runId: a.id, family: 'qwen2_vl' });
      expect(existsSync(m.path)).toBe(true);
      expect(m.metrics?.loss).toBeTypeOf('number');
      // A checkpoint carries the latest value of every metric reported up to its step, not only
      // the names the last row happened to hold (rewards arrive only on rollout steps).
      const namesUpTo = new Set(detail.metrics.filter((p) => p.step <= m.step!).flatMap((p) => Object.keys(p.values)));
      expect(Object.keys(m.metrics ?? {}).sort()).toEqual([...namesUpTo].sort());
    }
    expect(detail.checkpoints.map((c) => c.modelId)).toContain(models[0]!.id);
  }, 240_000);

  it('cancels with a checkpoint, then resumes from it to the end', async () => {
    const preview = await call('previewRun', { projectId, baseModelId: tinyId, preset: 'quick' });
    const settings = { ...preview.settings, stages: [{ ...preview.settings.stages[0]!, steps: 40 }], checkpoint_every: 2 };
    const run = await call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', settings, name: 'C' });
    await waitFor(t, (e) => e.type === 'model.changed' && e.model.runId === run.id);
    expect((await call('cancelRun', { runId: run.id })).status).toBe('cancelling');
    const cancelled = await waitEnded(t, run.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.canResume).toBe(true);
    expect(cancelled.step).toBeLessThan(40);
    const stoppedAt = cancelled.step;

    // Resume, let it move past where it stopped, cancel again.
    const resumedMetrics: number[] = [];
    const off = t.core.events.subscribe((e) => {
      if (e.type === 'run.metrics' && e.runId === run.id) resumedMetrics.push(e.point.step);
    });
    const resumed = await call('resumeRun', { runId: run.id });
    expect(['queued', 'running']).toContain(resumed.status);
    await waitFor(t, (e) => e.type === 'run.metrics' && e.runId === run.id && e.point.step > stoppedAt);
    await call('cancelRun', { runId: run.id });
    const second = await waitEnded(t, run.id);
    off();
    expect(second.status).toBe('cancelled');
    expect(second.attempts).toBe(2);
    expect(second.step).toBeGreaterThan(stoppedAt);
    // The resumed worker continued from the checkpoint saved at the cancel, not from step 1.
    expect(resumedMetrics[0]).toBe(stoppedAt + 1);
    const detail = await call('getRun', { runId: run.id });
    expect(detail.metrics.map((m) => m.step)).toEqual(Array.from({ length: second.step }, (_, i) => i + 1));
  }, 240_000);

  it('marks a worker killed with SIGKILL as failed, with its log tail', async () => {
    const preview = await call('previewRun', { projectId, baseModelId: tinyId, preset: 'quick' });
    const settings = { ...preview.settings, stages: [{ ...preview.settings.stages[0]!, steps: 40 }] };
    const run = await call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', settings, name: 'D' });
    await waitFor(t, (e) => e.type === 'model.changed' && e.model.runId === run.id);
    process.kill(workerPid(), 'SIGKILL');
    const end = await waitEnded(t, run.id);
    expect(end.status).toBe('failed');
    expect(end.exitReason).toContain('SIGKILL');
    const detail = await call('getRun', { runId: run.id });
    expect(detail.logTail.length).toBeGreaterThan(0);
    expect(detail.run.canResume).toBe(true);
  }, 240_000);

  it('marks a run interrupted when the studio closes mid-run, and on the next start', async () => {
    const preview = await call('previewRun', { projectId, baseModelId: tinyId, preset: 'quick' });
    const settings = { ...preview.settings, stages: [{ ...preview.settings.stages[0]!, steps: 40 }] };
    const run = await call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', settings, name: 'E' });
    const queued = await call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', name: 'F' });
    await waitFor(t, (e) => e.type === 'run.metrics' && e.runId === run.id);
    // The studio quits mid-run; a new process opens the same data directory.
    const dataDir = t.dataDir;
    t.core.close();
    const again = await openTempCore({ dataDir, keepDir: true });
    try {
      const runs = await again.call('listRuns', {});
      const byId = new Map(runs.map((r) => [r.id, r]));
      expect(byId.get(run.id)?.status).toBe('interrupted');
      expect(byId.get(run.id)?.exitReason).toContain('closed while this run was running');
      expect(byId.get(queued.id)?.status).toBe('interrupted');
      expect(byId.get(queued.id)?.exitReason).toContain('waiting in the queue');
      expect(runs.some((r) => ['running', 'queued', 'cancelling'].includes(r.status))).toBe(false);
    } finally {
      again.close();
    }
  }, 240_000);
});

describe('broken environments refuse a run with one clear sentence', () => {
  const dir = makeTempDir();
  afterAll(() => dir.cleanup());

  it('no Python at all', async () => {
    const t = await openTempCore();
    const training = createTraining(t.core.context, { envPython: join(dir.path, 'missing-python'), workerDir: WORKER_DIR });
    try {
      const projectId = await labelledProject(t);
      const modelDir = join(dir.path, 'm');
      mkdirSync(modelDir, { recursive: true });
      writeFileSync(join(modelDir, 'config.json'), JSON.stringify({ model_type: 'qwen2_vl', architectures: ['Qwen2VLForConditionalGeneration'], vision_config: {} }));
      const model = await training.handlers.addBaseModel({ source: 'local', path: modelDir, trustRemoteCode: false });
      const request = { projectId, baseModelId: model.id, preset: 'quick' as const };
      const preview = await training.handlers.previewRun(request);
      expect(preview.canStart).toBe(false);
      expect(preview.warnings[0]).toMatchObject({ code: 'environment', severity: 'blocker' });
      await expect(training.handlers.startRun(request)).rejects.toThrow(/The run cannot start: The training Python at .*missing-python does not run: .* does not exist/);
      expect(await training.handlers.listRuns({})).toEqual([]);
    } finally {
      training.close();
      t.close();
    }
  });

  it('a Python without the worker packages', async () => {
    const venv = join(dir.path, 'bare');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const t = await openTempCore();
    const training = createTraining(t.core.context, { envPython: join(venv, 'bin', 'python'), workerDir: WORKER_DIR });
    try {
      await expect(training.handlers.buildTinyModel({})).rejects.toThrow(/Building the tiny model failed: .*No module named/);
      const info = await training.handlers.getSystemInfo({});
      expect(info.ready).toBe(false);
      expect(info.problems.find((p) => p.area === 'packages')?.message).toMatch(/Missing in .*: torch/);
    } finally {
      training.close();
      t.close();
    }
  });
});
