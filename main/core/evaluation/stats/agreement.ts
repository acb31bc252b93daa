/**
 * Agreement between annotators on one label field: Krippendorff's alpha (nominal or ordinal),
 * Fleiss' kappa and Cohen's kappa per pair of raters, over a rating table whose labels are coded
 * as integers (category codes in order, so the ordinal metric can read them) with MISSING where a
 * rater gave no value. Typed arrays throughout: a 100,000-item table is read a few times, never
 * copied into objects.
 *
 * Every coefficient works from a unit's counts per category ("pattern"): alpha's coincidences,
 * Fleiss' per-item agreement and the category shares all follow from them, so units with the same
 * counts are computed once (agreement-bootstrap.ts resamples those pattern counts).
 */
import { cohenKappa } from './kappa.js';

export const MISSING = -1;

export type MeasurementLevel = 'nominal' | 'ordinal';

export interface RatingTable {
  units: number;
  raters: number;
  /** Number of category codes; codes are 0..categories-1, in order for the ordinal metric. */
  categories: number;
  /** units x raters, row-major: values[u * raters + r] is a code or MISSING. */
  values: Int32Array;
}

/** Distinct per-unit category counts of a table; only units with two or more values have one. */
export interface Patterns {
  categories: number;
  /** Per unit: its pattern's index, or -1 when the unit has fewer than two values. */
  patternOf: Int32Array;
  /** Per pattern: its nonzero (category, count) entries, flattened, from entryStart[p] to entryStart[p + 1]. */
  entryStart: Int32Array;
  entryCategory: Int32Array;
  entryCount: Int32Array;
  /** Per pattern: how many values its units have. */
  size: Int32Array;
  /** Per pattern: how many units have it. */
  units: Int32Array;
}

export interface Coefficients {
  /** Krippendorff's alpha; null when undefined (no unit with two values, or no expected disagreement). */
  alpha: number | null;
  /** Fleiss' kappa over the units rated by exactly `fleissRaters` raters; null when undefined. */
  kappa: number | null;
  /** Units with two or more values (the units alpha uses). */
  items: number;
  fleissItems: number;
  /** The most common number of values among units with two or more (a tie goes to the larger). */
  fleissRaters: number;
}

export function checkTable(table: RatingTable): void {
  const { units, raters, categories, values } = table;
  if (values.length !== units * raters) throw new RangeError(`rating table holds ${values.length} values, expected ${units} x ${raters}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== MISSING && (v < 0 || v >= categories)) throw new RangeError(`value ${v} at unit ${Math.floor(i / raters)} is outside [0, ${categories})`);
  }
}

export function compressPatterns(table: RatingTable): Patterns {
  checkTable(table);
  const { units, raters, categories, values } = table;
  const patternOf = new Int32Array(units).fill(-1);
  // A unit's counts as one number in base raters + 1 while that stays exact, else as text.
  const numericKeys = categories * Math.log2(raters + 1) < 52;
  const ids = new Map<number | string, number>();
  const counts = new Int32Array(categories);
  const entryStart = [0];
  const entryCategory: number[] = [];
  const entryCount: number[] = [];
  const size: number[] = [];
  const unitCount: number[] = [];
  for (let u = 0; u < units; u++) {
    let m = 0;
    for (let r = 0; r < raters; r++) if (values[u * raters + r] !== MISSING) m++;
    if (m < 2) continue;
    counts.fill(0);
    for (let r = 0; r < raters; r++) {
      const v = values[u * raters + r]!;
      if (v !== MISSING) counts[v]!++;
    }
    let key: number | string = 0;
    if (numericKeys) {
      for (let c = categories - 1; c >= 0; c--) key = key * (raters + 1) + counts[c]!;
    } else {
      key = '';
      for (let c = 0; c < categories; c++) if (counts[c] !== 0) key += `${c}:${counts[c]},`;
    }
    let id = ids.get(key);
    if (id === undefined) {
      id = size.length;
      ids.set(key, id);
      for (let c = 0; c < categories; c++) {
        if (counts[c] === 0) continue;
        entryCategory.push(c);
        entryCount.push(counts[c]!);
      }
      entryStart.push(entryCategory.length);
      size.push(m);
      unitCount.push(0);
    }
    unitCount[id]!++;
    patternOf[u] = id;
  }
  return {
    categories,
    patternOf,
    entryStart: Int32Array.from(entryStart),
    entryCategory: Int32Array.from(entryCategory),
    entryCount: Int32Array.from(entryCount),
    size: Int32Array.from(size),
    units: Int32Array.from(unitCount),
  };
}

/** The most common number of values among patterns weighted by units (a tie goes to the larger). */
export function modalSize(patterns: Patterns, weights: ArrayLike<number> = patterns.units): number {
  const bySize = new Map<number, number>();
  for (let p = 0; p < patterns.size.length; p++) {
    if (weights[p]! > 0) bySize.set(patterns.size[p]!, (bySize.get(patterns.size[p]!) ?? 0) + weights[p]!);
  }
  let best = 0;
  let bestCount = 0;
  for (const [m, count] of bySize) {
    if (count > bestCount || (count === bestCount && m > best)) {
      best = m;
      bestCount = count;
    }
  }
  return best;
}

/** Squared distances between categories: 1 off the diagonal (nominal), or Krippendorff's ordinal metric on the marginals. */
function distances(marginals: Float64Array, level: MeasurementLevel): Float64Array {
  const k = marginals.length;
  const d = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    let between = 0;
    for (let g = c; g < k; g++) {
      between += marginals[g]!;
      const delta = level === 'nominal' ? (g === c ? 0 : 1) : (between - (marginals[c]! + marginals[g]!) / 2) ** 2;
      d[c * k + g] = delta;
      d[g * k + c] = delta;
    }
  }
  return d;
}

/**
 * The coefficients from pattern weights (units per pattern: the table's own, or a resample's).
 * `fleissRaters` fixes m for Fleiss' kappa (the table's modal size, so a resample measures the same thing).
 */
export function coefficientsFromPatterns(patterns: Patterns, weights: ArrayLike<number>, level: MeasurementLevel, fleissRaters: number): Coefficients {
  const k = patterns.categories;
  const coincidences = new Float64Array(k * k);
  const fleissTotals = new Float64Array(k);
  let items = 0;
  let fleissItems = 0;
  let fleissAgreement = 0;
  for (let p = 0; p < patterns.size.length; p++) {
    const w = weights[p]!;
    if (w === 0) continue;
    const m = patterns.size[p]!;
    const start = patterns.entryStart[p]!;
    const end = patterns.entryStart[p + 1]!;
    items += w;
    const scale = w / (m - 1);
    let squares = 0;
    for (let i = start; i < end; i++) {
      const c = patterns.entryCategory[i]!;
      const nc = patterns.entryCount[i]!;
      squares += nc * nc;
      for (let j = start; j < end; j++) {
        const g = patterns.entryCategory[j]!;
        coincidences[c * k + g]! += scale * nc * (i === j ? nc - 1 : patterns.entryCount[j]!);
      }
    }
    if (m === fleissRaters) {
      fleissItems += w;
      fleissAgreement += w * (squares - m);
      for (let i = start; i < end; i++) fleissTotals[patterns.entryCategory[i]!]! += w * patterns.entryCount[i]!;
    }
  }
  return { alpha: alphaFromCoincidences(coincidences, k, level), kappa: fleissFromTotals(fleissTotals, fleissAgreement, fleissItems, fleissRaters), items, fleissItems, fleissRaters };
}

function alphaFromCoincidences(coincidences: Float64Array, k: number, level: MeasurementLevel): number | null {
  const marginals = new Float64Array(k);
  let n = 0;
  for (let c = 0; c < k; c++) {
    for (let g = 0; g < k; g++) marginals[c]! += coincidences[c * k + g]!;
    n += marginals[c]!;
  }
  if (n <= 1) return null;
  const d = distances(marginals, level);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let g = 0; g < k; g++) {
      observed += coincidences[c * k + g]! * d[c * k + g]!;
      expected += (marginals[c]! * marginals[g]! * d[c * k + g]!) / (n - 1);
    }
  }
  return expected === 0 ? null : 1 - observed / expected;
}

function fleissFromTotals(totals: Float64Array, agreement: number, items: number, m: number): number | null {
  if (items === 0 || m < 2) return null;
  const observed = agreement / (m * (m - 1) * items);
  let chance = 0;
  for (const t of totals) chance += (t / (items * m)) ** 2;
  return chance === 1 ? null : (observed - chance) / (1 - chance);
}

/** Krippendorff's alpha, Fleiss' kappa and their n for a table (units with fewer than two values ignored). */
export function agreementCoefficients(table: RatingTable, level: MeasurementLevel): Coefficients {
  const patterns = compressPatterns(table);
  return coefficientsFromPatterns(patterns, patterns.units, level, modalSize(patterns));
}

export function krippendorffAlpha(table: RatingTable, level: MeasurementLevel): number | null {
  return agreementCoefficients(table, level).alpha;
}

export function fleissKappa(table: RatingTable): { kappa: number | null; items: number; raters: number } {
  const c = agreementCoefficients(table, 'nominal');
  return { kappa: c.kappa, items: c.fleissItems, raters: c.fleissRaters };
}

export interface PairKappa {
  a: number;
  b: number;
  /** Cohen's kappa on the units both rated; null when undefined. */
  kappa: number | null;
  items: number;
}

/** Cohen's kappa for every pair of raters (a < b) on the units both rated, pairs with no shared unit left out. */
export function pairwiseKappas(table: RatingTable): PairKappa[] {
  checkTable(table);
  const { units, raters, values } = table;
  const out: PairKappa[] = [];
  for (let a = 0; a < raters; a++) {
    for (let b = a + 1; b < raters; b++) {
      const labelsA: number[] = [];
      const labelsB: number[] = [];
      for (let u = 0; u < units; u++) {
        const x = values[u * raters + a]!;
        const y = values[u * raters + b]!;
        if (x === MISSING || y === MISSING) continue;
        labelsA.push(x);
        labelsB.push(y);
      }
      if (labelsA.length > 0) out.push({ a, b, kappa: cohenKappa(labelsA, labelsB).kappa, items: labelsA.length });
    }
  }
  return out;
}

export interface MajorityAgreement {
  /** Values equal to the other raters' majority. */
  agree: number;
  /** Values where the other raters had a unique most common value. */
  compared: number;
}

/**
 * Per rater: how often their value equals the unique most common value of the other raters on
 * the same unit (leave-one-out, so a rater is never compared with a majority they made); units
 * where the others tie or gave nothing are not compared.
 */
export function majorityAgreement(table: RatingTable): MajorityAgreement[] {
  checkTable(table);
  const { units, raters, categories, values } = table;
  const out = Array.from({ length: raters }, () => ({ agree: 0, compared: 0 }));
  const counts = new Int32Array(categories);
  for (let u = 0; u < units; u++) {
    const row = u * raters;
    let m = 0;
    for (let r = 0; r < raters; r++) if (values[row + r] !== MISSING) m++;
    if (m < 2) continue;
    counts.fill(0);
    for (let r = 0; r < raters; r++) if (values[row + r] !== MISSING) counts[values[row + r]!]!++;
    for (let r = 0; r < raters; r++) {
      const own = values[row + r]!;
      if (own === MISSING) continue;
      counts[own]!--;
      let best = -1;
      let bestCount = 0;
      let tied = false;
      for (let c = 0; c < categories; c++) {
        if (counts[c]! > bestCount) {
          best = c;
          bestCount = counts[c]!;
          tied = false;
        } else if (counts[c]! === bestCount && bestCount > 0) tied = true;
      }
      counts[own]!++;
      if (best < 0 || tied) continue;
      out[r]!.compared++;
      if (best === own) out[r]!.agree++;
    }
  }
  return out;
}
