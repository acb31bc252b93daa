/**
 * The job manager: runs the COSMO-RL worker as a child process, one run at a time (a GPU holds
 * one run; later runs wait in a queue), and stores everything the worker says.
 *
 * - stdout carries protocol events (worker-events.ts); each is stored in SQLite in its own
 *   transaction and pushed to the UIs; the raw lines are also appended to runs/<dir>/events.jsonl.
 *   Anything else on stdout is kept as a log entry.
 * - stderr is the worker's log: appended to runs/<dir>/worker.log, its tail kept in a ring buffer
 *   and saved on the run when it ends.
 * - cancel writes {"type":"cancel"} to stdin (the worker saves a checkpoint and finishes as
 *   cancelled); if it has not exited after a grace period it gets SIGTERM, then SIGKILL.
 * - a worker that exits without a `finished` event fails the run with the stderr tail.
 * - runs left queued/running by a previous process are marked interrupted when the manager is
 *   created, so nothing is ever shown running when nothing runs.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { StudioDb } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { RunStatus, RunSummary } from '../../../preload/contract/training.js';
import { nowIso, type Clock } from '../context.js';
import type { EventHub } from '../events.js';
import type { Logger } from '../logger.js';
import { ensurePrivateFileSync, withPrivateUmask } from '../private-files.js';
import { ACTIVE_STATUSES, getModelRow, getRunRow, metricsAt, toModelInfo, toRunSummary, updateRun, type ModelRow, type RunRow } from './store.js';
import { toProbePoint } from './probes.js';
import { LineSplitter, parseWorkerLine, toRollout, type WorkerEvent, type WorkerEventOf } from './worker-events.js';

/** Environment for every worker: offline (models are local folders), unbuffered, quiet tokenizers. */
export const WORKER_ENV: Readonly<Record<string, string>> = {
  HF_HUB_OFFLINE: '1',
  TRANSFORMERS_OFFLINE: '1',
  HF_DATASETS_OFFLINE: '1',
  HF_HUB_DISABLE_TELEMETRY: '1',
  TOKENIZERS_PARALLELISM: 'false',
  PYTHONUNBUFFERED: '1',
  PYTHONIOENCODING: 'utf-8',
};

/** How long event lines may wait to be stored together. */
const EVENT_BATCH_MS = 200;
/** Events stored the moment they arrive. */
const URGENT = /"type"\s*:\s*"(started|checkpoint|error|finished)"/;

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Queued or running under another studio process that is still alive. */
function ownedByOtherLiveProcess(row: Pick<RunRow, 'owner_pid'>): boolean {
  return row.owner_pid !== null && row.owner_pid !== process.pid && isAlive(row.owner_pid);
}

export function workerArgs(configPath: string, resume: boolean): string[] {
  return ['-m', 'cosmo_rl.train', '--config', configPath, ...(resume ? ['--resume'] : [])];
}

/** Keeps the last `maxLines` lines of a stream, for a failed run's message. */
export class RingBuffer {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly maxLines = 200) {}
  push(chunk: string): void {
    // Progress bars redraw with \r and no newline: \r ends a line too, or the partial line would
    // grow for the whole run (and be re-split on every chunk).
    const parts = (this.partial + chunk).split(/\r\n|\n|\r/);
    this.partial = (parts.pop() ?? '').slice(-4096);
    for (const line of parts) {
      if (line === '') continue;
      this.lines.push(line);
      if (this.lines.length > this.maxLines) this.lines.shift();
    }
  }
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
  /** The last line that looks like an error, else the last non-empty line. */
  lastError(): string | null {
    const all = this.text()
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return [...all].reverse().find((l) => /(Error|Exception|error:)/.test(l)) ?? all.at(-1) ?? null;
  }
}

export interface JobManagerOptions {
  /** A read-only core (a command that only reads) marks nothing interrupted. */
  readOnly?: boolean;
  db: StudioDb;
  events: EventHub;
  log: Logger;
  clock: Clock;
  runsDir: string;
  workerDir: string;
  /** Resolves the interpreter at launch; null when there is none (the run then fails with `pythonMissing`). */
  python: () => string | null;
  pythonMissing: string;
  /** How long a cancelled worker may take to checkpoint and exit before SIGTERM (then as long again before SIGKILL). */
  cancelGraceMs?: number;
  /** Added to the worker's environment (tests, benchmarks). */
  extraEnv?: Record<string, string>;
  /**
   * True while another GPU job of this studio (an evaluation) holds the device: queued runs wait
   * and start when `wake()` is called. One GPU job at a time, training or evaluation.
   */
  deviceBusy?: () => boolean;
}

interface ActiveJob {
  runId: number;
  child: ChildProcessWithoutNullStreams;
  stderrTail: RingBuffer;
  workerLog: WriteStream;
  eventLog: WriteStream;
  finished: WorkerEventOf<'finished'> | null;
  lastError: WorkerEventOf<'error'> | null;
  cancelRequested: boolean;
  timers: NodeJS.Timeout[];
  /** Event lines read but not stored yet (see flush). */
  pending: string[];
  flushTimer: NodeJS.Timeout | null;
  startedAtMs: number;
  exited: Promise<void>;
}

export class JobManager {
  private active: ActiveJob | null = null;
  private closed = false;
  /** Set while an own queued run waits for another process's run to end. */
  private retry: NodeJS.Timeout | null = null;
  private readonly grace: number;
  /** Called with every run change (status, progress), after it is stored. */
  private readonly listeners = new Set<(run: RunSummary) => void>();

  constructor(private readonly o: JobManagerOptions) {
    this.grace = o.cancelGraceMs ?? 60_000;
    if (!o.readOnly) this.markInterrupted();
  }

  /** Runs a previous process left queued or running: nothing runs them now. */
  /**
   * Runs a previous process left queued or running: nothing runs them now. A run whose owner is
   * another live studio process (the desktop app while `studio runs` looks) is left alone.
   */
  private markInterrupted(queuedToo = true): void {
    const w = this.o.db.write;
    const now = nowIso(this.o);
    const rows = w
      .prepare<RunRow>(`SELECT * FROM run WHERE status IN ('queued', 'running', 'cancelling')`)
      .all()
      .filter((row) => (queuedToo || row.status !== 'queued') && !ownedByOtherLiveProcess(row));
    if (rows.length === 0) return;
    w.transaction(() => {
      for (const row of rows) {
        updateRun(w, row.id, {
          status: 'interrupted',
          exit_reason:
            row.status === 'queued'
              ? 'The studio closed while this run was waiting in the queue.'
              : `The studio closed or crashed while this run was ${row.status === 'cancelling' ? 'stopping' : 'running'} (step ${row.step} of ${row.total_steps}).`,
          finished_at: now,
          eta_seconds: null,
        });
      }
    });
    this.o.log.info('runs marked interrupted', { runs: rows.map((r) => r.id) });
  }

  onRunChange(listener: (run: RunSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get activeRunId(): number | null {
    return this.active?.runId ?? null;
  }

  /** The running worker's process id (tests and diagnostics). */
  get activePid(): number | null {
    return this.active?.child.pid ?? null;
  }

  /** 1-based positions of queued runs, in launch order. */
  queuePositions(): Map<number, number> {
    // The write connection: it also sees what the current event transaction has not committed yet.
    const ids = this.o.db.write.prepare<{ id: number }>(`SELECT id FROM run WHERE status = 'queued' ORDER BY id`).all();
    return new Map(ids.map((r, i) => [r.id, i + 1]));
  }

  summary(runId: number): RunSummary {
    return toRunSummary(getRunRow(this.o.db.write, runId), this.queuePositions().get(runId) ?? null);
  }

  private changed(runId: number): void {
    const run = this.summary(runId);
    this.o.events.emit({ type: 'run.status', run });
    for (const l of this.listeners) l(run);
  }

  /** Puts a run (already stored as 'queued') in line and starts it if nothing runs. */
  enqueue(runId: number): void {
    this.changed(runId);
    this.pump();
  }

  /** True while this manager's worker runs (the device is taken). */
  busy(): boolean {
    return this.active !== null;
  }

  /** Starts the next queued run if the device is free (called when another GPU job ends). */
  wake(): void {
    this.pump();
  }

  private pump(): void {
    if (this.active || this.closed) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const next = this.o.db.read.prepare<RunRow>(`SELECT * FROM run WHERE status = 'queued' AND owner_pid = ? ORDER BY id LIMIT 1`).get(process.pid);
    if (!next) return;
    if (this.o.deviceBusy?.()) return;
    // A run left running by a process that has died since is not running: say so before looking.
    this.markInterrupted(false);
    // One run at a time across processes too: wait while another live studio process runs one.
    const busy = this.o.db.read.prepare<RunRow>(`SELECT * FROM run WHERE status IN ('running', 'cancelling')`).all().some(ownedByOtherLiveProcess);
    if (busy) {
      this.retry = setTimeout(() => this.pump(), 2000);
      this.retry.unref();
      return;
    }
    this.launch(next);
  }

  private launch(run: RunRow): void {
    const python = this.o.python();
    const now = nowIso(this.o);
    if (!python) {
      updateRun(this.o.db.write, run.id, { status: 'failed', exit_reason: this.o.pythonMissing, error: this.o.pythonMissing, finished_at: now });
      this.changed(run.id);
      this.pump();
      return;
    }
    const dir = join(this.o.runsDir, run.dir);
    // Every relaunch passes --resume: the worker continues from the newest checkpoint in the output
    // folder (even one saved just before a crash, before its event was stored) or starts afresh.
    const resume = run.attempts > 0;
    const args = workerArgs(join(dir, 'config.json'), resume);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...WORKER_ENV,
      PYTHONPATH: [this.o.workerDir, process.env.PYTHONPATH].filter(Boolean).join(process.platform === 'win32' ? ';' : ':'),
      ...this.o.extraEnv,
    };
    // Created 0600 before the streams append to them (a stream's mode passes through the umask).
    for (const name of ['worker.log', 'events.jsonl']) ensurePrivateFileSync(join(dir, name));
    const workerLog = createWriteStream(join(dir, 'worker.log'), { flags: 'a' });
    const eventLog = createWriteStream(join(dir, 'events.jsonl'), { flags: 'a' });
    workerLog.write(`\n==== ${now} ${resume ? 'resume' : 'start'}: ${python} ${args.join(' ')}\n`);
    updateRun(this.o.db.write, run.id, {
      status: 'running',
      started_at: run.started_at ?? now,
      finished_at: null,
      exit_reason: null,
      error: null,
      advice: null,
      attempts: run.attempts + 1,
      owner_pid: process.pid,
    });

    let child: ChildProcessWithoutNullStreams;
    try {
      // The checkpoints the worker writes into runs/ are private like the rest of the data directory.
      child = withPrivateUmask(() => spawn(python, args, { cwd: this.o.workerDir, env, stdio: ['pipe', 'pipe', 'pipe'] }));
    } catch (err) {
      workerLog.end();
      eventLog.end();
      this.fail(run.id, `The worker could not start: ${(err as Error).message}`, '');
      return;
    }
    let resolveExit: () => void = () => undefined;
    const job: ActiveJob = {
      runId: run.id,
      child,
      stderrTail: new RingBuffer(),
      workerLog,
      eventLog,
      finished: null,
      lastError: null,
      cancelRequested: false,
      timers: [],
      pending: [],
      flushTimer: null,
      startedAtMs: Date.now(),
      exited: new Promise((r) => (resolveExit = r)),
    };
    this.active = job;
    this.changed(run.id);
    this.o.log.info('worker started', { runId: run.id, pid: child.pid, resume });

    // Event lines are stored in batches: one durable commit per EVENT_BATCH_MS window rather than
    // one per event, so a fast run (tens of steps a second) costs the studio little. Checkpoints,
    // errors and the end are committed at once. A failing event rolls back only its own savepoint
    // (onStdoutLine catches it).
    const splitter = new LineSplitter((line) => {
      job.pending.push(line);
      if (URGENT.test(line)) this.flush(job);
      else job.flushTimer ??= setTimeout(() => this.flush(job), EVENT_BATCH_MS);
    });
    child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stdout.on('end', () => {
      splitter.end();
      this.flush(job);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      job.workerLog.write(chunk);
      job.stderrTail.push(chunk);
    });
    // A worker that exits before reading stdin makes writes fail with EPIPE: nothing to do then.
    child.stdin.on('error', () => undefined);
    let spawnError: string | null = null;
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err.code === 'ENOENT' ? `The training Python ${python} does not exist.` : `The worker could not start: ${err.message}`;
    });
    child.on('close', (code, signal) => {
      // 'close' fires after stdout ended, so every event line has been handled.
      this.onExit(job, code, signal, spawnError);
      resolveExit();
    });
  }

  /** Stores the pending event lines in one transaction. */
  private flush(job: ActiveJob): void {
    if (job.flushTimer) clearTimeout(job.flushTimer);
    job.flushTimer = null;
    if (job.pending.length === 0) return;
    const lines = job.pending.splice(0);
    this.o.db.write.transaction(() => {
      for (const line of lines) this.onStdoutLine(job, line);
    });
  }

  private onStdoutLine(job: ActiveJob, line: string): void {
    if (line.trim() === '') return;
    job.eventLog.write(`${line}\n`);
    const parsed = parseWorkerLine(line);
    if (parsed.kind !== 'event') {
      const message = parsed.kind === 'text' ? parsed.text : `${parsed.reason}: ${parsed.text.slice(0, 500)}`;
      this.storeEvent(job.runId, 'log', null, { level: parsed.kind === 'text' ? 'info' : 'warning', message }, nowIso(this.o));
      return;
    }
    try {
      this.handleEvent(job, parsed.event);
    } catch (err) {
      // A storage failure must not kill the job's bookkeeping: the run ends properly on exit.
      this.o.log.error('storing a worker event failed', { runId: job.runId, type: parsed.event.type, err });
    }
  }

  private storeEvent(runId: number, type: string, step: number | null, data: unknown, time: string): void {
    this.o.db.write.prepare('INSERT INTO run_event (run_id, type, step, data, time) VALUES (?, ?, ?, ?, ?)').run(runId, type, step, JSON.stringify(data), time);
  }

  private handleEvent(job: ActiveJob, event: WorkerEvent): void {
    const w = this.o.db.write;
    const runId = job.runId;
    switch (event.type) {
      case 'started':
        w.transaction(() => {
          updateRun(w, runId, { device: event.device, gpu_name: event.gpu?.name ?? null });
          this.storeEvent(runId, 'started', null, event, event.time);
        });
        this.changed(runId);
        return;
      case 'progress':
        updateRun(w, runId, { stage: event.stage, step: event.step, total_steps: event.total_steps, eta_seconds: event.eta_seconds });
        this.o.events.emit({
          type: 'run.progress',
          runId,
          stage: event.stage,
          step: event.step,
          totalSteps: event.total_steps,
          stageStep: event.stage_step,
          stageTotal: event.stage_total,
          etaSeconds: event.eta_seconds,
        });
        return;
      case 'metrics': {
        const time = nowIso(this.o);
        w.transaction(() => {
          w.prepare('INSERT OR REPLACE INTO run_metric (run_id, step, stage, metric_values, time) VALUES (?, ?, ?, ?, ?)').run(
            runId,
            event.step,
            event.stage,
            JSON.stringify(event.values),
            event.time,
          );
          w.prepare('UPDATE run SET first_metric_at = COALESCE(first_metric_at, ?) WHERE id = ?').run(time, runId);
        });
        this.o.events.emit({ type: 'run.metrics', runId, point: { step: event.step, stage: event.stage, time: event.time, values: event.values } });
        return;
      }
      case 'checkpoint': {
        const model = w.transaction(() => {
          updateRun(w, runId, { last_checkpoint: event.path });
          this.storeEvent(runId, 'checkpoint', event.step, event, event.time);
          return this.registerCheckpoint(runId, event.step, event.stage, event.path);
        });
        this.o.events.emit({ type: 'model.changed', model });
        this.changed(runId);
        return;
      }
      case 'sample':
        this.storeEvent(runId, 'sample', event.step, event, event.time);
        this.o.events.emit({
          type: 'run.sample',
          runId,
          sample: {
            step: event.step,
            stage: event.stage,
            time: event.time,
            rollouts: event.rollouts.map(toRollout),
          },
        });
        return;
      case 'probe':
        this.storeEvent(runId, 'probe', event.step, event, event.time);
        this.o.events.emit({ type: 'run.probe', runId, point: toProbePoint(event) });
        return;
      case 'log':
        this.storeEvent(runId, 'log', null, { level: event.level, message: event.message }, event.time);
        return;
      case 'error':
        job.lastError = event;
        w.transaction(() => {
          updateRun(w, runId, { error: event.message, advice: event.advice });
          this.storeEvent(runId, 'error', null, event, event.time);
        });
        return;
      case 'finished':
        job.finished = event;
        w.transaction(() => {
          updateRun(w, runId, { final_checkpoint: event.checkpoint });
          this.storeEvent(runId, 'finished', null, event, event.time);
        });
        // The worker should exit right after; if it lingers, end it so the run can close.
        job.timers.push(setTimeout(() => job.child.kill('SIGTERM'), Math.min(this.grace, 30_000)));
        return;
    }
  }

  /** A checkpoint becomes a model: parent base model, run, step and the metrics at that step. */
  private registerCheckpoint(runId: number, step: number, stage: string, path: string) {
    const w = this.o.db.write;
    const run = getRunRow(w, runId);
    const start = getModelRow(w, run.base_model_id);
    // A run started from a LoRA checkpoint trains that adapter further: its checkpoints are adapters on the same base.
    const base = start.kind === 'checkpoint' && start.parent_id !== null && existsSync(join(start.path, 'adapter_config.json')) ? getModelRow(w, start.parent_id) : start;
    const metrics = metricsAt(w, runId, step);
    const row = w
      .prepare<ModelRow>(
        `INSERT INTO model (kind, source, name, path, hub_id, model_type, family, info, status, trust_remote_code, parent_id, run_id, step, metrics, created_at)
         VALUES ('checkpoint', 'run', ?, ?, NULL, ?, ?, ?, 'ready', ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, metrics = excluded.metrics, name = excluded.name, deleted_at = NULL
         RETURNING *`,
      )
      .get(
        `${run.name} · ${stage} step ${step}`,
        path,
        base.model_type,
        base.family,
        JSON.stringify({ vision: (JSON.parse(base.info) as { vision?: boolean }).vision ?? false, adapterOf: base.path }),
        base.trust_remote_code,
        base.id,
        runId,
        step,
        metrics ? JSON.stringify(metrics) : null,
        nowIso(this.o),
      );
    if (!row) throw new Error('registering the checkpoint returned no row');
    return toModelInfo(row);
  }

  private onExit(job: ActiveJob, code: number | null, signal: NodeJS.Signals | null, spawnError: string | null): void {
    this.flush(job);
    for (const t of job.timers) clearTimeout(t);
    job.workerLog.end();
    job.eventLog.end();
    if (this.active === job) this.active = null;
    const runId = job.runId;
    const run = getRunRow(this.o.db.read, runId);
    const tail = job.stderrTail.text().slice(-16_000);
    const now = nowIso(this.o);
    const how = signal ? `was ended by ${signal}` : `exited with code ${code}`;
    let status: RunStatus;
    let reason: string;
    let error: string | null = run.error;
    if (spawnError) {
      status = 'failed';
      reason = spawnError;
      error = spawnError;
    } else if (job.finished) {
      status = job.finished.status;
      const early = job.finished.reason;
      reason =
        status === 'completed'
          ? early
            ? `${early.charAt(0).toUpperCase()}${early.slice(1)} (at step ${run.step} of ${run.total_steps}).`
            : `Completed ${run.step} of ${run.total_steps} steps.`
          : status === 'cancelled'
            ? `Cancelled at step ${run.step}${run.last_checkpoint ? '; resume continues from the last checkpoint' : ''}.`
            : `The worker reported a failure: ${job.lastError?.message ?? job.stderrTail.lastError() ?? 'no message'}.`;
    } else if (job.cancelRequested) {
      status = 'cancelled';
      reason = `Cancelled; the worker did not stop in time and ${how}.`;
    } else {
      status = 'failed';
      const last = job.lastError?.message ?? job.stderrTail.lastError();
      reason = `The worker ${how} without finishing${last ? `: ${last}` : ''}.`;
      error = error ?? last ?? `the worker ${how}`;
    }
    updateRun(this.o.db.write, runId, { status, exit_reason: reason, error, log_tail: tail, finished_at: now, eta_seconds: null });
    this.o.log.info('worker exited', { runId, code, signal, status });
    this.changed(runId);
    this.pump();
  }

  private fail(runId: number, message: string, tail: string): void {
    updateRun(this.o.db.write, runId, { status: 'failed', exit_reason: message, error: message, log_tail: tail, finished_at: nowIso(this.o) });
    this.active = null;
    this.changed(runId);
    this.pump();
  }

  /** Cancels a queued run at once; asks a running worker to checkpoint and stop. */
  cancel(runId: number): RunSummary {
    const run = getRunRow(this.o.db.read, runId);
    if (run.status === 'queued') {
      updateRun(this.o.db.write, runId, { status: 'cancelled', exit_reason: 'Cancelled before it started.', finished_at: nowIso(this.o) });
      this.changed(runId);
      return this.summary(runId);
    }
    const job = this.active;
    if (ACTIVE_STATUSES.includes(run.status) && ownedByOtherLiveProcess(run)) {
      throw new StudioError('conflict', `Run ${runId} is running in another studio process (pid ${run.owner_pid}); cancel it there.`);
    }
    if (!job || job.runId !== runId || !ACTIVE_STATUSES.includes(run.status)) return this.summary(runId);
    if (!job.cancelRequested) {
      job.cancelRequested = true;
      job.child.stdin.write('{"type":"cancel"}\n');
      updateRun(this.o.db.write, runId, { status: 'cancelling' });
      job.timers.push(
        setTimeout(() => {
          job.child.kill('SIGTERM');
          job.timers.push(setTimeout(() => job.child.kill('SIGKILL'), this.grace));
        }, this.grace),
      );
      this.changed(runId);
    }
    return this.summary(runId);
  }

  /** Resolves when the given run's worker (if it is the active one) has exited. */
  async waitForExit(runId: number): Promise<void> {
    if (this.active?.runId === runId) await this.active.exited;
  }

  /**
   * Called when the core closes (before the database does): the running run is marked
   * interrupted now, its worker is ended, and queued runs stay for the user to resume.
   */
  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    // This process will launch none of its queued runs any more. Written only when there are
    // some: a read-only studio (`studio projects`, `stats`) queues nothing and must not write.
    if (this.o.db.read.prepare(`SELECT 1 FROM run WHERE status = 'queued' AND owner_pid = ? LIMIT 1`).get(process.pid)) {
      this.o.db.write
        .prepare(
          `UPDATE run SET status = 'interrupted', exit_reason = 'The studio closed while this run was waiting in the queue.', finished_at = ?
           WHERE status = 'queued' AND owner_pid = ?`,
        )
        .run(nowIso(this.o), process.pid);
    }
    const job = this.active;
    if (!job) return;
    this.active = null;
    this.flush(job);
    for (const t of job.timers) clearTimeout(t);
    const run = getRunRow(this.o.db.read, job.runId);
    updateRun(this.o.db.write, job.runId, {
      status: 'interrupted',
      exit_reason: `The studio closed while this run was running (step ${run.step} of ${run.total_steps}).`,
      log_tail: job.stderrTail.text().slice(-16_000),
      finished_at: nowIso(this.o),
      eta_seconds: null,
    });
    job.child.removeAllListeners('close');
    job.child.stdout.removeAllListeners('data');
    job.child.stderr.removeAllListeners('data');
    job.child.kill('SIGTERM');
    job.workerLog.end();
    job.eventLog.end();
  }
}
