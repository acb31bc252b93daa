/**
 * The learned verifier's prompt-label head in the app: scores prompts with `prompt_labels.onnx`
 * in the inference worker thread (score-worker.ts, kind 'prompt-labels') and hands back each
 * head's probabilities, the same as the Python worker's (tests/integration/prompt-label-parity
 * .test.ts checks them to 1e-5). The calling thread only posts batches and receives results.
 */
import type { PromptField, PromptLabelScore, PromptRow } from './prompt-labels.js';
import { defaultWorkerFile } from './scorer.js';
import { ScoringThread } from './scoring-thread.js';

export type { PromptField, PromptLabelScore, PromptRow } from './prompt-labels.js';

export class PromptLabelScorer {
  private constructor(
    private readonly thread: ScoringThread<PromptRow, PromptLabelScore>,
    readonly heads: Partial<Record<PromptField, string[]>>,
  ) {}

  /** Starts a worker on `modelPath` (a prompt_labels.onnx or a verifier folder) and waits until it has loaded. */
  static async open(modelPath: string, options: { workerFile?: string } = {}): Promise<PromptLabelScorer> {
    const { thread, ready } = await ScoringThread.open<{ heads: Partial<Record<PromptField, string[]>>; vocabSize: number }, PromptRow, PromptLabelScore>({
      workerFile: options.workerFile ?? defaultWorkerFile(),
      workerData: { modelPath, kind: 'prompt-labels' },
      name: 'the prompt-label worker',
      batch: 512,
    });
    return new PromptLabelScorer(thread, ready.heads);
  }

  /** One result per row, in order. */
  score(rows: readonly PromptRow[]): Promise<PromptLabelScore[]> {
    return this.thread.score(rows);
  }

  close(): Promise<void> {
    return this.thread.close('the prompt-label scorer was closed');
  }
}
