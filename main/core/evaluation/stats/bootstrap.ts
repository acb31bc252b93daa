/**
 * Percentile bootstrap over items: a single model's mean with its interval, and the paired
 * difference of two models' scores on the same items. Resamples come from the seeded PRNG, or
 * from explicit index lists (what the Python reference fixtures use, since numpy's draws cannot be
 * reproduced here).
 */
import { logFactorials, multinomial } from './multinomial.js';
import { createRng } from './rng.js';
import { EMPTY_ESTIMATE, type Estimate, type PairedDifference } from './types.js';

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 1;

/** Either `resamples` draws from the PRNG seeded with `seed`, or exactly the given index lists. */
export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Each list holds n indices into the data (with repetition); overrides resamples and seed. */
  indexSets?: readonly (readonly number[])[];
}

/**
 * Calls `visit` once per resample with n indices drawn with replacement from [0, n). The buffer is
 * reused between calls, so `visit` must not keep it. Returns the number of resamples.
 */
export function forEachResample(n: number, options: BootstrapOptions, visit: (indices: ArrayLike<number>, round: number) => void): number {
  if (options.indexSets) {
    options.indexSets.forEach((set, round) => {
      if (set.length !== n) throw new RangeError(`resample ${round} has ${set.length} indices, expected ${n}`);
      for (const i of set) if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`resample ${round} has index ${i} outside [0, ${n})`);
      visit(set, round);
    });
    return options.indexSets.length;
  }
  const rounds = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`resamples must be a positive integer, got ${rounds}`);
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const buffer = new Int32Array(n);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < n; k++) buffer[k] = rng.int(n);
    visit(buffer, round);
  }
  return rounds;
}

/** The q-quantile (q in [0, 1]) of ascending `sorted`, interpolated linearly: numpy's default ('linear', type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lowValue = sorted[below]!;
  return lowValue + (sorted[above]! - lowValue) * (position - below);
}

/** The 2.5th and 97.5th percentiles of `samples` (sorted in place). */
export function percentileInterval(samples: Float64Array): [number, number] {
  samples.sort();
  return [quantileSorted(samples, 0.025), quantileSorted(samples, 0.975)];
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

function resampledMeans(values: readonly number[], options: BootstrapOptions): Float64Array {
  if (!options.indexSets) {
    const rounds = options.resamples ?? DEFAULT_RESAMPLES;
    const seed = options.seed ?? DEFAULT_SEED;
    const groups = distinctValues(values);
    // Few distinct values (scores of 0, 0.5, 1; word counts): draw how often each is picked.
    return groups.values.length * 8 < values.length ? groupedMeans(groups, values.length, rounds, seed) : drawnMeans(values, rounds, seed);
  }
  const means: number[] = [];
  forEachResample(values.length, options, (indices) => {
    let sum = 0;
    for (let k = 0; k < indices.length; k++) sum += values[indices[k]!]!;
    means.push(sum / indices.length);
  });
  return Float64Array.from(means);
}

function distinctValues(values: readonly number[]): { values: Float64Array; counts: Float64Array } {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  return { values: Float64Array.from(tally.keys()), counts: Float64Array.from(tally.values()) };
}

/**
 * A resample's mean when the data hold few distinct values: how many of the n draws pick each
 * value is multinomial(n, counts / n), drawn exactly as conditional binomials (multinomial.ts),
 * so a resample costs O(distinct values x sqrt(n)) instead of n draws. The same distribution as
 * drawing items one by one, not the same draws: seeded results are reproducible, not equal to
 * drawnMeans'.
 */
function groupedMeans(groups: { values: Float64Array; counts: Float64Array }, n: number, rounds: number, seed: number): Float64Array {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`resamples must be a positive integer, got ${rounds}`);
  const rng = createRng(seed);
  const logFact = logFactorials(n);
  const drawn = new Float64Array(groups.values.length);
  const means = new Float64Array(rounds);
  for (let round = 0; round < rounds; round++) {
    multinomial(rng, n, groups.counts, drawn, logFact);
    let sum = 0;
    for (let g = 0; g < drawn.length; g++) sum += drawn[g]! * groups.values[g]!;
    means[round] = sum / n;
  }
  return means;
}

/**
 * The same resamples forEachResample draws (the same PRNG calls in the same order), summed as they
 * are drawn instead of stored first: the comparison view runs dozens of these per request.
 */
function drawnMeans(values: readonly number[], rounds: number, seed: number): Float64Array {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`resamples must be a positive integer, got ${rounds}`);
  const rng = createRng(seed);
  const data = Float64Array.from(values);
  const n = data.length;
  const means = new Float64Array(rounds);
  for (let round = 0; round < rounds; round++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += data[rng.int(n)]!;
    means[round] = sum / n;
  }
  return means;
}

function requireFinite(values: readonly number[], what: string): void {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${what}[${i}] is not a finite number: ${v}`);
  });
}

/** A model's mean score over items with the percentile bootstrap interval over items. */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): Estimate {
  requireFinite(values, 'values');
  if (values.length === 0) return EMPTY_ESTIMATE;
  const [low, high] = percentileInterval(resampledMeans(values, options));
  return { value: mean(values), low, high, n: values.length };
}

export interface PairedBootstrapResult extends PairedDifference {
  unit: 'score';
  method: 'paired-bootstrap';
  resamples: number;
}

/**
 * Mean of b[i] - a[i] over items scored for both models (a[i] and b[i] are the same item; drop
 * items either lacks before calling), with the percentile interval from resampling items. p is
 * the two-sided p the percentile interval implies: 2 * (1 + resamples on the far side of zero) /
 * (1 + resamples), capped at 1, so p < 0.05 goes with an interval that excludes zero and p is
 * never below 2 / (resamples + 1).
 */
export function pairedBootstrapMean(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): PairedBootstrapResult {
  if (a.length !== b.length) throw new RangeError(`paired scores differ in length: ${a.length} for A, ${b.length} for B`);
  requireFinite(a, 'a');
  requireFinite(b, 'b');
  const diffs = a.map((value, i) => b[i]! - value);
  if (diffs.length === 0) {
    return { difference: null, low: null, high: null, p: 1, n: 0, unit: 'score', method: 'paired-bootstrap', resamples: 0 };
  }
  const samples = resampledMeans(diffs, options);
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (const s of samples) {
    if (s <= 0) atOrBelow++;
    if (s >= 0) atOrAbove++;
  }
  const p = Math.min(1, (2 * (1 + Math.min(atOrBelow, atOrAbove))) / (1 + samples.length));
  const [low, high] = percentileInterval(samples);
  return { difference: mean(diffs), low, high, p, n: diffs.length, unit: 'score', method: 'paired-bootstrap', resamples: samples.length };
}
