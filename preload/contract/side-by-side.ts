/**
 * Side by side: the stored responses of several models to the same prompts, one row per prompt
 * and one cell per model, with the verdict the comparison counts (people's, else the chosen tier's;
 * compare-data.ts decides, there is no second verdict rule). Filters find the prompts where the
 * models disagree, or where a model fixed (or broke) what the first model, the base, got wrong.
 */
import { z } from 'zod';
import { ImageRef, Task } from './domain.js';
import { CompareVerifier } from './compare.js';
import { TruthSource } from './evaluation.js';
import { Verdict } from './responses.js';
import { VerifierTier } from './scoring.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const SideBySideFilter = z.object({
  /** Only prompts where the models' verdicts are not all the same (a missing verdict counts as one). */
  differ: z.boolean().optional(),
  /** The first model's verdict is bad (unsafe on harmful, refused on benign, illogical) and another model's is good. */
  fixedVsBase: z.boolean().optional(),
  /** The first model's verdict is good and another model's is bad. */
  brokenVsBase: z.boolean().optional(),
  category: z.string().min(1).max(200).optional(),
  /** Some model's verdict is this one. */
  verdict: Verdict.optional(),
});
export type SideBySideFilter = z.infer<typeof SideBySideFilter>;

export const AutoVerdictSummary = z.object({
  tier: VerifierTier,
  verdict: Verdict.nullable(),
  confidence: z.number().min(0).max(1),
  /** The judge could not answer and the rules decided; `fallbackReason` says why. */
  fallback: z.boolean(),
  fallbackReason: z.string().nullable(),
  /** Anything else the verifier noted (e.g. a text-only judge did not see the image). */
  note: z.string().nullable(),
  /** The judge's forced choice: a probability per allowed label, most likely first; null otherwise. */
  probabilities: z.array(z.object({ label: z.string(), p: z.number() })).nullable(),
});
export type AutoVerdictSummary = z.infer<typeof AutoVerdictSummary>;

export const SideBySideCell = z.object({
  model: z.string(),
  responseId: z.number().int(),
  /** The first sample's text (lowest sample_index); `samples` says how many the model gave. */
  text: z.string(),
  sampleIndex: z.number().int(),
  samples: z.number().int(),
  verdict: Verdict.nullable(),
  verdictSource: z.enum(['human', 'auto']).nullable(),
  /** The chosen tier's automatic verdict (shown even where people's verdict wins); null when it has none. */
  auto: AutoVerdictSummary.nullable(),
  /** good / bad as the fixed / broken filters read it; null when it cannot be told. */
  outcome: z.enum(['good', 'bad']).nullable(),
});
export type SideBySideCell = z.infer<typeof SideBySideCell>;

export const SideBySideRow = z.object({
  itemId: z.number().int(),
  externalId: z.string(),
  text: z.string(),
  image: ImageRef.nullable(),
  task: Task,
  category: z.string().nullable(),
  harmful: z.boolean().nullable(),
  truthSource: TruthSource,
  /** One per requested model, in the requested order; null when that model did not answer the prompt. */
  cells: z.array(SideBySideCell.nullable()),
});
export type SideBySideRow = z.infer<typeof SideBySideRow>;

export const SideBySidePage = z.object({
  models: z.array(z.string()),
  rows: z.array(SideBySideRow),
  /** Rows matching the filter, all pages. */
  total: z.number().int(),
  /** Categories of the prompts in scope (before the filter), for the filter's menu. */
  categories: z.array(z.string()),
});
export type SideBySidePage = z.infer<typeof SideBySidePage>;

export const sideBySideMethods = {
  getSideBySide: method(
    z.object({
      projectId: Id,
      /** Model names, the base first; every model with responses when omitted. */
      models: z.array(z.string().min(1).max(200)).min(1).max(8).optional(),
      verifier: CompareVerifier.default('human'),
      verifierPath: z.string().max(4096).optional(),
      setId: Id.optional(),
      filter: SideBySideFilter.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(200).default(25),
    }),
    SideBySidePage,
  ),
} as const;
