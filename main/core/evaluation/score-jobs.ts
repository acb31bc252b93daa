/**
 * Score jobs: the worker's verifiers (`python -m cosmo_rl.score`) over a project's stored
 * responses, one job at a time per core. A job writes its input under
 * <data>/evaluations/scoring/<job id>/, follows the worker's progress events, and stores the
 * verdicts in `response_auto_verdict` in one transaction when the worker finishes, so a job that
 * fails or dies changes nothing. Job state lives in memory (it is a cache of what the worker is
 * doing); the verdicts it produced live in SQLite.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StudioError } from '../../../preload/contract/errors.js';
import { Verdict } from '../../../preload/contract/responses.js';
import type { ScoreJob, VerifierTier } from '../../../preload/contract/scoring.js';
import { nowIso, type CoreContext } from '../context.js';
import { projectResolver } from '../adjudication/resolve.js';
import { currentLabels, readProjectItems } from '../export/read-project.js';
import { createExportFile } from '../export/folder.js';
import { mkdirPrivate, withPrivateUmask } from '../private-files.js';
import { requireProjectRow } from '../services/lookup.js';
import { WORKER_ENV } from '../training/jobs.js';
import { lastErrorLine, runPython } from '../training/python-probe.js';
import { LineSplitter, parseWorkerLine } from '../training/worker-events.js';
import { resolveJudgePath } from './judge-model.js';
import { verifierItemFields, type VerifierItemFields } from './verifier-input.js';

export interface WorkerLocation {
  python(): string | null;
  workerDir: string;
  pythonMissing: string;
}

export interface ScoreRequest {
  projectId: number;
  tier: VerifierTier;
  verifierPath?: string | undefined;
  judgeModelId?: number | undefined;
  models?: string[] | undefined;
}

const WorkerVerdict = z.object({
  response_id: z.number().int(),
  verdict: Verdict.nullable(),
  task_label: z.string(),
  task_score: z.number(),
  helpful_score: z.number().nullable(),
  confidence: z.number().min(0).max(1),
  source: z.string(),
  note: z.string().nullable(),
  // Written by the worker since the judge's forced choice (absent from older workers' records).
  fallback: z.literal('rules').nullable().optional(),
  fallback_reason: z.string().nullable().optional(),
  probabilities: z.record(z.string(), z.number().min(0).max(1)).nullable().optional(),
});

const PROGRESS_EVERY_MS = 250;

export class ScoreJobs {
  private readonly jobs = new Map<string, ScoreJob>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: CoreContext,
    private readonly worker: WorkerLocation,
  ) {}

  get(jobId: string): ScoreJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('not_found', `no score job ${jobId}`);
    return { ...job };
  }

  /** Queues a job and returns it; it runs after the jobs queued before it. */
  start(request: ScoreRequest): ScoreJob {
    requireProjectRow(this.ctx.db.read, request.projectId);
    if (request.tier !== 'judge' && request.judgeModelId !== undefined) throw new StudioError('invalid_input', 'a judge model is only for the judge tier');
    const req = request.tier === 'judge' ? { ...request, verifierPath: resolveJudgePath(this.ctx.db.read, request) } : request;
    if (req.tier !== 'rules' && !req.verifierPath) throw new StudioError('invalid_input', `the ${req.tier} tier needs a verifier path`);
    if (!this.worker.python()) throw new StudioError('unsupported', this.worker.pythonMissing);
    const job: ScoreJob = {
      jobId: `score-${randomBytes(6).toString('hex')}`,
      projectId: req.projectId,
      tier: req.tier,
      verifier: req.tier === 'rules' ? '' : (req.verifierPath ?? ''),
      status: 'queued',
      done: 0,
      total: 0,
      etaSeconds: null,
      error: null,
      createdAt: nowIso(this.ctx),
      finishedAt: null,
    };
    this.jobs.set(job.jobId, job);
    this.emit(job);
    this.chain = this.chain.then(() => this.run(job, req));
    return { ...job };
  }

  /** Waits for every queued job (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private emit(job: ScoreJob): void {
    this.ctx.events.emit({ type: 'score.progress', job: { ...job } });
  }

  private finish(job: ScoreJob, error: string | null): void {
    job.status = error ? 'failed' : 'succeeded';
    job.error = error;
    job.etaSeconds = null;
    job.finishedAt = nowIso(this.ctx);
    this.emit(job);
    if (error) this.ctx.log.warn('score job failed', { jobId: job.jobId, error });
    else this.ctx.log.info('score job done', { jobId: job.jobId, responses: job.total });
  }

  private async run(job: ScoreJob, req: ScoreRequest): Promise<void> {
    job.status = 'running';
    this.emit(job);
    try {
      const dir = join(this.ctx.paths.root, 'evaluations', 'scoring', job.jobId);
      await mkdirPrivate(dir);
      const input = join(dir, 'input.jsonl');
      const output = join(dir, 'verdicts.jsonl');
      job.total = await this.writeInput(req, input);
      this.emit(job);
      if (job.total === 0) return this.finish(job, null);
      const error = await this.runWorker(job, input, output);
      if (error) return this.finish(job, error);
      await this.store(job, output);
      job.done = job.total;
      this.finish(job, null);
      this.ctx.events.emit({ type: 'project.changed', projectId: job.projectId });
    } catch (err) {
      this.finish(job, err instanceof Error ? err.message : String(err));
    }
  }

  /** Writes one worker input line per response; returns how many. */
  private async writeInput(req: ScoreRequest, path: string): Promise<number> {
    const db = this.ctx.db.read;
    const models = req.models ?? null;
    // `image`: the prompt's image file, which a vision-language judge looks at.
    const byItem = new Map<number, VerifierItemFields & { image: string | null }>();
    const wanted = new Set(
      db
        .prepare<{ item_id: number; model_name: string }>('SELECT DISTINCT item_id, model_name FROM response WHERE project_id = ?')
        .all(req.projectId)
        .filter((r) => models === null || models.includes(r.model_name))
        .map((r) => r.item_id),
    );
    const resolver = projectResolver(db, req.projectId);
    for await (const page of readProjectItems(db, req.projectId)) {
      for (const { item, history } of page) {
        if (!wanted.has(item.id)) continue;
        const fields = verifierItemFields(item, resolver.resolve(item.id, currentLabels(history)).agg).fields;
        byItem.set(item.id, { ...fields, image: item.image ? this.ctx.blobs.path(item.image.sha256) : null });
      }
    }
    const out = await createExportFile(path);
    let count = 0;
    try {
      let chunk = '';
      for (const r of db
        .prepare<{ id: number; item_id: number; model_name: string; text: string }>('SELECT id, item_id, model_name, text FROM response WHERE project_id = ? ORDER BY id')
        .iterate(req.projectId)) {
        if (models !== null && !models.includes(r.model_name)) continue;
        const item = byItem.get(r.item_id);
        if (!item) continue;
        chunk += `${JSON.stringify({ response_id: r.id, response: r.text, item })}\n`;
        count += 1;
        if (chunk.length > 1 << 20) {
          await out.write(chunk);
          chunk = '';
        }
      }
      if (chunk) await out.write(chunk);
      await out.sync();
    } finally {
      await out.close();
    }
    return count;
  }

  /** Runs the worker; returns why it failed, or null. */
  private async runWorker(job: ScoreJob, input: string, output: string): Promise<string | null> {
    const python = this.worker.python();
    if (!python) return this.worker.pythonMissing;
    const args = ['-m', 'cosmo_rl.score', '--input', input, '--out', output, '--tier', job.tier];
    if (job.verifier) args.push('--verifier', job.verifier);
    let workerError: string | null = null;
    let finished: string | null = null;
    let lastEmit = 0;
    const splitter = new LineSplitter((line) => {
      const parsed = parseWorkerLine(line);
      if (parsed.kind !== 'event') return;
      const e = parsed.event;
      if (e.type === 'progress') {
        job.done = e.step;
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
    const run = await withPrivateUmask(() =>
      runPython(python, args, {
        cwd: this.worker.workerDir,
        env: { ...process.env, ...WORKER_ENV, PYTHONPATH: [this.worker.workerDir, process.env.PYTHONPATH].filter(Boolean).join(process.platform === 'win32' ? ';' : ':') },
        onStdout: (chunk) => splitter.push(chunk),
      }),
    );
    if (run.spawnError) return `The worker could not start: ${run.spawnError}`;
    if (finished === 'completed' && run.code === 0) return null;
    if (workerError) return `The verifier failed: ${workerError}`;
    return `The verifier stopped without finishing (exit ${run.code ?? 'signal'}): ${lastErrorLine(run.stderr)}`;
  }

  private async store(job: ScoreJob, output: string): Promise<void> {
    const text = await readFile(output, 'utf8');
    const rows = text
      .split('\n')
      .filter((l) => l.trim())
      .map((line, index) => {
        const parsed = WorkerVerdict.safeParse(JSON.parse(line));
        if (!parsed.success) throw new StudioError('internal', `${output}:${index + 1}: the worker wrote an unexpected verdict (${parsed.error.issues[0]?.message ?? ''})`);
        return parsed.data;
      });
    if (rows.length !== job.total) throw new StudioError('internal', `the worker scored ${rows.length} of ${job.total} responses`);
    const w = this.ctx.db.write;
    const createdAt = nowIso(this.ctx);
    w.transaction(() => {
      const upsert = w.prepare(
        `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, probabilities, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (response_id, tier, verifier) DO UPDATE SET verdict = excluded.verdict, task_label = excluded.task_label,
           task_score = excluded.task_score, helpful_score = excluded.helpful_score, confidence = excluded.confidence,
           source = excluded.source, note = excluded.note, probabilities = excluded.probabilities, created_at = excluded.created_at`,
      );
      for (const r of rows) {
        // A fallback's reason is its note (the worker writes the same text to both).
        const note = r.fallback === 'rules' ? (r.fallback_reason ?? r.note) : r.note;
        const probabilities = r.probabilities ? JSON.stringify(r.probabilities) : null;
        upsert.run(r.response_id, job.projectId, job.tier, job.verifier, r.verdict, r.task_label, r.task_score, r.helpful_score, r.confidence, r.source, note, probabilities, createdAt);
      }
    });
  }
}
