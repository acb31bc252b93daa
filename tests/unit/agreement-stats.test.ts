/**
 * main/core/evaluation/stats/agreement.ts against reference values computed once with Python
 * (tests/fixtures/stats/make_agreement_reference.py: the krippendorff package, sklearn's
 * cohen_kappa_score, statsmodels' fleiss_kappa) on tables with missing labels and single-category fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MISSING,
  agreementCoefficients,
  binomial,
  createRng,
  logFactorials,
  multinomial,
  fleissKappa,
  krippendorffAlpha,
  kappaFromConfusion,
  measureField,
  measureFields,
  measurePairs,
  pairwiseKappas,
  type MeasurementLevel,
  type RatingTable,
} from '../../main/core/evaluation/stats/index.js';

type Value = string | number | boolean | null;
interface Case {
  name: string;
  level: MeasurementLevel;
  categories: Value[];
  ratings: Value[][];
  items: number;
  alpha: number | null;
  fleiss: { kappa: number | null; items: number; raters: number };
  pairs: { a: number; b: number; kappa: number | null; items: number }[];
}

const reference = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'stats', 'agreement-reference.json'), 'utf8')) as { cases: Case[] };

function toTable(c: Case): RatingTable {
  const raters = c.ratings.length;
  const units = c.ratings[0]!.length;
  const values = new Int32Array(units * raters);
  for (let r = 0; r < raters; r++) {
    for (let u = 0; u < units; u++) {
      const v = c.ratings[r]![u]!;
      values[u * raters + r] = v === null ? MISSING : c.categories.indexOf(v);
    }
  }
  return { units, raters, categories: c.categories.length, values };
}

function expectClose(actual: number | null, expected: number | null): void {
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}

describe('agreement coefficients against the Python references', () => {
  it('covers missing labels, a single-category field and a table without pairs', () => {
    const names = reference.cases.map((c) => c.name);
    expect(names).toContain('single-category');
    expect(names).toContain('sparse-no-pairs');
    expect(reference.cases.some((c) => c.ratings.some((row) => row.includes(null)))).toBe(true);
  });

  for (const c of reference.cases) {
    it(`${c.name}: Krippendorff's alpha (${c.level}) and its n`, () => {
      const table = toTable(c);
      expectClose(krippendorffAlpha(table, c.level), c.alpha);
      expect(agreementCoefficients(table, c.level).items).toBe(c.items);
    });

    it(`${c.name}: Fleiss' kappa on the units rated by the modal number of raters`, () => {
      const result = fleissKappa(toTable(c));
      expectClose(result.kappa, c.fleiss.kappa);
      expect(result.items).toBe(c.fleiss.items);
      expect(result.raters).toBe(c.fleiss.raters);
    });

    it(`${c.name}: Cohen's kappa per pair`, () => {
      const pairs = pairwiseKappas(toTable(c));
      const shared = c.pairs.filter((p) => p.items > 0);
      expect(pairs.map((p) => [p.a, p.b, p.items])).toEqual(shared.map((p) => [p.a, p.b, p.items]));
      pairs.forEach((p, i) => expectClose(p.kappa, shared[i]!.kappa));
    });

    it(`${c.name}: Cohen's kappa from the pair's confusion table, with its interval`, () => {
      const table = toTable(c);
      const measured = measurePairs(table, { resamples: 200, seed: 3 });
      const shared = c.pairs.filter((p) => p.items > 0);
      expect(measured).toHaveLength(shared.length);
      measured.forEach((p, i) => {
        const k = table.categories;
        const confusion = new Float64Array(k * k);
        for (let u = 0; u < table.units; u++) {
          const x = table.values[u * table.raters + p.a]!;
          const y = table.values[u * table.raters + p.b]!;
          if (x !== MISSING && y !== MISSING) confusion[x * k + y]! += 1;
        }
        expectClose(kappaFromConfusion(confusion, k), shared[i]!.kappa);
        expectClose(p.kappa, shared[i]!.kappa);
        if (p.kappa === null) expect(p.low).toBeNull();
        else if (p.items >= 20) {
          expect(p.low!).toBeLessThanOrEqual(p.kappa);
          expect(p.high!).toBeGreaterThanOrEqual(p.kappa);
        }
      });
    });
  }
});

describe('bootstrap intervals', () => {
  const c = reference.cases.find((x) => x.name === 'helpfulness')!;
  const field = { name: 'helpfulness', level: c.level, table: toTable(c) };

  it('brackets the point estimate, is reproducible by seed and changes with it', () => {
    const result = measureField(field, { resamples: 500, seed: 7 });
    expectClose(result.alpha, c.alpha);
    expectClose(result.kappa, c.fleiss.kappa);
    expect(result.low!).toBeLessThan(result.alpha!);
    expect(result.high!).toBeGreaterThan(result.alpha!);
    expect(result.kappaLow!).toBeLessThan(result.kappa!);
    expect(result.kappaHigh!).toBeGreaterThan(result.kappa!);
    expect(measureField(field, { resamples: 500, seed: 7 })).toEqual(result);
    expect(measureField(field, { resamples: 500, seed: 8 }).low).not.toBe(result.low);
  });

  it('gives no interval where alpha is never defined', () => {
    const single = reference.cases.find((x) => x.name === 'single-category')!;
    const result = measureField({ name: 'x', level: 'nominal', table: toTable(single) }, { resamples: 50 });
    expect(result).toMatchObject({ alpha: null, kappa: null, low: null, high: null, items: single.items });
  });

  it('per stratum equals the coefficients of that stratum alone', () => {
    const table = field.table;
    const of = Int32Array.from({ length: table.units }, (_, u) => (u % 3 === 0 ? 0 : u % 3 === 1 ? 1 : -1));
    const result = measureFields([field], { of, names: ['even', 'odd'] }, { resamples: 50 }).helpfulness!;
    const subset = (keep: (u: number) => boolean): RatingTable => {
      const units = [...Array(table.units).keys()].filter(keep);
      const values = new Int32Array(units.length * table.raters);
      units.forEach((u, i) => values.set(table.values.subarray(u * table.raters, (u + 1) * table.raters), i * table.raters));
      return { ...table, units: units.length, values };
    };
    for (const [name, s] of [
      ['even', 0],
      ['odd', 1],
    ] as const) {
      const alone = agreementCoefficients(
        subset((u) => of[u] === s),
        'ordinal',
      );
      expectClose(result.byStratum[name]!.alpha, alone.alpha);
      expectClose(result.byStratum[name]!.kappa, alone.kappa);
      expect(result.byStratum[name]!.items).toBe(alone.items);
    }
    expectClose(result.alpha, c.alpha);
    expect(result.items).toBe(c.items);
  });

  it('rejects codes outside the categories', () => {
    expect(() => krippendorffAlpha({ units: 1, raters: 2, categories: 2, values: Int32Array.from([0, 2]) }, 'nominal')).toThrow(/outside/);
  });
});

describe('multinomial draws for the bootstrap', () => {
  it('binomial draws have the binomial mean and variance, and stay in [0, n]', () => {
    const logFact = logFactorials(100_000);
    for (const [n, p] of [
      [100_000, 0.3],
      [50, 0.02],
      [1000, 0.999],
      [7, 0.5],
    ] as const) {
      const rng = createRng(11);
      const draws = Array.from({ length: 4000 }, () => binomial(rng, n, p, logFact));
      const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
      const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(n);
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / draws.length) + 1e-9);
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.85);
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.15);
    }
  });

  it('a multinomial draw sums to n and leaves zero weights at zero', () => {
    const rng = createRng(3);
    const out = new Float64Array(5);
    multinomial(rng, 1000, [10, 0, 30, 60, 0], out, logFactorials(1000));
    expect(out.reduce((s, x) => s + x, 0)).toBe(1000);
    expect(out[1]).toBe(0);
    expect(out[4]).toBe(0);
  });
});
