/**
 * The learned verifier in the app: scores responses with a verifier's model.onnx in a worker
 * thread (score-worker.ts) and hands back the learned tier's verdicts, the same as the Python
 * worker's (tests/integration/inference-parity.test.ts checks it to 1e-5). The calling thread only
 * posts batches and receives results.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VerdictTable } from '../core/verifiers/verdict-table.js';
import type { LearnedScore, ScoreRow } from './model.js';
import { ScoringThread } from './scoring-thread.js';

export type { LearnedScore, ScoreRow } from './model.js';
export type { ClassifierItem } from './tokenize.js';

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
  private constructor(
    private readonly thread: ScoringThread<ScoreRow, LearnedScore | null>,
    readonly labels: readonly string[],
    readonly vocabSize: number,
    /** The worker's decision table the model shipped with (core/verifiers/verdict-table.ts). */
    readonly table: VerdictTable,
  ) {}

  /** Starts a worker on `modelPath` (a model.onnx or a verifier folder) and waits until it has loaded. */
  static async open(modelPath: string, options: { workerFile?: string } = {}): Promise<LearnedScorer> {
    const { thread, ready } = await ScoringThread.open<{ labels: string[]; vocabSize: number; table: VerdictTable }, ScoreRow, LearnedScore | null>({
      workerFile: options.workerFile ?? defaultWorkerFile(),
      workerData: { modelPath },
      name: 'the scoring worker',
      batch: 256,
    });
    return new LearnedScorer(thread, ready.labels, ready.vocabSize, ready.table);
  }

  /** One result per row, in order; null where the rules tier decides (not a safety/jailbreak/value item). */
  score(rows: readonly ScoreRow[]): Promise<(LearnedScore | null)[]> {
    return this.thread.score(rows);
  }

  close(): Promise<void> {
    return this.thread.close('the scorer was closed');
  }
}
