/**
 * Evaluation sets: which of a project's items are held out for measuring models, and frozen,
 * hashed copies of them so every evaluation can be reproduced.
 *
 * 1. `planEvalSplit` shows what a new evaluation split would take (stratified by task, harmful /
 *    benign look-alike and category, seeded), never items a training run of the project already
 *    trained on; `applyEvalSplit` with the same input moves exactly those items.
 * 2. `freezeEvalSet` writes the project's eval / held-out items into a new immutable folder
 *    (manifest.json with its hash, items.jsonl, images/) and records it; `listEvalSets` lists them.
 */
import { z } from 'zod';
import { Split, Task } from './domain.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** Where an item's harmful / benign status comes from: people's labels, else the dataset's `expected` hint. */
export const TruthSource = z.enum(['labels', 'hint', 'none']);
export type TruthSource = z.infer<typeof TruthSource>;

export const EvalSplitInput = z.object({
  projectId: Id,
  /** Share of each stratum's eligible items to move (0 < f <= 1). */
  fraction: z.number().gt(0).max(1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  /** The split the chosen items move to. */
  split: z.enum(['eval', 'heldout']).default('eval'),
});
export type EvalSplitInput = z.infer<typeof EvalSplitInput>;

export const EvalStratum = z.object({
  task: Task,
  /** null: nobody labelled it and the dataset gives no hint. */
  harmful: z.boolean().nullable(),
  category: z.string().nullable(),
  /** Train items in the stratum no run has trained on. */
  eligible: z.number().int(),
  taken: z.number().int(),
});
export type EvalStratum = z.infer<typeof EvalStratum>;

export const EvalSplitPlan = z.object({
  split: Split,
  seed: z.number().int(),
  fraction: z.number(),
  /** Items that would move (applyEvalSplit: that moved). */
  taken: z.number().int(),
  /** Train items left out because a run of this project trained on them. */
  trainedOn: z.number().int(),
  /** Items already in the eval or held-out split (untouched). */
  alreadyHeldOut: z.number().int(),
  strata: z.array(EvalStratum),
  /** The chosen items' ids (at most the first 1,000, for a preview). */
  itemIds: z.array(z.number().int()),
});
export type EvalSplitPlan = z.infer<typeof EvalSplitPlan>;

export const EvalSet = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  name: z.string(),
  /** The frozen folder on the host's disk. */
  path: z.string(),
  /** Same definition as a training snapshot's hash (items.jsonl bytes, then images/ in name order). */
  hash: z.string(),
  items: z.number().int(),
  images: z.number().int(),
  /** How many items' harmful / benign status came from people's labels, the dataset's hint, or neither. */
  truth: z.record(TruthSource, z.number().int()),
  bySplit: z.record(z.string(), z.number().int()),
  byTask: z.record(z.string(), z.number().int()),
  createdAt: z.string(),
});
export type EvalSet = z.infer<typeof EvalSet>;

export const evaluationMethods = {
  planEvalSplit: method(EvalSplitInput, EvalSplitPlan),
  /** Moves exactly the items planEvalSplit shows for the same input, in one transaction. */
  applyEvalSplit: method(EvalSplitInput, EvalSplitPlan),
  freezeEvalSet: method(z.object({ projectId: Id, name: z.string().trim().min(1).max(100) }), EvalSet),
  listEvalSets: method(z.object({ projectId: Id }), z.array(EvalSet)),
} as const;

// ---------------------------------------------------------------- evaluation runs

export const EVALUATION_STATUSES = ['queued', 'running', 'cancelling', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export const EvaluationStatus = z.enum(EVALUATION_STATUSES);
export type EvaluationStatus = z.infer<typeof EvaluationStatus>;

export const GenerationSettings = z.object({
  samples: z.number().int().min(1).max(16).default(1),
  temperature: z.number().min(0).max(2).default(0.7),
  maxNewTokens: z.number().int().min(1).max(8192).default(256),
  topP: z.number().gt(0).max(1).default(0.95),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  /** `training`: the system prompt and chat template training used; `none`: the prompt alone. */
  systemPrompt: z.enum(['training', 'none']).default('training'),
});
export type GenerationSettings = z.infer<typeof GenerationSettings>;

export const Evaluation = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  setId: z.number().int(),
  name: z.string(),
  modelIds: z.array(z.number().int()),
  settings: GenerationSettings,
  status: EvaluationStatus,
  /** Responses generated so far in this attempt, of `total`. */
  done: z.number().int(),
  total: z.number().int(),
  etaSeconds: z.number().nullable(),
  /** Responses of this evaluation stored so far (every attempt). */
  responses: z.number().int(),
  /** Why it failed or stopped, in a sentence. */
  error: z.string().nullable(),
  logTail: z.string(),
  attempts: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const evaluationRunMethods = {
  /** Queues models answering the set's prompts (one GPU job at a time, shared with training). */
  startEvaluation: method(
    z.object({
      projectId: Id,
      setId: Id,
      modelIds: z.array(Id).min(1).max(20),
      settings: GenerationSettings.default({ samples: 1, temperature: 0.7, maxNewTokens: 256, topP: 0.95, seed: 0, systemPrompt: 'training' }),
      name: z.string().trim().min(1).max(100).optional(),
    }),
    Evaluation,
  ),
  listEvaluations: method(z.object({ projectId: Id }), z.array(Evaluation)),
  getEvaluation: method(z.object({ evaluationId: Id }), Evaluation),
  /** Stops the worker; what it generated so far stays. */
  cancelEvaluation: method(z.object({ evaluationId: Id }), Evaluation),
  /** Queues a stopped evaluation again; it generates only the responses still missing. */
  resumeEvaluation: method(z.object({ evaluationId: Id }), Evaluation),
} as const;

export const evaluationEvents = [z.object({ type: z.literal('evaluation.changed'), evaluation: Evaluation })] as const;
