/**
 * The learned verifier in the app: scores responses with a verifier's model.onnx in a worker
 * thread (score-worker.ts) and hands back the learned tier's verdicts, the same as the Python
 * worker's (tests/integration/inference-parity.test.ts checks it to 1e-5). The calling thread only
 * posts batches and receives results.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VerdictTable } from '../core/verifiers/verdict-table.js';
import type { LearnedScore, ScoreRow } from './model.js';

export type { LearnedScore, ScoreRow } from './model.js';
export type { ClassifierItem } from './tokenize.js';

/** Rows per message: big enough to amortise a session run, small enough to keep messages short. */
const BATCH = 256;

type WorkerReply =
  | { type: 'ready'; labels: string[]; vocabSize: number; table: VerdictTable }
  | { type: 'error'; message: string }
  | { type: 'scored'; id: number; results: (LearnedScore | null)[] }
  | { type: 'failed'; id: number; message: string };

/**
 * The built worker (out/main/inference-worker.js): beside the bundle that imports this module, or
 * one folder up when the bundler put this module in a shared chunk (out/main/chunks/).
 */
export function defaultWorkerFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'inference-worker.js'), join(here, '..', 'inference-worker.js')];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

export class LearnedScorer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: (LearnedScore | null)[]): void; reject(e: Error): void }>();

  private constructor(
    private readonly worker: Worker,
    readonly labels: readonly string[],
    readonly vocabSize: number,
    /** The worker's decision table the model shipped with (core/verifiers/verdict-table.ts). */
    readonly table: VerdictTable,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type !== 'scored' && reply.type !== 'failed') return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'scored') waiting?.resolve(reply.results);
      else waiting?.reject(new Error(reply.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`the scoring worker stopped (exit ${code})`)));
  }

  /** Starts a worker on `modelPath` (a model.onnx or a verifier folder) and waits until it has loaded. */
  static async open(modelPath: string, options: { workerFile?: string } = {}): Promise<LearnedScorer> {
    const workerFile = options.workerFile ?? defaultWorkerFile();
    if (!existsSync(workerFile)) throw new Error(`the scoring worker ${workerFile} is missing (build with npm run build)`);
    const worker = new Worker(workerFile, { workerData: { modelPath } });
    const ready = await new Promise<{ labels: string[]; vocabSize: number; table: VerdictTable }>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the scoring worker stopped while loading (exit ${code})`));
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', reject).off('exit', onExit);
        if (reply.type === 'ready') resolve(reply);
        else if (reply.type === 'error') reject(new Error(reply.message));
      });
      worker.once('error', reject).once('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return new LearnedScorer(worker, ready.labels, ready.vocabSize, ready.table);
  }

  /** One result per row, in order; null where the rules tier decides (not a safety/jailbreak/value item). */
  async score(rows: readonly ScoreRow[]): Promise<(LearnedScore | null)[]> {
    const batches: Promise<(LearnedScore | null)[]>[] = [];
    for (let start = 0; start < rows.length; start += BATCH) {
      const id = this.nextId++;
      batches.push(
        new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.worker.postMessage({ type: 'score', id, rows: rows.slice(start, start + BATCH) });
        }),
      );
    }
    return (await Promise.all(batches)).flat();
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    this.failAll(new Error('the scorer was closed'));
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
