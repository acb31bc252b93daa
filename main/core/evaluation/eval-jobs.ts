/**
 * Evaluation runs: the worker's `generate` answering an evaluation set's prompts for a few models,
 * one GPU job at a time together with training (a queued evaluation waits while a run trains, and
 * a queued run waits while an evaluation generates; each wakes the other when it ends).
 *
 * - Responses are stored as the worker writes them (read from its output file on every progress
 *   event), so cancelling, a crash or a closed studio keep what was generated; a resume generates
 *   only what is still missing (eval-plan.ts).
 * - A worker that exits without `finished` fails the evaluation with the tail of its log; rows a
 *   dead studio process left running are marked interrupted when the next one opens.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { Evaluation, GenerationSettings, type EvaluationStatus } from '../../../preload/contract/evaluation.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { mkdirPrivateSync, withPrivateUmask, writePrivateFileSync } from '../private-files.js';
import { insertResponse } from '../responses/store.js';
import { parseJson } from '../services/rows.js';
import { isAlive, RingBuffer, WORKER_ENV } from '../training/jobs.js';
import { LineSplitter, parseWorkerLine } from '../training/worker-events.js';
import { evaluationModels, groupModels, missingItems, setItemLines, type EvalGroup } from './eval-plan.js';
import type { WorkerLocation } from './score-jobs.js';

/** What the evaluation jobs need of the training job manager. */
export interface TrainingDevice {
  busy(): boolean;
  wake(): void;
}

interface EvaluationRow {
  id: number;
  project_id: number;
  set_id: number;
  name: string;
  models: string;
  settings: string;
  status: EvaluationStatus;
  responses: number;
  done: number;
  total: number;
  eta_seconds: number | null;
  error: string | null;
  log_tail: string;
  owner_pid: number | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const WorkerLine = z.object({ item_id: z.string(), model: z.string(), sample_index: z.number().int().min(0), response: z.string(), params: z.record(z.string(), z.unknown()) });
const ACTIVE: readonly EvaluationStatus[] = ['queued', 'running', 'cancelling'];

function toEvaluation(row: EvaluationRow): Evaluation {
  return {
    id: row.id,
    projectId: row.project_id,
    setId: row.set_id,
    name: row.name,
    modelIds: parseJson(Evaluation.shape.modelIds, row.models, `evaluation ${row.id} models`),
    settings: parseJson(GenerationSettings, row.settings, `evaluation ${row.id} settings`),
    status: row.status,
    done: row.done,
    total: row.total,
    etaSeconds: row.eta_seconds,
    responses: row.responses,
    error: row.error,
    logTail: row.log_tail,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

interface Active {
  id: number;
  child: ChildProcessWithoutNullStreams | null;
  cancelled: boolean;
  tail: RingBuffer;
}

export class EvaluationJobs {
  private active: Active | null = null;
  private closed = false;
  private training: TrainingDevice | null = null;

  constructor(
    private readonly ctx: CoreContext,
    private readonly worker: WorkerLocation,
  ) {
    if (!ctx.options.readOnly) this.markInterrupted();
  }

  /** Connects the training job manager (created after this object: each waits for the other). */
  attach(training: TrainingDevice): void {
    this.training = training;
  }

  busy(): boolean {
    return this.active !== null;
  }

  private row(id: number): EvaluationRow {
    const row = this.ctx.db.read.prepare<EvaluationRow>('SELECT * FROM evaluation WHERE id = ?').get(id);
    if (!row) throw new StudioError('not_found', `no evaluation with id ${id}`);
    return row;
  }

  get(id: number): Evaluation {
    return toEvaluation(this.row(id));
  }

  list(projectId: number): Evaluation[] {
    return this.ctx.db.read.prepare<EvaluationRow>('SELECT * FROM evaluation WHERE project_id = ? ORDER BY id').all(projectId).map(toEvaluation);
  }

  private update(id: number, patch: Partial<Omit<EvaluationRow, 'id'>>): Evaluation {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length) {
      this.ctx.db.write.prepare(`UPDATE evaluation SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ id, ...(patch as Record<string, string | number | null>) });
    }
    const evaluation = this.get(id);
    this.ctx.events.emit({ type: 'evaluation.changed', evaluation });
    return evaluation;
  }

  /** Rows a studio process that is gone left queued or running are not running. */
  private markInterrupted(): void {
    const rows = this.ctx.db.read.prepare<EvaluationRow>(`SELECT * FROM evaluation WHERE status IN ('queued', 'running', 'cancelling')`).all();
    for (const row of rows) {
      if (row.owner_pid !== null && row.owner_pid !== process.pid && isAlive(row.owner_pid)) continue;
      this.update(row.id, {
        status: 'interrupted',
        error: 'The studio stopped while this evaluation was queued or running; resume it to generate what is missing.',
        eta_seconds: null,
        finished_at: nowIso(this.ctx),
      });
    }
  }

  start(input: { projectId: number; setId: number; modelIds: number[]; settings: GenerationSettings; name?: string | undefined }): Evaluation {
    const set = this.ctx.db.read.prepare<{ name: string }>('SELECT name FROM evaluation_set WHERE id = ? AND project_id = ?').get(input.setId, input.projectId);
    if (!set) throw new StudioError('not_found', `no evaluation set ${input.setId} in this project`);
    const models = evaluationModels(this.ctx.db.read, [...new Set(input.modelIds)]);
    if (!this.worker.python()) throw new StudioError('unsupported', this.worker.pythonMissing);
    const name = input.name ?? `${set.name}: ${models.map((m) => m.name).join(', ')}`.slice(0, 100);
    const row = this.ctx.db.write
      .prepare<{ id: number }>(`INSERT INTO evaluation (project_id, set_id, name, models, settings, status, owner_pid, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?) RETURNING id`)
      .get(input.projectId, input.setId, name, JSON.stringify(models.map((m) => m.id)), JSON.stringify(input.settings), process.pid, nowIso(this.ctx));
    if (!row) throw new StudioError('internal', 'creating the evaluation returned no row');
    const evaluation = this.update(row.id, {});
    this.pump();
    return evaluation;
  }

  resume(id: number): Evaluation {
    const row = this.row(id);
    if (ACTIVE.includes(row.status)) throw new StudioError('conflict', `evaluation "${row.name}" is already ${row.status}`);
    const evaluation = this.update(id, { status: 'queued', error: null, owner_pid: process.pid, finished_at: null });
    this.pump();
    return evaluation;
  }

  cancel(id: number): Evaluation {
    const row = this.row(id);
    if (row.status === 'queued') return this.update(id, { status: 'cancelled', finished_at: nowIso(this.ctx) });
    if (this.active?.id !== id) throw new StudioError('conflict', `evaluation "${row.name}" is not running in this studio (${row.status})`);
    this.active.cancelled = true;
    this.active.child?.kill('SIGTERM');
    return this.update(id, { status: 'cancelling' });
  }

  /** Starts the next own queued evaluation when the device is free. */
  pump(): void {
    if (this.active || this.closed || this.training?.busy()) return;
    const next = this.ctx.db.read.prepare<EvaluationRow>(`SELECT * FROM evaluation WHERE status = 'queued' AND owner_pid = ? ORDER BY id LIMIT 1`).get(process.pid);
    if (!next) return;
    const active: Active = { id: next.id, child: null, cancelled: false, tail: new RingBuffer(100) };
    this.active = active;
    void this.run(next, active).finally(() => {
      this.active = null;
      if (this.closed) return;
      this.pump();
      this.training?.wake();
    });
  }

  private async run(row: EvaluationRow, active: Active): Promise<void> {
    const settings = parseJson(GenerationSettings, row.settings, `evaluation ${row.id} settings`);
    const db = this.ctx.db.read;
    try {
      const models = evaluationModels(db, parseJson(Evaluation.shape.modelIds, row.models, `evaluation ${row.id} models`));
      const setPath = db.prepare<{ path: string }>('SELECT path FROM evaluation_set WHERE id = ?').get(row.set_id)!.path;
      const lines = setItemLines(setPath);
      const groups: EvalGroup[] = groupModels(db, models).map((g) => {
        const missing = missingItems(db, row.set_id, g.models, settings.samples);
        return { ...g, lines: [...lines].filter(([ext]) => missing.has(ext)).map(([, line]) => line) };
      });
      const total = groups.reduce((n, g) => n + g.lines.length * g.models.length * settings.samples, 0);
      this.update(row.id, { status: 'running', done: 0, total, eta_seconds: null, error: null, attempts: row.attempts + 1, started_at: row.started_at ?? nowIso(this.ctx) });
      let done = 0;
      for (const [index, group] of groups.entries()) {
        if (group.lines.length === 0) continue;
        const error = await this.generate(row, settings, group, index, active, done, total);
        if (this.closed) return;
        if (active.cancelled) return void this.update(row.id, { status: 'cancelled', eta_seconds: null, log_tail: active.tail.text(), finished_at: nowIso(this.ctx) });
        if (error) return void this.update(row.id, { status: 'failed', error, eta_seconds: null, log_tail: active.tail.text(), finished_at: nowIso(this.ctx) });
        done += group.lines.length * group.models.length * settings.samples;
      }
      this.update(row.id, { status: 'completed', done: total, eta_seconds: null, log_tail: active.tail.text(), finished_at: nowIso(this.ctx) });
      this.ctx.events.emit({ type: 'project.changed', projectId: row.project_id });
    } catch (err) {
      if (this.closed) return;
      this.update(row.id, { status: 'failed', error: err instanceof Error ? err.message : String(err), eta_seconds: null, log_tail: active.tail.text(), finished_at: nowIso(this.ctx) });
    }
  }

  /** One worker for one base model; returns why it failed, or null. */
  private generate(row: EvaluationRow, settings: GenerationSettings, group: EvalGroup, index: number, active: Active, doneBefore: number, total: number): Promise<string | null> {
    const python = this.worker.python();
    if (!python) return Promise.resolve(this.worker.pythonMissing);
    const dir = join(this.ctx.paths.root, 'evaluations', 'runs', String(row.id));
    mkdirPrivateSync(dir);
    const attempt = `${row.attempts + 1}-${index}`;
    const evalFile = join(dir, `items-${attempt}.jsonl`);
    const outFile = join(dir, `responses-${attempt}.jsonl`);
    writePrivateFileSync(evalFile, `${group.lines.join('\n')}\n`);
    writePrivateFileSync(outFile, '');
    const args = ['-m', 'cosmo_rl.generate', '--base', group.basePath, '--eval', evalFile, '--out', outFile];
    for (const a of group.adapters) args.push('--adapter', `${a.workerName}=${a.path}`);
    if (!group.withBase) args.push('--no-base');
    if (group.trustRemoteCode) args.push('--trust-remote-code');
    args.push('--samples', String(settings.samples), '--temperature', String(settings.temperature), '--max-new-tokens', String(settings.maxNewTokens));
    args.push('--top-p', String(settings.topP), '--seed', String(settings.seed), '--system-prompt', settings.systemPrompt);
    const reader = new OutputReader(outFile);
    const byWorkerName = new Map(group.models.map((m) => [m.workerName, m]));
    const store = () => this.storeLines(row, reader.read(), byWorkerName);
    return new Promise((resolve) => {
      let finished: string | null = null;
      let workerError: string | null = null;
      const child = withPrivateUmask(() =>
        spawn(python, args, {
          cwd: this.worker.workerDir,
          env: { ...process.env, ...WORKER_ENV, PYTHONPATH: [this.worker.workerDir, process.env.PYTHONPATH].filter(Boolean).join(process.platform === 'win32' ? ';' : ':') },
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      );
      active.child = child;
      child.stdin.on('error', () => undefined);
      const splitter = new LineSplitter((line) => {
        const parsed = parseWorkerLine(line);
        if (parsed.kind !== 'event') return;
        const e = parsed.event;
        if (this.closed) return;
        if (e.type === 'progress') {
          store();
          this.update(row.id, { done: doneBefore + e.step, eta_seconds: e.eta_seconds === null ? null : (e.eta_seconds * (total - doneBefore)) / Math.max(1, e.total_steps) });
        } else if (e.type === 'error') workerError = e.advice ? `${e.message} ${e.advice}` : e.message;
        else if (e.type === 'finished') finished = e.status;
      });
      child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => active.tail.push(chunk));
      let spawnError: string | null = null;
      child.on('error', (err) => (spawnError = `The worker could not start: ${err.message}`));
      child.on('close', (code) => {
        splitter.end();
        active.child = null;
        // The studio closed under it (and killed it): the database is gone; the next studio
        // marks the evaluation interrupted, and a resume generates what is missing.
        if (this.closed) return resolve('the studio closed');
        try {
          store();
        } catch (err) {
          return resolve(`storing the responses failed: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          reader.close();
        }
        if (spawnError) return resolve(spawnError);
        if (finished === 'completed' && code === 0) return resolve(null);
        if (workerError) return resolve(`The worker failed: ${workerError}`);
        resolve(active.cancelled ? null : `The worker stopped without finishing (exit ${code ?? 'by a signal'}): ${active.tail.lastError() ?? 'see its log'}`);
      });
    });
  }

  /** Stores complete response lines in one transaction; duplicates (a resumed item already answered) are skipped. */
  private storeLines(row: EvaluationRow, lines: string[], models: Map<string, { modelId: number; name: string }>): void {
    if (lines.length === 0) return;
    const w = this.ctx.db.write;
    const createdAt = nowIso(this.ctx);
    w.transaction(() => {
      const item = w.prepare<{ id: number }>('SELECT id FROM item WHERE project_id = ? AND external_id = ?');
      const exists = w.prepare('SELECT 1 FROM response WHERE item_id = ? AND model_key = ? AND sample_index = ?');
      let stored = 0;
      for (const text of lines) {
        const line = WorkerLine.parse(JSON.parse(text));
        const model = models.get(line.model);
        const itemRow = item.get(row.project_id, line.item_id);
        if (!model || !itemRow) throw new StudioError('internal', `the worker answered for an unknown ${model ? `item "${line.item_id}"` : `model "${line.model}"`}`);
        if (exists.get(itemRow.id, `m:${model.modelId}`, line.sample_index)) continue;
        insertResponse(w, {
          projectId: row.project_id,
          itemId: itemRow.id,
          modelId: model.modelId,
          modelName: model.name,
          sampleIndex: line.sample_index,
          text: line.response,
          params: { ...line.params, evaluation_id: row.id },
          origin: 'generated',
          importId: null,
          createdAt,
        });
        stored += 1;
      }
      w.prepare('UPDATE evaluation SET responses = responses + ? WHERE id = ?').run(stored, row.id);
    });
  }

  close(): void {
    this.closed = true;
    this.active?.child?.kill('SIGTERM');
  }
}

/** Reads the complete lines appended to a file since the last read. */
class OutputReader {
  private fd: number;
  private position = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }
  read(): string[] {
    const chunks: string[] = [];
    const buffer = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(this.fd, buffer, 0, buffer.length, this.position);
      if (n === 0) break;
      this.position += n;
      chunks.push(this.decoder.write(buffer.subarray(0, n)));
    }
    const parts = (this.partial + chunks.join('')).split('\n');
    this.partial = parts.pop() ?? '';
    return parts.filter((l) => l.trim());
  }
  close(): void {
    closeSync(this.fd);
  }
}
