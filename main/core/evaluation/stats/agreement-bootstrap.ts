/**
 * Percentile bootstrap intervals for alpha and Fleiss' kappa of several fields rated over the same
 * units (an item's six label fields; a response's verdict and helpfulness), overall and per
 * stratum (the item's risk category). Each resample draws the units with replacement once, from
 * the seeded PRNG, and every field and stratum reads the same draw, so 100,000 units x 2,000
 * resamples cost 2 x 10^8 draws for all fields together, not per field. A field's resample counts
 * units per pattern (agreement.ts), from which its coefficients follow in O(patterns).
 *
 * Units a field has fewer than two values for are drawn too and contribute nothing to it, so a
 * field's resampled n varies around its n, as does a stratum's: the resampled population is the
 * units, as in every bootstrap over items here.
 */
import { DEFAULT_RESAMPLES, DEFAULT_SEED, percentileInterval } from './bootstrap.js';
import { coefficientsFromPatterns, compressPatterns, modalSize, type Coefficients, type MeasurementLevel, type Patterns, type RatingTable } from './agreement.js';
import { createRng } from './rng.js';

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

interface FieldPlan {
  field: FieldRatings;
  patterns: Patterns;
  fleissRaters: number;
  /** Offset of this field's block of counts: overall first, then one block per stratum. */
  offset: number;
  patternCount: number;
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
  const blocks = 1 + (strata?.names.length ?? 0);
  let offset = 0;
  const plans: FieldPlan[] = fields.map((field) => {
    const patterns = compressPatterns(field.table);
    const plan = { field, patterns, fleissRaters: modalSize(patterns), offset, patternCount: patterns.size.length };
    offset += blocks * plan.patternCount;
    return plan;
  });
  // Per unit and field: its slot in the stratum block (the overall block is summed afterwards), or -1.
  const slots = new Int32Array(units * plans.length).fill(-1);
  const baseCounts = new Float64Array(offset);
  plans.forEach((plan, f) => {
    for (let u = 0; u < units; u++) {
      const p = plan.patterns.patternOf[u]!;
      const s = strata ? strata.of[u]! : -1;
      if (p < 0) continue;
      if (s >= 0) slots[u * plans.length + f] = plan.offset + (1 + s) * plan.patternCount + p;
      else slots[u * plans.length + f] = plan.offset + p;
    }
  });
  const evaluate = (counts: Float64Array, visit: (plan: FieldPlan, block: number, c: Coefficients) => void) => {
    for (const plan of plans) {
      const overall = counts.subarray(plan.offset, plan.offset + plan.patternCount);
      for (let b = 1; b < blocks; b++) {
        const block = counts.subarray(plan.offset + b * plan.patternCount, plan.offset + (b + 1) * plan.patternCount);
        for (let p = 0; p < plan.patternCount; p++) overall[p] += block[p]!;
        visit(plan, b, coefficientsFromPatterns(plan.patterns, block, plan.field.level, plan.fleissRaters));
      }
      visit(plan, 0, coefficientsFromPatterns(plan.patterns, overall, plan.field.level, plan.fleissRaters));
    }
  };
  const points = new Map<string, Coefficients>();
  for (let u = 0; u < units; u++) for (let f = 0; f < plans.length; f++) if (slots[u * plans.length + f]! >= 0) baseCounts[slots[u * plans.length + f]!]++;
  evaluate(baseCounts, (plan, block, c) => points.set(`${plan.field.name}\u0000${block}`, c));

  const alphas = new Map<string, number[]>();
  const kappas = new Map<string, number[]>();
  for (const key of points.keys()) {
    alphas.set(key, []);
    kappas.set(key, []);
  }
  const rounds = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`resamples must be a positive integer, got ${rounds}`);
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const counts = new Float64Array(offset);
  const width = plans.length;
  for (let round = 0; units > 0 && round < rounds; round++) {
    counts.fill(0);
    for (let k = 0; k < units; k++) {
      const base = rng.int(units) * width;
      for (let f = 0; f < width; f++) {
        const slot = slots[base + f]!;
        if (slot >= 0) counts[slot]++;
      }
    }
    evaluate(counts, (plan, block, c) => {
      const key = `${plan.field.name}\u0000${block}`;
      if (c.alpha !== null) alphas.get(key)!.push(c.alpha);
      if (c.kappa !== null) kappas.get(key)!.push(c.kappa);
    });
  }

  const out: Record<string, FieldAgreementWithStrata> = {};
  for (const plan of plans) {
    const at = (block: number) => {
      const key = `${plan.field.name}\u0000${block}`;
      return withInterval(points.get(key)!, alphas.get(key)!, kappas.get(key)!);
    };
    const byStratum: Record<string, FieldAgreement> = {};
    for (let b = 1; b < blocks; b++) {
      const entry = at(b);
      if (entry.items > 0) byStratum[strata!.names[b - 1]!] = entry;
    }
    out[plan.field.name] = { ...at(0), byStratum };
  }
  return out;
}

/** measureFields for one table, without strata. */
export function measureField(field: FieldRatings, options: IntervalOptions = {}): FieldAgreement {
  const { byStratum: _strata, ...rest } = measureFields([field], null, options)[field.name]!;
  return rest;
}
