/**
 * Learned verifiers trained from a project's own verdicts: `trainVerifier` freezes a snapshot
 * (items and responses with people's current verdicts) and queues a job that runs the worker's
 * `cosmo_rl.verifier_train`; `verifier.progress` events and `getVerifierJob` follow it. The
 * finished verifier is registered with its card: figures on held-out items against people.
 */
import { z } from 'zod';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** Agreement of one tier's verdicts with people's majority verdicts on the held-out responses. */
export const VerifierAgreement = z.object({
  n: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  binary_accuracy: z.number().min(0).max(1),
  /** Cohen's kappa on the six labels; null when chance agreement is 1. */
  kappa: z.number().nullable(),
  /** people's verdict -> predicted verdict -> count */
  confusion: z.record(z.string(), z.record(z.string(), z.number().int())),
});
export type VerifierAgreement = z.infer<typeof VerifierAgreement>;

/** model_card.json as the worker writes it (the fields the studio reads; others are kept). */
export const VerifierCard = z
  .object({
    format: z.literal('cosmo-verifier-card'),
    version: z.literal(1),
    name: z.string(),
    snapshot_hash: z.string().regex(/^[0-9a-f]{64}$/),
    seed: z.number().int(),
    labels: z.array(z.string()),
    n: z.object({ examples: z.number().int(), train: z.number().int(), held_out: z.number().int(), train_items: z.number().int(), held_out_items: z.number().int() }),
    skipped: z.record(z.string(), z.number().int()),
    held_out: VerifierAgreement,
    rules_held_out: VerifierAgreement,
  })
  .passthrough();
export type VerifierCard = z.infer<typeof VerifierCard>;

export const LearnedVerifier = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  name: z.string(),
  /** The verifier's folder; `<path>/model.onnx` is the file the learned tier runs. */
  path: z.string(),
  snapshotHash: z.string(),
  card: VerifierCard,
  createdAt: z.string(),
});
export type LearnedVerifier = z.infer<typeof LearnedVerifier>;

export const VerifierJob = z.object({
  jobId: z.string(),
  projectId: z.number().int(),
  name: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  /** Training epochs done of total. */
  done: z.number().int(),
  total: z.number().int(),
  etaSeconds: z.number().nullable(),
  error: z.string().nullable(),
  /** Set once the verifier is registered. */
  verifier: LearnedVerifier.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type VerifierJob = z.infer<typeof VerifierJob>;

const VerifierName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.-]+$/, 'letters, digits, _ . - only');

export const verifierMethods = {
  trainVerifier: method(
    z.object({
      projectId: Id,
      name: VerifierName.optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31)
        .optional(),
    }),
    VerifierJob,
  ),
  getVerifierJob: method(z.object({ jobId: z.string().max(100) }), VerifierJob),
  listVerifiers: method(z.object({ projectId: Id }), z.array(LearnedVerifier)),
} as const;

export const verifierEvents = [z.object({ type: z.literal('verifier.progress'), job: VerifierJob })] as const;
