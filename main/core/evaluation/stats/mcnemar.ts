/**
 * Paired binary outcomes (is a response unsafe, did the model refuse) of two models on the same
 * prompts: the exact McNemar test and the difference in rates with Newcombe's interval.
 */
import { EMPTY_ESTIMATE, Z95, type Estimate, type PairedDifference } from './types.js';
import { wilson } from './wilson.js';

/**
 * Two-sided exact McNemar p on the discordant counts b (A yes, B no) and c (A no, B yes), as
 * statsmodels' mcnemar(table, exact=True): min(1, 2 * P[Binomial(b + c, 1/2) <= min(b, c)]).
 * No discordant pairs gives p = 1.
 */
export function mcnemarExact(b: number, c: number): number {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  return Math.min(1, 2 * binomialCdfHalf(Math.min(b, c), b + c));
}

/** P[X <= k] for X ~ Binomial(n, 1/2), summed in log space so n in the millions does not underflow. */
export function binomialCdfHalf(k: number, n: number): number {
  if (k >= n) return 1;
  let logTerm = -n * Math.LN2; // log C(n, 0) / 2^n
  let maxLog = logTerm;
  const logs: number[] = [logTerm];
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    logs.push(logTerm);
    if (logTerm > maxLog) maxLog = logTerm;
  }
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - maxLog);
  return Math.min(1, Math.exp(maxLog) * sum);
}

export interface PairedBinaryResult extends PairedDifference {
  unit: 'points';
  method: 'newcombe-mcnemar';
  /** Each model's rate over the paired items, with its Wilson interval (fractions, not points). */
  rateA: Estimate;
  rateB: Estimate;
  /** Discordant counts: items where only A's outcome is true, and only B's. */
  onlyA: number;
  onlyB: number;
}

/**
 * B's rate minus A's in percentage points over items both were judged on (outcomesA[i] and
 * outcomesB[i] are the same item), with Newcombe's (1998) method 10 interval for paired
 * proportions (Wilson intervals of both rates combined with the phi correlation of the 2x2 table,
 * no continuity correction; phi = 0 when a margin is empty) and the exact McNemar p. Newcombe's
 * interval is closed form, stays inside [-100, 100] and needs no seed, unlike a bootstrap. Its
 * width comes from the discordant items: two models that agree on every item get an interval of
 * (nearly) zero width around 0, which the sentence form reports as no clear difference.
 */
export function pairedBinary(outcomesA: readonly boolean[], outcomesB: readonly boolean[], z: number = Z95): PairedBinaryResult {
  if (outcomesA.length !== outcomesB.length) {
    throw new RangeError(`paired outcomes differ in length: ${outcomesA.length} for A, ${outcomesB.length} for B`);
  }
  const n = outcomesA.length;
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < n; i++) {
    if (outcomesA[i] && outcomesB[i]) both++;
    else if (outcomesA[i]) onlyA++;
    else if (outcomesB[i]) onlyB++;
  }
  const neither = n - both - onlyA - onlyB;
  const p = mcnemarExact(onlyA, onlyB);
  if (n === 0) {
    return { difference: null, low: null, high: null, p, n, unit: 'points', method: 'newcombe-mcnemar', rateA: EMPTY_ESTIMATE, rateB: EMPTY_ESTIMATE, onlyA, onlyB };
  }
  const rateA = wilson(both + onlyA, n, z);
  const rateB = wilson(both + onlyB, n, z);
  const [low, high] = newcombePairedInterval(both, onlyB, onlyA, neither, z);
  return { difference: (100 * (onlyB - onlyA)) / n, low: 100 * low, high: 100 * high, p, n, unit: 'points', method: 'newcombe-mcnemar', rateA, rateB, onlyA, onlyB };
}

/**
 * Newcombe's method 10 for theta = p1 - p2 from a paired 2x2 table: e = both true, f = only the
 * first true, g = only the second true, h = neither. Returns [low, high] as fractions.
 */
export function newcombePairedInterval(e: number, f: number, g: number, h: number, z: number = Z95): [number, number] {
  const n = e + f + g + h;
  const first = wilson(e + f, n, z);
  const second = wilson(e + g, n, z);
  if (first.value === null || second.value === null) throw new RangeError('the paired table is empty');
  const margins = (e + f) * (g + h) * (e + g) * (f + h);
  const phi = margins === 0 ? 0 : (e * h - f * g) / Math.sqrt(margins);
  const theta = first.value - second.value;
  const dl1 = first.value - first.low;
  const du1 = first.high - first.value;
  const dl2 = second.value - second.low;
  const du2 = second.high - second.value;
  const delta = Math.sqrt(Math.max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const epsilon = Math.sqrt(Math.max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  return [Math.max(-1, theta - delta), Math.min(1, theta + epsilon)];
}
