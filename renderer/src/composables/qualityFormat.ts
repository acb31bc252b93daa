/** Pure formatting for the quality dashboard (tested without a DOM). */
import type { RateEstimate, WeekQuality } from '../../../preload/contract/quality';

export const percent = (x: number | null): string => (x === null ? '–' : `${Math.round(x * 100)}%`);

/** "83% (71–91%, n=40)", or "no gold checks yet". */
export function rateText(r: RateEstimate): string {
  if (r.n === 0 || r.value === null) return 'not measured yet';
  return `${percent(r.value)} (${percent(r.low)}–${percent(r.high)}, n=${r.n})`;
}

export function durationText(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

export type WeekMeasure = 'agreement' | 'gold';

/** One point per ISO week that has the measure: its value and n. */
export function weekPoints(weeks: readonly WeekQuality[], measure: WeekMeasure): { week: string; value: number; n: number }[] {
  return weeks.flatMap((w) => {
    const value = measure === 'agreement' ? w.agreement : w.gold.value;
    const n = measure === 'agreement' ? w.agreementN : w.gold.n;
    return value === null || n === 0 ? [] : [{ week: w.week, value, n }];
  });
}

const GOLD_FIELD_LABEL: Record<string, string> = {
  harmful: 'Harmful',
  riskCategory: 'Risk category',
  severity: 'Severity',
  expected: 'Expected',
  jailbreakType: 'Jailbreak type',
  crossModalRisk: 'Cross-modal risk',
};

const words = (slug: string) => {
  const text = slug.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** A gold check's known answer in words: "Harmful: yes · Risk category: Hate". */
export function goldAnswerText(expected: Record<string, unknown>): string {
  return Object.entries(expected)
    .map(([field, value]) => `${GOLD_FIELD_LABEL[field] ?? field}: ${typeof value === 'boolean' ? (value ? 'yes' : 'no') : value === null ? 'none' : words(String(value))}`)
    .join(' · ');
}
