/**
 * The job manager against a stand-in worker: a `cosmo_rl.train` module in a temp folder that
 * speaks the protocol the way a misbehaving worker might (stray prints, a cut line, ignoring
 * cancel, dying with a traceback). Fast (no torch), so the edge cases are cheap to cover; the real
 * worker is exercised in training.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import type { StudioEvent } from '../../preload/contract/events.js';
import type { RunSummary } from '../../preload/contract/training.js';
import { createTraining, type Training } from '../../main/core/training/service.js';
import { openTempCore, type TempCore } from '../helpers/core.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { labelledProject } from './training-project.js';

// The environment probe wants the worker's packages; the stand-in itself needs only Python.
const python = workerPython('torch, trl, transformers, peft, accelerate, datasets, pydantic, PIL, huggingface_hub');

const STAND_IN = `
import json, os, sys, threading, time
def emit(**e):
    e = {"v": 1, "time": "2026-11-24T20:00:00.000Z", **e}
    sys.stdout.write(json.dumps(e) + "\\n"); sys.stdout.flush()
mode = os.environ["STAND_IN_MODE"]
cancelled = threading.Event()
def read():
    for line in sys.stdin:
        if '"cancel"' in line: cancelled.set()
threading.Thread(target=read, daemon=True).start()
print("a stray print on stdout", flush=True)
sys.stdout.write('{"v": 1, "type": "metr\\n'); sys.stdout.flush()
emit(type="started", run_id=None, device="cpu", gpu=None, torch="t", transformers="x", trl="y", config_hash="h")
print("log line on stderr", file=sys.stderr, flush=True)
for step in range(1, 1000):
    emit(type="progress", stage="stage2", step=step, total_steps=4, stage_step=step, stage_total=4, eta_seconds=None)
    emit(type="metrics", step=step, stage="stage2", values={"loss": 1.0 / step})
    if mode == "crash" and step == 2:
        config_path = sys.argv[sys.argv.index("--config") + 1]
        with open(os.path.join(os.path.dirname(config_path), "output", "worker-made.txt"), "w") as f:
            f.write("a file the worker wrote")
        print("Traceback (most recent call last):\\nRuntimeError: boom", file=sys.stderr, flush=True)
        sys.exit(3)
    if cancelled.is_set() and mode == "obey":
        emit(type="checkpoint", step=step, stage="stage2", path="/nowhere/checkpoint-%d" % step)
        emit(type="finished", status="cancelled", checkpoint=None, output=None)
        sys.exit(0)
    time.sleep(0.05)
`;

function waitEnded(t: TempCore, training: Training, runId: number): Promise<RunSummary> {
  return new Promise((resolveEnd) => {
    const check = (run: RunSummary) => ['completed', 'cancelled', 'failed', 'interrupted'].includes(run.status);
    const off = t.core.events.subscribe((e: StudioEvent) => {
      if (e.type === 'run.status' && e.run.id === runId && check(e.run)) {
        off();
        resolveEnd(e.run);
      }
    });
    const now = training.jobs.summary(runId);
    if (check(now)) {
      off();
      resolveEnd(now);
    }
  });
}

function firstMetric(t: TempCore, runId: number): Promise<void> {
  return new Promise((res) => {
    const off = t.core.events.subscribe((e) => {
      if (e.type === 'run.metrics' && e.runId === runId) {
        off();
        res();
      }
    });
  });
}

describe.skipIf(!python)('job manager with a stand-in worker', () => {
  const dir = makeTempDir('studio-jobs-');
  let t: TempCore;
  let projectId: number;
  let modelId: number;
  const workerDir = join(dir.path, 'worker');

  beforeAll(async () => {
    mkdirSync(join(workerDir, 'cosmo_rl'), { recursive: true });
    writeFileSync(join(workerDir, 'cosmo_rl', '__init__.py'), '');
    writeFileSync(join(workerDir, 'cosmo_rl', 'train.py'), STAND_IN);
    const modelDir = join(dir.path, 'model');
    mkdirSync(modelDir);
    writeFileSync(join(modelDir, 'config.json'), JSON.stringify({ model_type: 'qwen2_vl', architectures: ['Qwen2VLForConditionalGeneration'], vision_config: {} }));
    t = await openTempCore();
    projectId = await labelledProject(t);
    const setup = createTraining(t.core.context, { envPython: python!, workerDir });
    modelId = (await setup.handlers.addBaseModel({ source: 'local', path: modelDir, trustRemoteCode: false })).id;
    setup.close();
  });
  afterAll(() => {
    t?.close();
    dir.cleanup();
  });

  function training(mode: string, cancelGraceMs = 60_000): Training {
    return createTraining(t.core.context, { envPython: python!, workerDir, cancelGraceMs, extraWorkerEnv: { STAND_IN_MODE: mode } });
  }

  it('keeps stray stdout as log entries, stores stderr, and fails a worker that dies without finishing', async () => {
    const tr = training('crash');
    // A permissive umask: the run folder's modes must not come from it (folders 0700, files 0600).
    const umask = process.umask(0o000);
    try {
      const run = await tr.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
      const end = await waitEnded(t, tr, run.id);
      const runDir = join(t.dataDir, 'runs', run.dir);
      const loose: string[] = [];
      const walk = (folder: string) => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const path = join(folder, entry.name);
          const mode = statSync(path).mode & 0o777;
          if (entry.isDirectory() ? mode !== 0o700 : ![0o600, 0o400].includes(mode)) loose.push(`${entry.name} ${mode.toString(8)}`);
          if (entry.isDirectory()) walk(path);
        }
      };
      walk(runDir);
      expect(readdirSync(join(runDir, 'output'))).toContain('worker-made.txt');
      expect(statSync(runDir).mode & 0o777).toBe(0o700);
      expect(loose).toEqual([]);
      expect(end.status).toBe('failed');
      expect(end.exitReason).toBe('The worker exited with code 3 without finishing: RuntimeError: boom.');
      const detail = await tr.handlers.getRun({ runId: run.id, sinceStep: 0, samples: 5 });
      expect(detail.logTail).toContain('log line on stderr');
      expect(detail.logTail).toContain('RuntimeError: boom');
      expect(detail.metrics.map((m) => m.step)).toEqual([1, 2]);
      const messages = detail.events.map((e) => e.message);
      expect(messages).toContain('a stray print on stdout');
      expect(messages.some((m) => m.startsWith('{"v": 1, "type": "metr'))).toBe(true);
      expect(detail.run.canResume).toBe(false);
    } finally {
      process.umask(umask);
      tr.close();
    }
  });

  it('cancels through stdin: the worker checkpoints and finishes as cancelled', async () => {
    const tr = training('obey');
    try {
      const run = await tr.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
      await firstMetric(t, run.id);
      await tr.handlers.cancelRun({ runId: run.id });
      const end = await waitEnded(t, tr, run.id);
      expect(end.status).toBe('cancelled');
      expect(end.exitReason).toMatch(/^Cancelled at step \d+; resume continues from the last checkpoint\.$/);
      expect(end.canResume).toBe(true);
    } finally {
      tr.close();
    }
  });

  it('ends a worker that ignores cancel with SIGTERM after the grace period', async () => {
    const tr = training('ignore', 300);
    try {
      const run = await tr.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
      await firstMetric(t, run.id);
      expect((await tr.handlers.cancelRun({ runId: run.id })).status).toBe('cancelling');
      const end = await waitEnded(t, tr, run.id);
      expect(end.status).toBe('cancelled');
      expect(end.exitReason).toBe('Cancelled; the worker did not stop in time and was ended by SIGTERM.');
    } finally {
      tr.close();
    }
  });

  it("leaves another live studio process's run alone, waits for it, and takes over when that process dies", async () => {
    const tr = training('obey');
    const other = spawn('sleep', ['60']);
    try {
      const earlier = await tr.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
      await tr.handlers.cancelRun({ runId: earlier.id });
      await waitEnded(t, tr, earlier.id);
      tr.close();
      // As if another studio process (pid of `sleep`) were running this run right now.
      t.core.context.db.write.prepare(`UPDATE run SET status = 'running', owner_pid = ? WHERE id = ?`).run(other.pid!, earlier.id);
      const tr2 = training('obey');
      try {
        expect(tr2.jobs.summary(earlier.id).status).toBe('running');
        expect(() => tr2.handlers.cancelRun({ runId: earlier.id })).toThrow(`Run ${earlier.id} is running in another studio process (pid ${other.pid}); cancel it there.`);
        const mine = await tr2.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
        await new Promise((r) => setTimeout(r, 500));
        expect(tr2.jobs.summary(mine.id).status).toBe('queued');
        other.kill('SIGKILL');
        await firstMetric(t, mine.id);
        expect(tr2.jobs.summary(earlier.id).status).toBe('interrupted');
        await tr2.handlers.cancelRun({ runId: mine.id });
        await waitEnded(t, tr2, mine.id);
      } finally {
        tr2.close();
      }
    } finally {
      other.kill('SIGKILL');
      tr.close();
    }
  });

  it('cancels a queued run at once, and refuses to resume a run with no checkpoint', async () => {
    const tr = training('ignore', 300);
    try {
      const first = await tr.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
      const second = await tr.handlers.startRun({ projectId, baseModelId: modelId, preset: 'quick' });
      expect(second).toMatchObject({ status: 'queued', queuePosition: 1 });
      const cancelled = await tr.handlers.cancelRun({ runId: second.id });
      expect(cancelled).toMatchObject({ status: 'cancelled', exitReason: 'Cancelled before it started.' });
      await expect(Promise.resolve().then(() => tr.handlers.resumeRun({ runId: second.id }))).rejects.toThrow(`Run ${second.id} has no checkpoint to resume from; start a new run instead.`);
      await tr.handlers.cancelRun({ runId: first.id });
      await waitEnded(t, tr, first.id);
    } finally {
      tr.close();
    }
  });
});
