/**
 * Verifier training jobs: a learned verifier from the project's own verdicts. A job freezes a
 * snapshot (the export service: items plus responses with people's current verdicts) under
 * <data>/verifiers/<job id>/, runs `python -m cosmo_rl.verifier_train` on it with the private
 * umask, follows its progress events, then reads model_card.json and registers the folder in
 * `verifier` (migration 0013). A job that fails registers nothing. One job at a time per core;
 * job state lives in memory, the verifiers in SQLite.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadableDB } from '../../../db/handles.js';
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { LearnedVerifier, VerifierCard, type VerifierJob } from '../../../preload/contract/verifiers.js';
import { nowIso, type CoreContext } from '../context.js';
import { mkdirPrivate, withPrivateUmask } from '../private-files.js';
import { requireProjectRow } from '../services/lookup.js';
import { WORKER_ENV } from '../training/jobs.js';
import { lastErrorLine, runPython } from '../training/python-probe.js';
import { freezeSnapshot } from '../training/snapshot.js';
import { LineSplitter, parseWorkerLine } from '../training/worker-events.js';
import type { WorkerLocation } from './score-jobs.js';

export interface VerifierRequest {
  projectId: number;
  name?: string | undefined;
  seed?: number | undefined;
}

const PROGRESS_EVERY_MS = 250;

interface VerifierRow {
  id: number;
  project_id: number;
  name: string;
  path: string;
  snapshot_hash: string;
  card: string;
  created_at: string;
}

function toVerifier(row: VerifierRow): LearnedVerifier {
  return LearnedVerifier.parse({
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    path: row.path,
    snapshotHash: row.snapshot_hash,
    card: JSON.parse(row.card) as unknown,
    createdAt: row.created_at,
  });
}

export function listVerifiers(db: ReadableDB, projectId: number): LearnedVerifier[] {
  requireProjectRow(db, projectId);
  return db.prepare<VerifierRow>('SELECT * FROM verifier WHERE project_id = ? ORDER BY id').all(projectId).map(toVerifier);
}

/** `learned-<n>`: the first free one. */
function defaultName(db: ReadableDB, projectId: number): string {
  const taken = new Set(
    db
      .prepare<{ name: string }>('SELECT name FROM verifier WHERE project_id = ?')
      .all(projectId)
      .map((r) => r.name),
  );
  let n = 1;
  while (taken.has(`learned-${n}`)) n += 1;
  return `learned-${n}`;
}

export class VerifierJobs {
  private readonly jobs = new Map<string, VerifierJob>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: CoreContext,
    private readonly worker: WorkerLocation,
  ) {}

  get(jobId: string): VerifierJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('not_found', `no verifier job ${jobId}`);
    return { ...job };
  }

  /** Queues a job and returns it; it runs after the jobs queued before it. */
  start(req: VerifierRequest): VerifierJob {
    const db = this.ctx.db.read;
    requireProjectRow(db, req.projectId);
    if (!this.worker.python()) throw new StudioError('unsupported', this.worker.pythonMissing);
    const name = req.name ?? defaultName(db, req.projectId);
    const queued = [...this.jobs.values()].some((j) => j.projectId === req.projectId && j.name === name && (j.status === 'queued' || j.status === 'running'));
    if (queued || db.prepare('SELECT 1 FROM verifier WHERE project_id = ? AND name = ?').get(req.projectId, name)) {
      throw new StudioError('conflict', `project already has a verifier named "${name}"; choose another name`);
    }
    const job: VerifierJob = {
      jobId: `verifier-${randomBytes(6).toString('hex')}`,
      projectId: req.projectId,
      name,
      status: 'queued',
      done: 0,
      total: 0,
      etaSeconds: null,
      error: null,
      verifier: null,
      createdAt: nowIso(this.ctx),
      finishedAt: null,
    };
    this.jobs.set(job.jobId, job);
    this.emit(job);
    this.chain = this.chain.then(() => this.run(job, req.seed ?? 0));
    return { ...job };
  }

  /** Waits for every queued job (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private emit(job: VerifierJob): void {
    this.ctx.events.emit({ type: 'verifier.progress', job: { ...job } });
  }

  private finish(job: VerifierJob, error: string | null): void {
    job.status = error ? 'failed' : 'succeeded';
    job.error = error;
    job.etaSeconds = null;
    job.finishedAt = nowIso(this.ctx);
    this.emit(job);
    if (error) this.ctx.log.warn('verifier job failed', { jobId: job.jobId, error });
    else this.ctx.log.info('verifier job done', { jobId: job.jobId, verifierId: job.verifier?.id });
  }

  private async run(job: VerifierJob, seed: number): Promise<void> {
    job.status = 'running';
    this.emit(job);
    try {
      const dir = join(this.ctx.paths.root, 'verifiers', job.jobId);
      await mkdirPrivate(dir);
      const snapshot = await freezeSnapshot(this.ctx, job.projectId, dir);
      const out = join(dir, 'model');
      const error = await this.runWorker(job, ['--snapshot', snapshot.path, '--out', out, '--name', job.name, '--seed', String(seed)]);
      if (error) return this.finish(job, error);
      job.verifier = await this.register(job, out, snapshot.hash);
      job.done = job.total;
      this.finish(job, null);
      this.ctx.events.emit({ type: 'project.changed', projectId: job.projectId });
    } catch (err) {
      this.finish(job, err instanceof Error ? err.message : String(err));
    }
  }

  /** Runs the worker; returns why it failed, or null. */
  private async runWorker(job: VerifierJob, args: string[]): Promise<string | null> {
    const python = this.worker.python();
    if (!python) return this.worker.pythonMissing;
    let workerError: string | null = null;
    let finished: string | null = null;
    let lastEmit = 0;
    const splitter = new LineSplitter((line) => {
      const parsed = parseWorkerLine(line);
      if (parsed.kind !== 'event') return;
      const e = parsed.event;
      if (e.type === 'progress') {
        job.done = e.step;
        job.total = e.total_steps;
        job.etaSeconds = e.eta_seconds;
        const now = Date.now();
        if (now - lastEmit >= PROGRESS_EVERY_MS) {
          lastEmit = now;
          this.emit(job);
        }
      } else if (e.type === 'error') {
        workerError = e.message;
      } else if (e.type === 'finished') {
        finished = e.status;
      }
    });
    const pythonPath = [this.worker.workerDir, process.env.PYTHONPATH].filter(Boolean).join(process.platform === 'win32' ? ';' : ':');
    const run = await withPrivateUmask(() =>
      runPython(python, ['-m', 'cosmo_rl.verifier_train', ...args], {
        cwd: this.worker.workerDir,
        env: { ...process.env, ...WORKER_ENV, PYTHONPATH: pythonPath },
        onStdout: (chunk) => splitter.push(chunk),
      }),
    );
    if (run.spawnError) return `The worker could not start: ${run.spawnError}`;
    if (finished === 'completed' && run.code === 0) return null;
    if (workerError) return `Training the verifier failed: ${workerError}`;
    return `Training the verifier stopped without finishing (exit ${run.code ?? 'signal'}): ${lastErrorLine(run.stderr)}`;
  }

  private async register(job: VerifierJob, out: string, snapshotHash: string): Promise<LearnedVerifier> {
    const cardFile = join(out, 'model_card.json');
    const parsed = VerifierCard.safeParse(JSON.parse(await readFile(cardFile, 'utf8')));
    if (!parsed.success)
      throw new StudioError('internal', `${cardFile}: the worker wrote an unexpected card (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`);
    if (parsed.data.snapshot_hash !== snapshotHash) throw new StudioError('internal', `${cardFile}: trained on snapshot ${parsed.data.snapshot_hash}, expected ${snapshotHash}`);
    const w = this.ctx.db.write;
    const id = w.transaction(() =>
      Number(
        w
          .prepare('INSERT INTO verifier (project_id, name, path, snapshot_hash, card, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(job.projectId, job.name, out, snapshotHash, JSON.stringify(parsed.data), nowIso(this.ctx)).lastInsertRowid,
      ),
    );
    return toVerifier(this.ctx.db.read.prepare<VerifierRow>('SELECT * FROM verifier WHERE id = ?').get(id)!);
  }
}

/** The verifier methods of StudioApi (preload/contract/verifiers.ts). */
export function verifierHandlers(ctx: CoreContext, jobs: VerifierJobs): Pick<StudioHandlers, 'trainVerifier' | 'getVerifierJob' | 'listVerifiers'> {
  return {
    trainVerifier: (input) => jobs.start(input),
    getVerifierJob: ({ jobId }) => jobs.get(jobId),
    listVerifiers: ({ projectId }) => listVerifiers(ctx.db.read, projectId),
  };
}
