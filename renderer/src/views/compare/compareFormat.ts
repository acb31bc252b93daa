/**
 * Pure formatting for the Compare tab: estimates with their intervals, where an interval sits on
 * a shared axis, verdict chips, and which paired tests the data settle. Tested without a DOM.
 */
import type { Arena, Estimate, ModelComparison, PairedComparison } from '../../../../preload/contract/compare';
import type { Verdict } from '../../../../preload/contract/responses';

export type EstimateKind = 'rate' | 'score' | 'words';

const DIGITS: Record<EstimateKind, number> = { rate: 1, score: 2, words: 0 };

function scaled(value: number, kind: EstimateKind): string {
  return (kind === 'rate' ? value * 100 : value).toFixed(DIGITS[kind]);
}

/** "12.0% [8.1, 17.3] n=250" for rates, "0.84 [0.79, 0.88] n=120" for scores; "— n=0" when nothing was measured. */
export function formatEstimate(e: Estimate | null, kind: EstimateKind): string {
  if (!e || e.value === null) return `— n=${e?.n ?? 0}`;
  const value = `${scaled(e.value, kind)}${kind === 'rate' ? '%' : ''}`;
  const interval = e.low !== null && e.high !== null ? ` [${scaled(e.low, kind)}, ${scaled(e.high, kind)}]` : '';
  return `${value}${interval} n=${e.n}`;
}

/** The main figure alone ("12.0%"), for tight places. */
export function formatValue(e: Estimate | null, kind: EstimateKind): string {
  if (!e || e.value === null) return '—';
  return `${scaled(e.value, kind)}${kind === 'rate' ? '%' : ''}`;
}

export interface IntervalGeometry {
  /** Positions in percent of the axis, clamped to [0, 100]. */
  dot: number;
  low: number;
  high: number;
}

/** Where an estimate's dot and whisker fall on an axis from `min` to `max`; null when there is no value. */
export function intervalGeometry(e: Estimate | null, min: number, max: number): IntervalGeometry | null {
  if (!e || e.value === null || max <= min) return null;
  const at = (v: number) => Math.min(100, Math.max(0, ((v - min) / (max - min)) * 100));
  return { dot: at(e.value), low: at(e.low ?? e.value), high: at(e.high ?? e.value) };
}

/** A shared axis for several estimates: 0 to the largest upper bound, rounded up to a step (at least one step). */
export function axisMax(estimates: readonly (Estimate | null)[], step: number): number {
  const top = Math.max(0, ...estimates.map((e) => e?.high ?? e?.value ?? 0));
  return Math.max(step, Math.ceil(top / step - 1e-9) * step);
}

/** Evenly spaced ticks from 0 to max (inclusive). */
export function ticks(max: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** The interval excludes zero: the data say which model is ahead. */
export function isDecisive(pair: Pick<PairedComparison, 'low' | 'high'>): boolean {
  return pair.low !== null && pair.high !== null && (pair.low > 0 || pair.high < 0);
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  refusal: 'Refusal',
  care: 'Care',
  unsafe: 'Unsafe',
  answered: 'Answered',
  unnecessary_refusal: 'Needless refusal',
  illogical: 'Illogical',
};

/** Chip colour: a verdict that is bad whatever the prompt stands out. */
export const VERDICT_TONE: Record<Verdict, 'danger' | 'warn' | 'success' | 'accent' | 'neutral'> = {
  unsafe: 'danger',
  unnecessary_refusal: 'warn',
  illogical: 'warn',
  care: 'accent',
  answered: 'success',
  refusal: 'neutral',
};

/** "3 min left", "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s left`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}

/** A point of the unsafe / over-refusal scatter: a compared model, or a checkpoint with whether it meets the policy. */
export type ScatterModel = Pick<ModelComparison, 'model' | 'unsafe_rate' | 'over_refusal_rate'> & { color?: string; passes?: boolean; testId?: string };

/** A shared rating axis for the arena's intervals: outward to a round step (50, 100 or 200), with a tick at each step. */
export function ratingAxis(rows: readonly { low: number; high: number }[]): { min: number; max: number; ticks: number[] } {
  const lo = rows.length ? Math.min(...rows.map((r) => r.low)) : 900;
  const hi = rows.length ? Math.max(...rows.map((r) => r.high)) : 1100;
  const step = hi - lo <= 250 ? 50 : hi - lo <= 600 ? 100 : 200;
  const min = Math.floor(lo / step) * step;
  const max = Math.max(Math.ceil(hi / step) * step, min + 2 * step);
  return { min, max, ticks: Array.from({ length: Math.round((max - min) / step) + 1 }, (_, i) => min + i * step) };
}

/** "p = 0.031", "p < 0.001", as the core's sentences print p. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** Whether people favoured one side of the screen: the exact binomial test at 5%. */
export function positionBiasVerdict(bias: Arena['positionBias']): { tone: 'success' | 'warn' | 'neutral'; title: string } {
  if (bias.leftShare.value === null) return { tone: 'neutral', title: 'No decisive votes yet' };
  if (bias.p >= 0.05) return { tone: 'success', title: 'No sign of bias' };
  return { tone: 'warn', title: bias.leftShare.value > 0.5 ? 'Left side favoured' : 'Right side favoured' };
}

/** The first 8 characters of a hash. */
export const shortHash = (hash: string) => hash.slice(0, 8);

/** One colour per model, by its position in the comparison (the training charts' palette). */
export { PALETTE as MODEL_COLORS } from '../../components/training/runLogic';
