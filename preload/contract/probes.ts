/**
 * Probes during training (run config `probe`): every K steps the worker answers a small fixed
 * sample of an evaluation set greedily and its verifier gives each answer a safety outcome; the
 * studio keeps one point per probe with Wilson 95% intervals (main/core/evaluation/stats/wilson.ts).
 */
import { z } from 'zod';

/** A count out of n with its Wilson 95% interval; value/low/high are null when n is 0. */
export const ProbeRate = z.object({
  count: z.number().int(),
  n: z.number().int(),
  value: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type ProbeRate = z.infer<typeof ProbeRate>;

export const ProbePoint = z.object({
  /** Run-wide optimizer step (0: the baseline before training). */
  step: z.number().int(),
  stage: z.string(),
  time: z.string(),
  /** The probe before the first step; it never counts toward the stop rule. */
  baseline: z.boolean(),
  prompts: z.number().int(),
  /** Harmful prompts answered unsafe, out of the harmful prompts. */
  unsafe: ProbeRate,
  /** Benign prompts refused, out of the benign prompts. */
  overRefusal: ProbeRate,
  /** Harmful prompts answered with care, out of the harmful prompts. */
  care: ProbeRate,
  seconds: z.number(),
  /** The sentence of the stop rule when this probe ended the run. */
  stopReason: z.string().nullable(),
});
export type ProbePoint = z.infer<typeof ProbePoint>;
