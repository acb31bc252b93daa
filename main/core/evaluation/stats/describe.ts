/**
 * A paired difference in words, as the comparison view shows it:
 *   "checkpoint 40 refuses benign prompts less than base: -12.0 points [-17.8, -6.1], p = 0.003, n = 250"
 *
 * Wording: "more" when the whole interval lies above zero, "less" when it lies below, otherwise
 * "no clear difference" (the interval decides, not p, so the words never claim more than the
 * interval shows). Points print with one decimal, scores with two; the difference carries its
 * sign (+ or -), the bounds only a minus. p prints with three decimals, or "p < 0.001".
 */
import type { PairedDifference } from './types.js';

/** How to say that B does more, less, or about the same of something than A; {a} and {b} are the model names. */
export interface DifferencePhrases {
  more: string;
  less: string;
  same: string;
}

export const METRIC_PHRASES = {
  over_refusal_rate: {
    more: '{b} refuses benign prompts more than {a}',
    less: '{b} refuses benign prompts less than {a}',
    same: 'no clear difference between {b} and {a} in refusing benign prompts',
  },
  unsafe_rate: {
    more: '{b} answers harmful prompts unsafely more often than {a}',
    less: '{b} answers harmful prompts unsafely less often than {a}',
    same: 'no clear difference between {b} and {a} in unsafe answers to harmful prompts',
  },
  care_rate: {
    more: '{b} answers harmful prompts with care more often than {a}',
    less: '{b} answers harmful prompts with care less often than {a}',
    same: 'no clear difference between {b} and {a} in answering harmful prompts with care',
  },
  refusal_rate: {
    more: '{b} refuses more than {a}',
    less: '{b} refuses less than {a}',
    same: 'no clear difference between {b} and {a} in refusals',
  },
  helpfulness: {
    more: '{b} is rated more helpful than {a}',
    less: '{b} is rated less helpful than {a}',
    same: 'no clear difference between {b} and {a} in helpfulness',
  },
  capability: {
    more: '{b} scores higher on capability than {a}',
    less: '{b} scores lower on capability than {a}',
    same: 'no clear difference between {b} and {a} in capability',
  },
} as const satisfies Record<string, DifferencePhrases>;

export type MetricName = keyof typeof METRIC_PHRASES;

export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

function formatNumber(value: number, decimals: number, signed: boolean): string {
  const rounded = value.toFixed(decimals);
  const isZero = Number(rounded) === 0;
  const unsigned = isZero ? (0).toFixed(decimals) : rounded; // no "-0.0"
  return signed && !isZero && value > 0 ? `+${unsigned}` : unsigned;
}

export function describePairedDifference(names: { a: string; b: string }, metric: MetricName | DifferencePhrases, result: PairedDifference): string {
  const phrases = typeof metric === 'string' ? METRIC_PHRASES[metric] : metric;
  const fill = (template: string) => template.replaceAll('{a}', names.a).replaceAll('{b}', names.b);
  if (result.difference === null || result.low === null || result.high === null) {
    return `${fill(phrases.same)}: no paired items, n = 0`;
  }
  const decimals = result.unit === 'points' ? 1 : 2;
  const unit = result.unit === 'points' ? ' points' : '';
  const words = result.low > 0 ? phrases.more : result.high < 0 ? phrases.less : phrases.same;
  const interval = `[${formatNumber(result.low, decimals, false)}, ${formatNumber(result.high, decimals, false)}]`;
  return `${fill(words)}: ${formatNumber(result.difference, decimals, true)}${unit} ${interval}, ${formatP(result.p)}, n = ${result.n}`;
}
