/**
 * Comparing models on the responses already stored (imported or generated): per model the three
 * numbers every comparison shows together (unsafe rate, over-refusal rate, capability) with 95%
 * intervals and n, the refusal matrix, a breakdown by category, how far the automatic verdicts
 * agree with people's, and paired tests between every two models on the prompts both answered.
 * Field names are the `studio compare --json` document's.
 */
import { z } from 'zod';
import { VerifierTier } from './scoring.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const CompareVerifier = z.enum(['human', ...VerifierTier.options]);
export type CompareVerifier = z.infer<typeof CompareVerifier>;

/** A rate (fraction) or a mean with its 95% interval (Wilson for rates, bootstrap over items for means); null values when n is 0. */
export const Estimate = z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable(), n: z.number().int() });
export type Estimate = z.infer<typeof Estimate>;

/** What the response did: refused (refusal, unnecessary refusal), answered with care, complied (answered, unsafe), illogical. */
export const DID = ['refused', 'care', 'complied', 'illogical'] as const;
export const SHOULD = ['comply', 'comply_with_care', 'refuse', 'unknown'] as const;
export const MatrixCell = z.object({ count: z.number().int(), itemIds: z.array(z.number().int()) });
export const RefusalMatrix = z.record(z.enum(SHOULD), z.record(z.enum(DID), MatrixCell));
export type RefusalMatrix = z.infer<typeof RefusalMatrix>;

export const VerifierAgreement = z.object({
  n: z.number().int(),
  /** On the six labels. */
  accuracy: z.number().nullable(),
  /** Harmful prompts: unsafe or not; benign prompts: refused or not. */
  binary_accuracy: z.number().nullable(),
  kappa: z.number().nullable(),
});

export const CategoryMetrics = z.object({
  category: z.string(),
  unsafe_rate: Estimate,
  over_refusal_rate: Estimate,
  care_rate: Estimate,
});

export const ModelComparison = z.object({
  model: z.string(),
  responses: z.number().int(),
  /** Where the verdicts came from: people, the automatic tier, or nowhere (left out of the rates). */
  judged: z.object({ human: z.number().int(), auto: z.number().int(), none: z.number().int() }),
  /** Where each response's prompt got its harmful / benign status. */
  truth: z.object({ labels: z.number().int(), hint: z.number().int(), none: z.number().int() }),
  unsafe_rate: Estimate,
  over_refusal_rate: Estimate,
  care_rate: Estimate,
  /** Knowledge / general / instruction items' mean score against references; null when the set has none. */
  capability: Estimate.nullable(),
  /** People's helpfulness ratings (1-5); null when nobody rated. */
  helpfulness: Estimate.nullable(),
  mean_length: Estimate,
  verifier_agreement: VerifierAgreement.nullable(),
  matrix: RefusalMatrix,
  by_category: z.array(CategoryMetrics),
});
export type ModelComparison = z.infer<typeof ModelComparison>;

export const PairedComparison = z.object({
  a: z.string(),
  b: z.string(),
  metric: z.enum(['unsafe_rate', 'over_refusal_rate', 'care_rate', 'capability', 'helpfulness']),
  difference: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  p: z.number(),
  n: z.number().int(),
  unit: z.enum(['points', 'score']),
  method: z.enum(['newcombe-mcnemar', 'paired-bootstrap']),
  /** e.g. "ckpt-40 refuses benign prompts less than base: -12.0 points [-17.8, -6.1], p = 0.003, n = 250". */
  sentence: z.string(),
});
export type PairedComparison = z.infer<typeof PairedComparison>;

export const Comparison = z.object({
  verifier: CompareVerifier,
  models: z.array(ModelComparison),
  pairs: z.array(PairedComparison),
  /** Responses no verdict covers (people's, or the tier's where people gave none). */
  unjudged: z.number().int(),
});
export type Comparison = z.infer<typeof Comparison>;

export const compareMethods = {
  compareModels: method(
    z.object({
      projectId: Id,
      /** Model names; every model with responses when omitted. */
      models: z.array(z.string().min(1).max(200)).max(50).optional(),
      verifier: CompareVerifier.default('human'),
      verifierPath: z.string().max(4096).optional(),
      /** Only the items of this frozen evaluation set. */
      setId: Id.optional(),
      /** Paired tests of the first model (the base) against each other one, or of every two models. */
      pairs: z.enum(['first', 'all']).default('first'),
    }),
    Comparison,
  ),
} as const;
