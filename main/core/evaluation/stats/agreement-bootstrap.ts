/**
 * Percentile bootstrap intervals for alpha and Fleiss' kappa of several fields rated over the same
 * units (an item's six label fields; a response's verdict and helpfulness), overall and per
 * stratum (the item's risk category). The bootstrap is stratified and over the units a field can
 * use (two or more values): each resample draws a stratum's n units with replacement from that
 * stratum, and the overall coefficients read the strata's draws together (units without a stratum
 * are a block of their own). A resample only needs how often each distinct pattern of counts
 * (agreement.ts) was drawn, which is multinomial, so it is drawn as such (multinomial.ts, seeded
 * PRNG): O(patterns) per resample, not O(units), and the coefficients follow in O(patterns).
 */
import { DEFAULT_SEED, percentileInterval } from './bootstrap.js';
import { MISSING, coefficientsFromPatterns, compressPatterns, modalSize, pairwiseKappas, type Coefficients, type MeasurementLevel, type PairKappa, type RatingTable } from './agreement.js';
import { logFactorials, multinomial } from './multinomial.js';
import { createRng } from './rng.js';

/** 1,000 resamples, as the arena: 100,000 items' six fields and ten categories in about a second. */
export const AGREEMENT_RESAMPLES = 1000;

export interface FieldRatings {
  name: string;
  level: MeasurementLevel;
  table: RatingTable;
}

export interface IntervalOptions {
  resamples?: number;
  seed?: number;
}

export interface FieldAgreement extends Coefficients {
  /** Alpha's 2.5th and 97.5th bootstrap percentiles over resamples where alpha is defined; null when none is. */
  low: number | null;
  high: number | null;
  kappaLow: number | null;
  kappaHigh: number | null;
}

export interface FieldAgreementWithStrata extends FieldAgreement {
  /** Keyed by stratum name; strata without a unit of two values are left out. */
  byStratum: Record<string, FieldAgreement>;
}

export interface Strata {
  /** Per unit: index into names, or -1 for none. */
  of: Int32Array;
  names: readonly string[];
}

function interval(samples: number[]): [number | null, number | null] {
  if (samples.length === 0) return [null, null];
  const [low, high] = percentileInterval(Float64Array.from(samples));
  return [low, high];
}

function withInterval(point: Coefficients, alphas: number[], kappas: number[]): FieldAgreement {
  const [low, high] = interval(alphas);
  const [kappaLow, kappaHigh] = interval(kappas);
  return { ...point, low, high, kappaLow, kappaHigh };
}

/** Point estimates and intervals for every field over the same units, overall and per stratum. */
export function measureFields(fields: readonly FieldRatings[], strata: Strata | null, options: IntervalOptions = {}): Record<string, FieldAgreementWithStrata> {
  const units = fields[0]?.table.units ?? 0;
  for (const f of fields) if (f.table.units !== units) throw new RangeError(`field ${f.name} has ${f.table.units} units, expected ${units}`);
  if (strata && strata.of.length !== units) throw new RangeError(`strata cover ${strata.of.length} units, expected ${units}`);
  const rounds = options.resamples ?? AGREEMENT_RESAMPLES;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`resamples must be a positive integer, got ${rounds}`);
  const names = strata?.names ?? [];
  // Block 0: units without a stratum; block 1 + s: stratum s. The overall counts are their sum.
  const blockOf = (u: number) => (strata ? strata.of[u]! + 1 : 0);
  const blocks = 1 + names.length;
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const logFact = logFactorials(units);
  const out: Record<string, FieldAgreementWithStrata> = {};
  for (const field of fields) {
    const patterns = compressPatterns(field.table);
    const P = patterns.size.length;
    const base = new Float64Array(blocks * P);
    for (let u = 0; u < units; u++) {
      const p = patterns.patternOf[u]!;
      if (p >= 0) base[blockOf(u) * P + p]! += 1;
    }
    const blockCounts = (counts: Float64Array, b: number) => counts.subarray(b * P, (b + 1) * P);
    const sizes = Array.from({ length: blocks }, (_, b) => blockCounts(base, b).reduce((sum, w) => sum + w, 0));
    // Fleiss' m per block and overall, from the data itself, kept for its resamples so they measure the same thing.
    const fleissOf = [modalSize(patterns), ...Array.from({ length: blocks }, (_, b) => modalSize(patterns, blockCounts(base, b)))];
    const coefficients = (counts: Float64Array): Coefficients[] => {
      const overall = new Float64Array(P);
      const each = Array.from({ length: blocks }, (_, b) => {
        const block = blockCounts(counts, b);
        for (let p = 0; p < P; p++) overall[p]! += block[p]!;
        return b === 0 ? null : coefficientsFromPatterns(patterns, block, field.level, fleissOf[1 + b]!);
      });
      return [coefficientsFromPatterns(patterns, overall, field.level, fleissOf[0]!), ...(each.slice(1) as Coefficients[])];
    };
    const points = coefficients(base);
    const alphas = points.map((): number[] => []);
    const kappas = points.map((): number[] => []);
    const drawn = new Float64Array(blocks * P);
    for (let round = 0; round < rounds && units > 0; round++) {
      for (let b = 0; b < blocks; b++) multinomial(rng, sizes[b]!, blockCounts(base, b), blockCounts(drawn, b), logFact);
      coefficients(drawn).forEach((c, i) => {
        if (c.alpha !== null) alphas[i]!.push(c.alpha);
        if (c.kappa !== null) kappas[i]!.push(c.kappa);
      });
    }
    const byStratum: Record<string, FieldAgreement> = {};
    names.forEach((name, s) => {
      if (points[s + 1]!.items > 0) byStratum[name] = withInterval(points[s + 1]!, alphas[s + 1]!, kappas[s + 1]!);
    });
    out[field.name] = { ...withInterval(points[0]!, alphas[0]!, kappas[0]!), byStratum };
  }
  return out;
}

/** measureFields for one table, without strata. */
export function measureField(field: FieldRatings, options: IntervalOptions = {}): FieldAgreement {
  const { byStratum: _strata, ...rest } = measureFields([field], null, options)[field.name]!;
  return rest;
}

export interface PairKappaWithInterval extends PairKappa {
  /** Cohen's kappa's bootstrap 95% interval over the units both rated; null when never defined. */
  low: number | null;
  high: number | null;
}

/** Cohen's kappa from a k x k confusion table of counts (rows: rater a); null when undefined, as cohenKappa. */
export function kappaFromConfusion(confusion: ArrayLike<number>, k: number): number | null {
  let n = 0;
  let agree = 0;
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let g = 0; g < k; g++) {
      const x = confusion[c * k + g]!;
      n += x;
      rows[c]! += x;
      cols[g]! += x;
      if (c === g) agree += x;
    }
  }
  if (n === 0) return null;
  let expected = 0;
  for (let c = 0; c < k; c++) expected += (rows[c]! / n) * (cols[c]! / n);
  return expected === 1 ? null : (agree / n - expected) / (1 - expected);
}

/**
 * pairwiseKappas with a percentile bootstrap interval per pair: a resample of the units both rated
 * is a multinomial draw over the pair's confusion table (same seeded draws as the fields').
 */
export function measurePairs(table: RatingTable, options: IntervalOptions = {}): PairKappaWithInterval[] {
  const rounds = options.resamples ?? AGREEMENT_RESAMPLES;
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const k = table.categories;
  const logFact = logFactorials(table.units);
  const drawn = new Float64Array(k * k);
  return pairwiseKappas(table).map((pair) => {
    const confusion = new Float64Array(k * k);
    for (let u = 0; u < table.units; u++) {
      const x = table.values[u * table.raters + pair.a]!;
      const y = table.values[u * table.raters + pair.b]!;
      if (x !== MISSING && y !== MISSING) confusion[x * k + y]! += 1;
    }
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      multinomial(rng, pair.items, confusion, drawn, logFact);
      const kappa = kappaFromConfusion(drawn, k);
      if (kappa !== null) samples.push(kappa);
    }
    const [low, high] = interval(samples);
    return { ...pair, low, high };
  });
}
