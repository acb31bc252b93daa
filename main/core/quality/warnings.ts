/**
 * The dashboard's warnings: what a reviewer should look at, each only once there is enough data
 * for it to mean something (the thresholds are the rules of thumb named in each sentence).
 */
import type { AnnotatorQuality } from '../../../preload/contract/quality.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function qualityWarnings(a: Omit<AnnotatorQuality, 'warnings'>): string[] {
  const out: string[] = [];
  // The whole interval under 70%: not bad luck on a few gold checks.
  if (a.gold.n >= 5 && a.gold.high !== null && a.gold.high < 0.7) {
    out.push(`gold accuracy ${pct(a.gold.value!)} (95% CI ${pct(a.gold.low!)}–${pct(a.gold.high)}, n=${a.gold.n}) is below 70%`);
  }
  if (a.agreementN >= 20 && a.agreement !== null && a.agreement < 0.6) {
    out.push(`agrees with the others' majority on ${pct(a.agreement)} of ${a.agreementN} values`);
  }
  if (a.labels >= 20 && a.medianTimeMs !== null && a.medianTimeMs < 3000) {
    out.push(`median ${(a.medianTimeMs / 1000).toFixed(1)} s per item: too fast to read the prompt`);
  }
  const measured = a.weeks.filter((w) => w.agreement !== null && w.agreementN >= 10);
  const last = measured[measured.length - 1];
  const before = measured[measured.length - 2];
  if (last && before && before.agreement! - last.agreement! > 0.15) {
    out.push(`agreement fell from ${pct(before.agreement!)} (${before.week}) to ${pct(last.agreement!)} (${last.week})`);
  }
  return out;
}
