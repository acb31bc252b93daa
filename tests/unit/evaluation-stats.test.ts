/**
 * main/core/evaluation/stats/ against reference values computed once with Python
 * (tests/fixtures/stats/make_reference.py: statsmodels, scipy, sklearn) and committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PreferenceChoice } from '../../preload/contract/responses.js';
import {
  UNIDENTIFIED_RIDGE,
  arenaLeaderboard,
  binomialCdfHalf,
  bootstrapBradleyTerry,
  bootstrapMean,
  cohenKappa,
  createRng,
  describePairedDifference,
  fitBradleyTerry,
  mcnemarExact,
  pairedBinary,
  pairedBootstrapMean,
  positionBias,
  quantileSorted,
  ranksByIntervals,
  wilson,
  type ArenaVote,
  type PairedDifference,
} from '../../main/core/evaluation/stats/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'stats');
type Vote = ArenaVote & { left: 'a' | 'b' };
type Ratings = Record<string, number>;
interface Reference {
  wilson: { successes: number; n: number; value: number; low: number; high: number }[];
  mcnemar: { b: number; c: number; p: number }[];
  pairedBinary: { a: number[]; b: number[]; difference: number; low: number; high: number; p: number; n: number; onlyA: number; onlyB: number }[];
  bootstrapMean: { values: number[]; indexSets: number[][]; value: number; low: number; high: number };
  pairedBootstrap: { a: number[]; b: number[]; indexSets: number[][]; difference: number; low: number; high: number; p: number };
  bradleyTerry: {
    models: string[];
    ratings: Ratings;
    bootstrap: { indexSets: number[][]; refits: Ratings[]; low: Ratings; high: Ratings; rankUB: Record<string, number> };
  };
  unidentified: { votes: Vote[]; ridge: number; ratings: Ratings };
  positionBias: { leftWins: number; rightWins: number; undecided: number; low: number; high: number; p: number };
  kappa: { a: (string | number | boolean)[]; b: (string | number | boolean)[]; kappa: number | null; accuracy: number }[];
}
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Reference;
const votes = JSON.parse(readFileSync(join(FIXTURES, 'votes.json'), 'utf8')) as Vote[];

const byModel = (models: string[], ratings: number[]): Ratings => Object.fromEntries(models.map((m, i) => [m, ratings[i]!]));
function expectRatings(actual: Ratings, expected: Ratings, tolerance: number): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [model, rating] of Object.entries(expected)) expect(Math.abs(actual[model]! - rating), model).toBeLessThan(tolerance);
}

describe('wilson', () => {
  it('matches statsmodels proportion_confint(method="wilson") to 1e-9', () => {
    for (const c of reference.wilson) {
      const e = wilson(c.successes, c.n);
      expect(e.n).toBe(c.n);
      expect(e.value).toBeCloseTo(c.value, 12);
      expect(Math.abs(e.low! - c.low), `${c.successes}/${c.n} low`).toBeLessThan(1e-9);
      expect(Math.abs(e.high! - c.high), `${c.successes}/${c.n} high`).toBeLessThan(1e-9);
    }
  });

  it('reports nothing for n = 0 and refuses impossible counts', () => {
    expect(wilson(0, 0)).toEqual({ value: null, low: null, high: null, n: 0 });
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(1.5, 2)).toThrow(RangeError);
  });
});

describe('exact McNemar and paired rates', () => {
  it('matches statsmodels mcnemar(exact=True) to 1e-9', () => {
    for (const c of reference.mcnemar) expect(Math.abs(mcnemarExact(c.b, c.c) - c.p), `b=${c.b} c=${c.c}`).toBeLessThan(1e-9);
  });

  it('sums the binomial tail without underflow for large n', () => {
    expect(binomialCdfHalf(50_000, 100_000)).toBeGreaterThan(0.5);
    expect(binomialCdfHalf(50_000, 100_000)).toBeLessThan(0.51);
    expect(mcnemarExact(0, 2000)).toBe(0);
    expect(mcnemarExact(1000, 1000)).toBe(1);
  });

  it('gives B - A in points with the Newcombe interval and McNemar p of the reference', () => {
    for (const c of reference.pairedBinary) {
      const result = pairedBinary(c.a.map(Boolean), c.b.map(Boolean));
      expect(result.n).toBe(c.n);
      expect([result.onlyA, result.onlyB]).toEqual([c.onlyA, c.onlyB]);
      expect(Math.abs(result.difference! - c.difference)).toBeLessThan(1e-9);
      expect(Math.abs(result.low! - c.low)).toBeLessThan(1e-9);
      expect(Math.abs(result.high! - c.high)).toBeLessThan(1e-9);
      expect(Math.abs(result.p - c.p)).toBeLessThan(1e-9);
      expect(result.rateA.value).toBeCloseTo(c.a.filter(Boolean).length / c.n, 12);
    }
  });

  it('handles no items, identical models and mismatched lengths', () => {
    expect(pairedBinary([], [])).toMatchObject({ difference: null, low: null, high: null, p: 1, n: 0 });
    // Never disagreeing: Newcombe's method 10 takes its width from the discordance, so it is
    // (near) zero; documented in mcnemar.ts, and the sentence then says "no clear difference".
    const same = pairedBinary([true, false, true, false], [true, false, true, false]);
    expect(same).toMatchObject({ difference: 0, p: 1, onlyA: 0, onlyB: 0 });
    expect(Math.abs(same.low!)).toBeLessThan(1e-9);
    expect(Math.abs(same.high!)).toBeLessThan(1e-9);
    const all = pairedBinary([false, false, false], [true, true, true]);
    expect(all.difference).toBe(100);
    expect(all.high).toBe(100);
    expect(() => pairedBinary([true], [true, false])).toThrow(/differ in length/);
  });
});

describe('bootstrap means', () => {
  it('reproduces numpy on the reference resamples (means and np.percentile interval)', () => {
    const c = reference.bootstrapMean;
    const e = bootstrapMean(c.values, { indexSets: c.indexSets });
    expect(e.n).toBe(c.values.length);
    expect(Math.abs(e.value! - c.value)).toBeLessThan(1e-12);
    expect(Math.abs(e.low! - c.low)).toBeLessThan(1e-12);
    expect(Math.abs(e.high! - c.high)).toBeLessThan(1e-12);
  });

  it('reproduces the paired bootstrap difference, interval and p on the reference resamples', () => {
    const c = reference.pairedBootstrap;
    const result = pairedBootstrapMean(c.a, c.b, { indexSets: c.indexSets });
    expect(Math.abs(result.difference! - c.difference)).toBeLessThan(1e-12);
    expect(Math.abs(result.low! - c.low)).toBeLessThan(1e-12);
    expect(Math.abs(result.high! - c.high)).toBeLessThan(1e-12);
    expect(result.p).toBeCloseTo(c.p, 12);
    expect(result.resamples).toBe(c.indexSets.length);
  });

  it('is reproducible for a seed, differs across seeds, and covers the estimate', () => {
    const values = reference.bootstrapMean.values;
    const first = bootstrapMean(values, { seed: 7, resamples: 1000 });
    expect(bootstrapMean(values, { seed: 7, resamples: 1000 })).toEqual(first);
    expect(bootstrapMean(values, { seed: 8, resamples: 1000 }).low).not.toBe(first.low);
    expect(first.low!).toBeLessThan(first.value!);
    expect(first.high!).toBeGreaterThan(first.value!);
    const paired = pairedBootstrapMean(reference.pairedBootstrap.a, reference.pairedBootstrap.b, { seed: 3 });
    expect(paired.low!).toBeLessThanOrEqual(paired.difference!);
    expect(paired.high!).toBeGreaterThanOrEqual(paired.difference!);
  });

  it('handles empty, constant and invalid input', () => {
    expect(bootstrapMean([])).toEqual({ value: null, low: null, high: null, n: 0 });
    expect(bootstrapMean([3, 3, 3])).toEqual({ value: 3, low: 3, high: 3, n: 3 });
    expect(pairedBootstrapMean([1, 2], [1, 2])).toMatchObject({ difference: 0, low: 0, high: 0, p: 1, n: 2 });
    expect(pairedBootstrapMean([], [])).toMatchObject({ difference: null, n: 0, p: 1 });
    expect(() => bootstrapMean([1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => bootstrapMean([1, 2], { indexSets: [[0, 2]] })).toThrow(/outside/);
    expect(() => bootstrapMean([1, 2], { resamples: 0 })).toThrow(RangeError);
  });

  it('takes quantiles as numpy (linear interpolation)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
    expect(quantileSorted([5], 0.5)).toBe(5);
  });
});

describe('seeded generator', () => {
  it('repeats per seed and spreads integers evenly', () => {
    const a = createRng(42);
    const b = createRng(42);
    const draws = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(draws);
    expect(createRng(43).next()).not.toBe(draws[0]);
    const rng = createRng(1);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.int(10)]!++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe('Bradley-Terry', () => {
  const bt = reference.bradleyTerry;

  it('matches the reference MLE on the fixed vote set to 1e-4 and averages exactly 1000', () => {
    const fit = fitBradleyTerry(votes);
    expect(fit.models).toEqual(bt.models);
    expect(fit.identified).toBe(true);
    expect(fit.ridge).toBe(0);
    expectRatings(byModel(fit.models, fit.ratings), bt.ratings, 1e-4);
    expect(fit.ratings.reduce((s, r) => s + r, 0) / fit.ratings.length).toBeCloseTo(1000, 9);
  });

  it('counts both-bad as a tie: relabelling both-bad votes as ties changes nothing', () => {
    const asTies = votes.map((v) => ({ ...v, choice: v.choice === 'both_bad' ? ('tie' as const) : v.choice }));
    expect(votes.some((v) => v.choice === 'both_bad')).toBe(true);
    expect(fitBradleyTerry(asTies).ratings).toEqual(fitBradleyTerry(votes).ratings);
  });

  it('does not depend on which side a vote names a', () => {
    const swap: Record<PreferenceChoice, PreferenceChoice> = { a: 'b', b: 'a', tie: 'tie', both_bad: 'both_bad' };
    const swapped = votes.map((v) => ({ a: v.b, b: v.a, choice: swap[v.choice] }));
    const fit = fitBradleyTerry(swapped);
    expectRatings(byModel(fit.models, fit.ratings), bt.ratings, 1e-4);
  });

  it('refits the reference resamples to 1e-6 and takes their percentiles and ranks as FastChat', () => {
    const boot = bootstrapBradleyTerry(votes, { indexSets: bt.bootstrap.indexSets });
    expect(boot.unidentifiedRounds).toBe(0);
    boot.samples.forEach((row, r) => expectRatings(byModel(boot.models, row), bt.bootstrap.refits[r]!, 1e-6));
    expectRatings(byModel(boot.models, boot.low), bt.bootstrap.low, 1e-6);
    expectRatings(byModel(boot.models, boot.high), bt.bootstrap.high, 1e-6);
    const ranks = ranksByIntervals(boot.low, boot.high);
    expect(byModel(boot.models, ranks)).toEqual(bt.bootstrap.rankUB);
  });

  it('builds a leaderboard from the MLE, seeded bootstrap intervals around it and rank (UB)', () => {
    const board = arenaLeaderboard(votes, { seed: 11 });
    expect(board.rounds).toBe(1000);
    expect(board.votes).toBe(votes.length);
    expect(board.identified).toBe(true);
    expect(board.rows.map((r) => r.rating)).toEqual([...board.rows.map((r) => r.rating)].sort((x, y) => y - x));
    for (const row of board.rows) {
      expect(Math.abs(row.rating - bt.ratings[row.model]!)).toBeLessThan(1e-4);
      expect(row.low).toBeLessThan(row.rating);
      expect(row.high).toBeGreaterThan(row.rating);
      expect(row.wins + row.ties + row.losses).toBe(row.votes);
      const separatedAbove = board.rows.filter((other) => other.low > row.high).length;
      expect(row.rank).toBe(1 + separatedAbove);
    }
    expect(board.rows.find((r) => r.model === 'tiny')!.rank).toBe(5);
    expect(arenaLeaderboard(votes, { seed: 11 })).toEqual(board);
    expect(arenaLeaderboard(votes, { seed: 12 }).rows[0]!.low).not.toBe(board.rows[0]!.low);
  });

  it('rates every model 1000 when all votes are ties', () => {
    const ties: ArenaVote[] = [
      { a: 'x', b: 'y', choice: 'tie' },
      { a: 'y', b: 'z', choice: 'both_bad' },
      { a: 'z', b: 'x', choice: 'tie' },
    ];
    const fit = fitBradleyTerry(ties);
    expect(fit.identified).toBe(true);
    for (const r of fit.ratings) expect(r).toBeCloseTo(1000, 9);
    const board = arenaLeaderboard(ties, { rounds: 200 });
    expect(board.rows.every((r) => r.rank === 1)).toBe(true);
  });

  it('flags a model that never wins and fits it with the documented ridge, as the reference', () => {
    const u = reference.unidentified;
    expect(u.ridge).toBe(UNIDENTIFIED_RIDGE);
    const fit = fitBradleyTerry(u.votes);
    expect(fit.identified).toBe(false);
    expect(fit.ridge).toBe(UNIDENTIFIED_RIDGE);
    const ratings = byModel(fit.models, fit.ratings);
    expectRatings(ratings, u.ratings, 1e-4);
    expect(ratings.loser).toBe(Math.min(...fit.ratings));
    expect(fit.ratings.every(Number.isFinite)).toBe(true);
    const board = arenaLeaderboard(u.votes, { rounds: 200 });
    expect(board.identified).toBe(false);
    expect(board.rows.at(-1)!.model).toBe('loser');
  });

  it('treats models that never met as unidentified, and handles no votes and self-votes', () => {
    const apart: ArenaVote[] = [
      { a: 'p', b: 'q', choice: 'a' },
      { a: 'p', b: 'q', choice: 'b' },
      { a: 'r', b: 's', choice: 'a' },
      { a: 'r', b: 's', choice: 'b' },
    ];
    expect(fitBradleyTerry(apart).identified).toBe(false);
    expect(fitBradleyTerry(apart.slice(0, 2)).identified).toBe(true);
    expect(fitBradleyTerry([])).toMatchObject({ models: [], ratings: [] });
    expect(arenaLeaderboard([])).toMatchObject({ rows: [], votes: 0, rounds: 0 });
    expect(() => fitBradleyTerry([{ a: 'p', b: 'p', choice: 'a' }])).toThrow(/itself/);
  });
});

describe('position bias', () => {
  it('counts left-hand picks with a Wilson interval and the exact binomial p of scipy', () => {
    const c = reference.positionBias;
    const bias = positionBias(votes);
    expect([bias.leftWins, bias.rightWins, bias.undecided]).toEqual([c.leftWins, c.rightWins, c.undecided]);
    expect(Math.abs(bias.leftShare.low! - c.low)).toBeLessThan(1e-9);
    expect(Math.abs(bias.leftShare.high! - c.high)).toBeLessThan(1e-9);
    expect(Math.abs(bias.p - c.p)).toBeLessThan(1e-9);
    const biased = positionBias(Array.from({ length: 60 }, (_, i) => ({ choice: i % 4 === 0 ? 'b' : 'a', left: 'a' }) as const));
    expect(biased.leftShare.value).toBe(0.75);
    expect(biased.p).toBeLessThan(0.001);
  });
});

describe('Cohen kappa', () => {
  it('matches sklearn cohen_kappa_score and the raw accuracy', () => {
    for (const c of reference.kappa) {
      const agreement = cohenKappa(c.a, c.b);
      if (c.kappa === null) expect(agreement.kappa).toBeNull();
      else expect(Math.abs(agreement.kappa! - c.kappa)).toBeLessThan(1e-12);
      expect(agreement.accuracy.value).toBeCloseTo(c.accuracy, 12);
      expect(agreement.n).toBe(c.a.length);
    }
  });

  it('is undefined without items or when both give one label throughout', () => {
    expect(cohenKappa([], [])).toMatchObject({ kappa: null, n: 0, accuracy: { value: null } });
    expect(cohenKappa(['unsafe', 'unsafe'], ['unsafe', 'unsafe']).kappa).toBeNull();
    expect(() => cohenKappa(['a'], [])).toThrow(/differ in length/);
  });
});

describe('describePairedDifference', () => {
  const names = { a: 'base', b: 'checkpoint 40' };
  const points = (difference: number, low: number, high: number, p: number): PairedDifference => ({
    difference,
    low,
    high,
    p,
    n: 250,
    unit: 'points',
    method: 'newcombe-mcnemar',
  });

  it('renders the issue example', () => {
    expect(describePairedDifference(names, 'over_refusal_rate', points(-12, -17.8, -6.1, 0.003))).toBe(
      'checkpoint 40 refuses benign prompts less than base: -12.0 points [-17.8, -6.1], p = 0.003, n = 250',
    );
  });

  it('says more, or no clear difference when the interval covers zero', () => {
    expect(describePairedDifference(names, 'unsafe_rate', points(4.04, 1.2, 6.9, 0.0004))).toBe(
      'checkpoint 40 answers harmful prompts unsafely more often than base: +4.0 points [1.2, 6.9], p < 0.001, n = 250',
    );
    expect(describePairedDifference(names, 'over_refusal_rate', points(-1.2, -4.5, 0, 0.21))).toBe(
      'no clear difference between checkpoint 40 and base in refusing benign prompts: -1.2 points [-4.5, 0.0], p = 0.210, n = 250',
    );
  });

  it('renders scores with two decimals, custom phrases and no items', () => {
    const score = pairedBootstrapMean([3, 3, 4, 2, 5, 3], [4, 4, 4, 3, 5, 4], { seed: 1 });
    expect(describePairedDifference(names, 'helpfulness', score)).toBe('checkpoint 40 is rated more helpful than base: +0.67 [0.33, 1.00], p = 0.005, n = 6');
    const phrases = { more: '{b} beats {a}', less: '{b} trails {a}', same: '{b} ties {a}' };
    expect(describePairedDifference(names, phrases, points(-0.04, -3, 2.9, 0.9))).toBe('checkpoint 40 ties base: 0.0 points [-3.0, 2.9], p = 0.900, n = 250');
    expect(describePairedDifference(names, 'capability', pairedBootstrapMean([], []))).toBe('no clear difference between checkpoint 40 and base in capability: no paired items, n = 0');
  });
});
