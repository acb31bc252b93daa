/**
 * The core's LearnedScoring (core/verifiers/models.ts) implemented with LearnedScorer: what the
 * hosts (server, CLI, desktop) hand to openStudio() so the core runs learned verifiers in the app.
 */
import type { LearnedScoring } from '../core/verifiers/models.js';
import { LearnedScorer } from './scorer.js';

/** `workerFile`: the built scoring thread (default: out/main/inference-worker.js beside this bundle). */
export function onnxScoring(options: { workerFile?: string } = {}): LearnedScoring {
  return { open: (modelPath) => LearnedScorer.open(modelPath, options) };
}
