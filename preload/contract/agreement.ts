/**
 * Agreement between annotators on every label field (the item fields under `studio stats`' names,
 * a response's `verdict` and `helpfulness`, `preference` votes): Krippendorff's alpha (ordinal for
 * severity and helpfulness, nominal otherwise) with its bootstrap 95% interval, Fleiss' kappa with
 * its own, and n (units with two or more current values), overall and per risk category; Cohen's
 * kappa per pair of annotators; each annotator's agreement with the others' majority.
 */
import { z } from 'zod';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const AGREEMENT_FIELDS = ['harmful', 'riskCategory', 'severity', 'expected', 'jailbreakType', 'crossModalRisk', 'verdict', 'helpfulness', 'preference'] as const;
export const AgreementFieldName = z.enum(AGREEMENT_FIELDS);
export type AgreementFieldName = z.infer<typeof AgreementFieldName>;

const Coefficient = z.number().nullable();

export const AgreementEstimate = z.object({
  /** Krippendorff's alpha; null when undefined (no unit with two values, or one category throughout). */
  alpha: Coefficient,
  /** Fleiss' kappa on the units rated by exactly fleissRaters people (the most common number). */
  kappa: Coefficient,
  /** Units (items, responses or pairs) with two or more current values. */
  items: z.number().int(),
  /** Alpha's bootstrap 95% interval. */
  low: Coefficient,
  high: Coefficient,
  kappaLow: Coefficient,
  kappaHigh: Coefficient,
  fleissItems: z.number().int(),
  fleissRaters: z.number().int(),
});
export type AgreementEstimate = z.infer<typeof AgreementEstimate>;

export const FieldAgreementReport = AgreementEstimate.extend({
  level: z.enum(['nominal', 'ordinal']),
  /** Per risk category of the item (its annotators' majority; items without one are only in the overall). */
  byCategory: z.record(z.string(), AgreementEstimate),
});
export type FieldAgreementReport = z.infer<typeof FieldAgreementReport>;

export const PairAgreement = z.object({
  a: z.string(),
  b: z.string(),
  field: AgreementFieldName,
  /** Cohen's kappa on the units both labelled; null when undefined. */
  kappa: Coefficient,
  items: z.number().int(),
  /** Kappa's bootstrap 95% interval. */
  low: Coefficient,
  high: Coefficient,
});
export type PairAgreement = z.infer<typeof PairAgreement>;

export const AnnotatorAgreement = z.object({
  name: z.string(),
  /** Items with a current label by this annotator. */
  items: z.number().int(),
  verdicts: z.number().int(),
  votes: z.number().int(),
  /** Share of values (every field) equal to the other annotators' majority, where they have a unique one; null when never. */
  majority: Coefficient,
  majorityCompared: z.number().int(),
});
export type AnnotatorAgreement = z.infer<typeof AnnotatorAgreement>;

export const AgreementReport = z.object({
  fields: z.record(AgreementFieldName, FieldAgreementReport),
  pairs: z.array(PairAgreement),
  annotators: z.array(AnnotatorAgreement),
  resamples: z.number().int(),
  seed: z.number().int(),
});
export type AgreementReport = z.infer<typeof AgreementReport>;

export const agreementMethods = {
  getAgreement: method(
    z.object({
      projectId: Id,
      resamples: z.number().int().min(1).max(10_000).optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    }),
    AgreementReport,
  ),
};
