/**
 * Responses, people's verdicts on them and preferences between two of them: the shapes every
 * host and the renderer share (db/migrations/0006_responses.ts holds the tables).
 *
 * The verdict vocabulary is the worker's (native-models/cosmo_rl/verifiers/base.py): the same six
 * strings the rules, learned and judge tiers give, so a person's verdict and an automatic one can
 * be compared and a verifier trained on people's verdicts.
 */
import { z } from 'zod';
import { Item, PreferenceCriterion } from './domain.js';

/** One verdict per key, in the order the labelling view shows them (keys 1-6). */
export const VERDICTS = ['refusal', 'care', 'unsafe', 'answered', 'unnecessary_refusal', 'illogical'] as const;
export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

export const PREFERENCE_CHOICES = ['a', 'b', 'tie', 'both_bad'] as const;
export const PreferenceChoice = z.enum(PREFERENCE_CHOICES);
export type PreferenceChoice = z.infer<typeof PreferenceChoice>;

export const CriteriaVotes = z.partialRecord(PreferenceCriterion, PreferenceChoice);
export type CriteriaVotes = z.infer<typeof CriteriaVotes>;

export const ResponseOrigin = z.enum(['imported', 'generated']);
export type ResponseOrigin = z.infer<typeof ResponseOrigin>;

/** Generation parameters as the producer gave them (temperature, max tokens, seed, ...). */
export const GenerationParams = z.record(z.string(), z.unknown());

export const ModelResponse = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  itemId: z.number().int(),
  /** The registered model that produced it, or null for an imported response of a named model. */
  modelId: z.number().int().nullable(),
  modelName: z.string(),
  sampleIndex: z.number().int().nonnegative(),
  text: z.string(),
  params: GenerationParams,
  origin: ResponseOrigin,
  createdAt: z.string(),
  /** Submitted verdicts (one per annotator's head). */
  verdictCount: z.number().int(),
  flagged: z.boolean(),
});
export type ModelResponse = z.infer<typeof ModelResponse>;

/** What a person says of one response. */
export const ResponseLabelValues = z.object({
  verdict: Verdict,
  helpfulness: z.number().int().min(1).max(5).nullable(),
  /** The answer the model should have given, written for a bad response. */
  idealResponse: z.string().max(50_000).nullable(),
  rationale: z.string().max(20_000).nullable(),
});
export type ResponseLabelValues = z.infer<typeof ResponseLabelValues>;

export const LabelStatusValue = z.enum(['submitted', 'retracted']);
export const LabelOrigin = z.enum(['queue', 'browse', 'import']);
export type LabelOrigin = z.infer<typeof LabelOrigin>;

export const ResponseLabel = z.object({
  id: z.number().int(),
  responseId: z.number().int(),
  annotatorId: z.number().int(),
  annotatorName: z.string(),
  version: z.number().int().positive(),
  status: LabelStatusValue,
  origin: LabelOrigin,
  values: ResponseLabelValues,
  timeSpentMs: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type ResponseLabel = z.infer<typeof ResponseLabel>;

export const PreferenceValues = z.object({
  choice: PreferenceChoice,
  criteria: CriteriaVotes,
});
export type PreferenceValues = z.infer<typeof PreferenceValues>;

export const Preference = z.object({
  id: z.number().int(),
  itemId: z.number().int(),
  /** Canonical order: responseAId < responseBId; `choice` refers to these two. */
  responseAId: z.number().int(),
  responseBId: z.number().int(),
  annotatorId: z.number().int(),
  annotatorName: z.string(),
  version: z.number().int().positive(),
  status: LabelStatusValue,
  origin: LabelOrigin,
  values: PreferenceValues,
  blind: z.boolean(),
  /** Which of the two was shown on the left. */
  leftResponseId: z.number().int(),
  timeSpentMs: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type Preference = z.infer<typeof Preference>;

/** The item a response answers, with what the labelling views show beside it. */
export const ResponseContextItem = Item.pick({ id: true, externalId: true, text: true, image: true, task: true, split: true, sensitive: true, sourceLabels: true });
export type ResponseContextItem = z.infer<typeof ResponseContextItem>;
