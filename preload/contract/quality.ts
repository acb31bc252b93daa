/**
 * Quality control of prompt labels: the annotator dashboard (speed, agreement with the others'
 * majority, accuracy on gold checks, drift per ISO week, warnings, wellbeing counts), gold checks
 * (items with known answers mixed unmarked into queues), wellbeing settings (daily limits per
 * risk category, categories a person is never served, a break reminder) and guideline versions
 * (every label records the version it was made under; outdated labels can be sent back).
 */
import { z } from 'zod';
import { CrossModalRisk, ExpectedBehaviour, Severity } from './domain.js';

const Id = z.number().int().positive();
const Slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and _ only');

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** The known answer of a gold check: only the fields given are checked (at least one). */
export const GoldExpected = z
  .object({
    harmful: z.boolean(),
    riskCategory: z.string().max(64).nullable(),
    severity: Severity.nullable(),
    expected: ExpectedBehaviour,
    jailbreakType: z.string().max(64).nullable(),
    crossModalRisk: CrossModalRisk,
  })
  .partial()
  .strict()
  .refine((e) => Object.keys(e).length > 0, 'a gold check needs at least one expected field');
export type GoldExpected = z.infer<typeof GoldExpected>;
export const GOLD_FIELDS = ['harmful', 'riskCategory', 'severity', 'expected', 'jailbreakType', 'crossModalRisk'] as const;

export const GoldCheck = z.object({
  itemId: z.number().int(),
  externalId: z.string(),
  text: z.string(),
  expected: GoldExpected,
  createdBy: z.string(),
  createdAt: z.string(),
  /** Annotators who answered it, and how many of them matched every checked field. */
  answered: z.number().int(),
  correct: z.number().int(),
});
export type GoldCheck = z.infer<typeof GoldCheck>;

/** A rate with its Wilson 95% interval and n (value, low, high null when n is 0). */
export const RateEstimate = z.object({
  value: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  n: z.number().int(),
});
export type RateEstimate = z.infer<typeof RateEstimate>;

export const WeekQuality = z.object({
  /** ISO week, e.g. 2026-W49 (weeks start on Monday, UTC). */
  week: z.string(),
  labels: z.number().int(),
  /** Share of values equal to the others' majority (agreement.ts' rule), over `agreementN` values. */
  agreement: z.number().nullable(),
  agreementN: z.number().int(),
  gold: RateEstimate,
});
export type WeekQuality = z.infer<typeof WeekQuality>;

export const AnnotatorQuality = z.object({
  annotatorId: z.number().int(),
  name: z.string(),
  /** Current submitted labels. */
  labels: z.number().int(),
  /** Labels per hour of active labelling time (the time the screen measured), null without any. */
  itemsPerHour: z.number().nullable(),
  medianTimeMs: z.number().nullable(),
  agreement: z.number().nullable(),
  agreementN: z.number().int(),
  gold: RateEstimate,
  weeks: z.array(WeekQuality),
  /** Items this person flagged. */
  flagged: z.number().int(),
  /** What a reviewer should look at, in words. */
  warnings: z.array(z.string()),
  /** Harmful items per risk category this person labelled today (UTC day). */
  seenToday: z.record(z.string(), z.number().int()),
});
export type AnnotatorQuality = z.infer<typeof AnnotatorQuality>;

export const QualityDashboard = z.object({
  annotators: z.array(AnnotatorQuality),
  goldChecks: z.number().int(),
  goldRate: z.number(),
  dailyLimits: z.record(z.string(), z.number().int()),
});
export type QualityDashboard = z.infer<typeof QualityDashboard>;

export const QualitySettings = z.object({
  /** Share of queue slots holding a gold check, 0 to 0.5. */
  goldRate: z.number().min(0).max(0.5),
  /** Harmful items of a risk category one person is served per day at most. */
  dailyLimits: z.record(Slug, z.number().int().min(1).max(100_000)),
});
export type QualitySettings = z.infer<typeof QualitySettings>;

export const PersonSettings = z.object({
  skipCategories: z.array(Slug).max(100),
  /** Minutes of continuous labelling before a break reminder; 0 turns it off. */
  breakAfterMinutes: z.number().int().min(0).max(600),
});
export type PersonSettings = z.infer<typeof PersonSettings>;

/** What the queue tells the annotator about their wellbeing limits (getQueue's `wellbeing`). */
export const QueueWellbeing = z.object({
  /** Categories no longer served today because the daily limit was reached. */
  pausedToday: z.array(z.object({ category: z.string(), seen: z.number().int(), limit: z.number().int() })),
  /** Categories the person chose never to be served. */
  skipped: z.array(z.string()),
  breakAfterMinutes: z.number().int(),
});
export type QueueWellbeing = z.infer<typeof QueueWellbeing>;

export const GuidelineVersion = z.object({
  version: z.number().int(),
  text: z.string(),
  createdAt: z.string(),
  /** Current submitted labels made under this version. */
  labels: z.number().int(),
});
export type GuidelineVersion = z.infer<typeof GuidelineVersion>;

export const qualityMethods = {
  getQualityDashboard: method(z.object({ projectId: Id }), QualityDashboard),
  getQualitySettings: method(z.object({ projectId: Id }), QualitySettings),
  updateQualitySettings: method(z.object({ projectId: Id, settings: QualitySettings }), QualitySettings),
  getPersonSettings: method(z.object({ userId: Id }), PersonSettings),
  updatePersonSettings: method(z.object({ userId: Id, settings: PersonSettings }), PersonSettings),

  /** A reviewer or admin gives an item known answers (replacing earlier ones). */
  markGoldCheck: method(z.object({ itemId: Id, reviewerId: Id, expected: GoldExpected }), GoldCheck),
  unmarkGoldCheck: method(z.object({ itemId: Id, reviewerId: Id }), z.object({ removed: z.boolean() })),
  /** Reviewers only: the known answers are never sent to an annotator's screen. */
  listGoldChecks: method(z.object({ projectId: Id, reviewerId: Id }), z.array(GoldCheck)),

  /** Every version, newest first, with how many current labels were made under it. */
  listGuidelineVersions: method(z.object({ projectId: Id }), z.array(GuidelineVersion)),
  /**
   * Retracts every current label made under a version below `belowVersion` (default: the current
   * one), so those items come back to their annotators' queues; the old labels stay in history.
   */
  sendBackOutdated: method(
    z.object({ projectId: Id, reviewerId: Id, belowVersion: z.number().int().min(1).optional() }),
    z.object({ sendBackId: z.number().int().nullable(), labels: z.number().int(), items: z.number().int() }),
  ),
};
