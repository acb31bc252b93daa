/**
 * One scoring worker thread (score-worker.ts) seen from the calling thread: starts it, waits for
 * its `ready` message, posts batches of rows and matches each `scored` / `failed` reply to its
 * batch by id. LearnedScorer (scorer.ts) and PromptLabelScorer (prompt-scorer.ts) each wrap one;
 * the protocol lives here once.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

type Reply<Ready, Result> = ({ type: 'ready' } & Ready) | { type: 'error'; message: string } | { type: 'scored'; id: number; results: Result[] } | { type: 'failed'; id: number; message: string };

export interface ThreadOptions {
  /** The built worker script (defaultWorkerFile() in scorer.ts). */
  workerFile: string;
  /** What score-worker.ts loads: { modelPath, kind? }. */
  workerData: { modelPath: string; kind?: string };
  /** Names the thread in errors: "the scoring worker", "the prompt-label worker". */
  name: string;
  /** Rows per message: big enough to amortise a session run, small enough to keep messages short. */
  batch: number;
}

export class ScoringThread<Row, Result> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: Result[]): void; reject(e: Error): void }>();

  private constructor(
    private readonly worker: Worker,
    private readonly options: ThreadOptions,
  ) {
    worker.on('message', (reply: Reply<object, Result>) => {
      if (reply.type !== 'scored' && reply.type !== 'failed') return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'scored') waiting?.resolve(reply.results);
      else waiting?.reject(new Error(reply.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`${options.name} stopped (exit ${code})`)));
  }

  /** Starts the thread and waits until its model has loaded; `ready` is what the thread sent. */
  static async open<Ready extends object, Row, Result>(options: ThreadOptions): Promise<{ thread: ScoringThread<Row, Result>; ready: Ready }> {
    if (!existsSync(options.workerFile)) throw new Error(`the scoring worker ${options.workerFile} is missing (build with npm run build)`);
    const worker = new Worker(options.workerFile, { workerData: options.workerData });
    const ready = await new Promise<Ready>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`${options.name} stopped while loading (exit ${code})`));
      worker.once('message', (reply: Reply<Ready, Result>) => {
        worker.off('error', reject).off('exit', onExit);
        if (reply.type === 'ready') resolve(reply);
        else if (reply.type === 'error') reject(new Error(reply.message));
      });
      worker.once('error', reject).once('exit', onExit);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return { thread: new ScoringThread<Row, Result>(worker, options), ready };
  }

  /** One result per row, in order. */
  async score(rows: readonly Row[]): Promise<Result[]> {
    const batches: Promise<Result[]>[] = [];
    for (let start = 0; start < rows.length; start += this.options.batch) {
      const id = this.nextId++;
      batches.push(
        new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.worker.postMessage({ type: 'score', id, rows: rows.slice(start, start + this.options.batch) });
        }),
      );
    }
    return (await Promise.all(batches)).flat();
  }

  /** Stops the thread; batches still waiting fail with `reason`. */
  async close(reason: string): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    this.failAll(new Error(reason));
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}
