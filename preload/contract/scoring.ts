/**
 * Automatic verdicts: a `score` job runs the worker's verifiers (rules, learned, judge: the code
 * that scores training rewards) over a project's stored responses and keeps their verdicts apart
 * from people's. `scoreResponses` queues the job; `score.progress` events and `getScoreJob` follow it.
 */
import { z } from 'zod';
import { Verdict } from './responses.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const VERIFIER_TIERS = ['rules', 'learned', 'judge'] as const;
export const VerifierTier = z.enum(VERIFIER_TIERS);
export type VerifierTier = z.infer<typeof VerifierTier>;

export const ScoreJob = z.object({
  jobId: z.string(),
  projectId: z.number().int(),
  tier: VerifierTier,
  /** The learned verifier's file or the judge's model folder; '' for the rules. */
  verifier: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  done: z.number().int(),
  total: z.number().int(),
  etaSeconds: z.number().nullable(),
  /** Why it failed, in a sentence. */
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ScoreJob = z.infer<typeof ScoreJob>;

export const AutoVerdict = z.object({
  responseId: z.number().int(),
  tier: VerifierTier,
  verifier: z.string(),
  /** The safety outcome (one of the six); null when the verifier's label is not a safety label. */
  verdict: Verdict.nullable(),
  taskLabel: z.string(),
  taskScore: z.number(),
  helpfulScore: z.number().nullable(),
  confidence: z.number().min(0).max(1),
  /** rules | learned | judge | rules_fallback (the judge could not answer; `note` says why). */
  source: z.string(),
  note: z.string().nullable(),
  /** The judge's forced choice: a probability per allowed label (summing to 1); null otherwise. */
  probabilities: z.record(z.string(), z.number()).nullable(),
  createdAt: z.string(),
});
export type AutoVerdict = z.infer<typeof AutoVerdict>;

export const scoringMethods = {
  scoreResponses: method(
    z.object({
      projectId: Id,
      tier: VerifierTier.default('rules'),
      /** The learned verifier's file (required for that tier), or a judge model folder (CLI). */
      verifierPath: z.string().min(1).max(4096).optional(),
      /** The judge tier: which registered base model judges (its folder becomes the job's `verifier`). */
      judgeModelId: Id.optional(),
      /** Only these models' responses (by name); all when omitted. */
      models: z.array(z.string().min(1).max(200)).max(100).optional(),
    }),
    ScoreJob,
  ),
  getScoreJob: method(z.object({ jobId: z.string().max(100) }), ScoreJob),
} as const;

export const scoringEvents = [z.object({ type: z.literal('score.progress'), job: ScoreJob })] as const;
