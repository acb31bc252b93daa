/**
 * The core's LearnedScoring (core/verifiers/models.ts) implemented with LearnedScorer and
 * PromptLabelScorer: what the hosts (server, CLI, desktop) hand to openStudio() so the core runs
 * learned verifiers, and their prompt-label heads, in the app.
 */
import type { LearnedScoring } from '../core/verifiers/models.js';
import { PromptLabelScorer } from './prompt-scorer.js';
import { LearnedScorer } from './scorer.js';

/** `workerFile`: the built scoring thread (default: out/main/inference-worker.js beside this bundle). */
export function onnxScoring(options: { workerFile?: string } = {}): LearnedScoring {
  return {
    open: (modelPath) => LearnedScorer.open(modelPath, options),
    openPromptLabels: (modelPath) => PromptLabelScorer.open(modelPath, options),
  };
}
