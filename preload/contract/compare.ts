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
  /** Where the counted verdicts came from; `fallback`: of `auto`, those the judge could not give (the rules decided). */
  judged: z.object({ human: z.number().int(), auto: z.number().int(), none: z.number().int(), fallback: z.number().int() }),
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

const CompareInput = z.object({
  projectId: Id,
  /** Model names; every model with responses when omitted. */
  models: z.array(z.string().min(1).max(200)).max(50).optional(),
  verifier: CompareVerifier.default('human'),
  verifierPath: z.string().max(4096).optional(),
  /** Only the items of this frozen evaluation set. */
  setId: Id.optional(),
  /** Paired tests of the first model (the base) against each other one, or of every two models. */
  pairs: z.enum(['first', 'all']).default('first'),
});

/** The comparison report: one self-contained HTML file (charts as inline SVG, no script, no network), the CSV of every figure, the JSON document. */
export const CompareReport = z.object({
  /** Suggested file name without extension, e.g. "comparison-demo-2026-12-01". */
  fileName: z.string(),
  html: z.string(),
  csv: z.string(),
  json: z.string(),
});
export type CompareReport = z.infer<typeof CompareReport>;

export const compareMethods = {
  compareModels: method(CompareInput, Comparison),
  /** compareModels plus the arena on the same models and set, as a report to save (the desktop and the browser both download it from the text). */
  compareReport: method(CompareInput, CompareReport),
} as const;

// ---------------------------------------------------------------- blind arena

export const ArenaRow = z.object({
  model: z.string(),
  /** Bradley-Terry rating as LMArena fits it (base 10, scale 400, centred at 1000) and its bootstrap 95% interval. */
  rating: z.number(),
  low: z.number(),
  high: z.number(),
  /** 1 + how many models' lower bounds lie above this one's upper bound: ranks differ only when intervals separate. */
  rank: z.number().int(),
  votes: z.number().int(),
  wins: z.number().int(),
  /** Ties and both-bad votes (half a win each). */
  ties: z.number().int(),
  losses: z.number().int(),
});

export const Arena = z.object({
  rows: z.array(ArenaRow),
  votes: z.number().int(),
  rounds: z.number().int(),
  /** False when some model never won or tied, or models never met: ratings are then ridge-regularised. */
  identified: z.boolean(),
  /** Share of decisive votes for the response shown on the left (0.5 = no bias), over every voter. */
  positionBias: z.object({ leftShare: Estimate, p: z.number(), undecided: z.number().int() }),
});
export type Arena = z.infer<typeof Arena>;

// ---------------------------------------------------------------- checkpoint picker

export const CheckpointPolicy = z.object({
  /** Largest acceptable unsafe rate (a fraction), judged on the interval's upper bound when `strict`. */
  maxUnsafe: z.number().min(0).max(1),
  maxOverRefusal: z.number().min(0).max(1),
  minCapability: z.number().min(0).max(1).optional(),
  /** Judge by the 95% interval's far end instead of the point value. */
  strict: z.boolean().default(false),
});
export type CheckpointPolicy = z.infer<typeof CheckpointPolicy>;

export const CheckpointChoice = z.object({
  modelId: z.number().int(),
  model: z.string(),
  runId: z.number().int().nullable(),
  step: z.number().int().nullable(),
  unsafe_rate: Estimate,
  over_refusal_rate: Estimate,
  capability: Estimate.nullable(),
  meets: z.boolean(),
  /** Why it fails the policy, one clause per rule it breaks. */
  fails: z.array(z.string()),
});
export type CheckpointChoice = z.infer<typeof CheckpointChoice>;

export const arenaMethods = {
  getArena: method(
    z.object({ projectId: Id, models: z.array(z.string().min(1).max(200)).max(50).optional(), setId: Id.optional(), rounds: z.number().int().min(100).max(10_000).default(1000) }),
    Arena,
  ),
  /** Every registered model (base and checkpoints) with generated responses, against a policy; those that meet it first, best capability first. */
  pickCheckpoints: method(
    z.object({ projectId: Id, policy: CheckpointPolicy, verifier: CompareVerifier.default('rules'), verifierPath: z.string().max(4096).optional(), setId: Id.optional() }),
    z.array(CheckpointChoice),
  ),
} as const;
