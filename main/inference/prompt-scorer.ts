/**
 * The learned verifier's prompt-label head in the app: scores prompts with `prompt_labels.onnx`
 * in the inference worker thread (score-worker.ts, kind 'prompt-labels') and hands back each
 * head's probabilities, the same as the Python worker's (tests/integration/prompt-label-parity
 * .test.ts checks them to 1e-5). The calling thread only posts batches and receives results.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { PromptField, PromptLabelScore, PromptRow } from './prompt-labels.js';
import { defaultWorkerFile } from './scorer.js';

export type { PromptField, PromptLabelScore, PromptRow } from './prompt-labels.js';

const BATCH = 512;

type Reply =
  | { type: 'ready'; heads: Partial<Record<PromptField, string[]>>; vocabSize: number }
  | { type: 'error'; message: string }
  | { type: 'scored'; id: number; results: PromptLabelScore[] }
  | { type: 'failed'; id: number; message: string };

export class PromptLabelScorer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: PromptLabelScore[]): void; reject(e: Error): void }>();

  private constructor(
    private readonly worker: Worker,
    readonly heads: Partial<Record<PromptField, string[]>>,
  ) {
    worker.on('message', (reply: Reply) => {
      if (reply.type !== 'scored' && reply.type !== 'failed') return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'scored') waiting?.resolve(reply.results);
      else waiting?.reject(new Error(reply.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`the prompt-label worker stopped (exit ${code})`)));
  }

  /** Starts a worker on `modelPath` (a prompt_labels.onnx or a verifier folder) and waits until it has loaded. */
  static async open(modelPath: string, options: { workerFile?: string } = {}): Promise<PromptLabelScorer> {
    const workerFile = options.workerFile ?? defaultWorkerFile();
    if (!existsSync(workerFile)) throw new Error(`the scoring worker ${workerFile} is missing (build with npm run build)`);
    const worker = new Worker(workerFile, { workerData: { modelPath, kind: 'prompt-labels' } });
    const ready = await new Promise<Extract<Reply, { type: 'ready' }>>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the prompt-label worker stopped while loading (exit ${code})`));
      worker.once('message', (reply: Reply) => {
        worker.off('error', reject).off('exit', onExit);
        if (reply.type === 'ready') resolve(reply);
        else if (reply.type === 'error') reject(new Error(reply.message));
      });
      worker.once('error', reject).once('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return new PromptLabelScorer(worker, ready.heads);
  }

  /** One result per row, in order. */
  async score(rows: readonly PromptRow[]): Promise<PromptLabelScore[]> {
    const batches: Promise<PromptLabelScore[]>[] = [];
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
    this.failAll(new Error('the prompt-label scorer was closed'));
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
