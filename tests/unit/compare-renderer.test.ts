/** The Compare tab's pure logic: its routes, estimates as text, interval positions, decisive tests. */
import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from '../../renderer/src/composables/routes';
import { axisMax, formatEstimate, formatEta, formatP, formatValue, intervalGeometry, isDecisive, positionBiasVerdict, ratingAxis, ticks } from '../../renderer/src/views/compare/compareFormat';

const est = (value: number | null, low: number | null, high: number | null, n: number) => ({ value, low, high, n });

describe('compare routes', () => {
  it('parses and formats every section', () => {
    expect(parseRoute('#/p/3/compare')).toEqual({ name: 'compare', projectId: 3, section: 'evaluate' });
    expect(parseRoute('#/p/3/compare/results')).toEqual({ name: 'compare', projectId: 3, section: 'results' });
    expect(parseRoute('#/p/3/compare/side')).toEqual({ name: 'compare', projectId: 3, section: 'side' });
    expect(parseRoute('#/p/3/compare/nope')).toEqual({ name: 'compare', projectId: 3, section: 'evaluate' });
    expect(parseRoute('#/p/3/compare/arena')).toEqual({ name: 'compare', projectId: 3, section: 'arena' });
    expect(parseRoute('#/p/3/compare/picker')).toEqual({ name: 'compare', projectId: 3, section: 'picker' });
    for (const hash of ['#/p/3/compare', '#/p/3/compare/results', '#/p/3/compare/side', '#/p/3/compare/arena', '#/p/3/compare/picker']) expect(formatRoute(parseRoute(hash))).toBe(hash);
  });
});

describe('formatEstimate', () => {
  it('writes rates in percent with the interval and n', () => {
    expect(formatEstimate(est(0.12, 0.0812, 0.1734, 250), 'rate')).toBe('12.0% [8.1, 17.3] n=250');
    expect(formatValue(est(0.12, 0.0812, 0.1734, 250), 'rate')).toBe('12.0%');
  });
  it('writes scores and lengths in their own unit', () => {
    expect(formatEstimate(est(0.8412, 0.79, 0.883, 120), 'score')).toBe('0.84 [0.79, 0.88] n=120');
    expect(formatEstimate(est(41.6, 38.2, 45.9, 30), 'words')).toBe('42 [38, 46] n=30');
  });
  it('says when nothing was measured', () => {
    expect(formatEstimate(est(null, null, null, 0), 'rate')).toBe('— n=0');
    expect(formatEstimate(null, 'score')).toBe('— n=0');
    expect(formatValue(null, 'rate')).toBe('—');
  });
});

describe('intervals on a shared axis', () => {
  it('places the dot and whisker in percent of the axis, clamped', () => {
    expect(intervalGeometry(est(0.2, 0.1, 0.3, 10), 0, 0.5)).toEqual({ dot: 40, low: 20, high: 60 });
    expect(intervalGeometry(est(0.2, -0.1, 0.9, 10), 0, 0.5)).toEqual({ dot: 40, low: 0, high: 100 });
    expect(intervalGeometry(est(null, null, null, 0), 0, 1)).toBeNull();
  });
  it('rounds the axis up to a step above every upper bound', () => {
    expect(axisMax([est(0.2, 0.1, 0.33, 10), est(0.05, 0.01, 0.12, 10), null], 0.1)).toBeCloseTo(0.4);
    expect(axisMax([est(0.3, 0.2, 0.4, 10)], 0.1)).toBeCloseTo(0.4);
    expect(axisMax([], 0.1)).toBeCloseTo(0.1);
    expect(ticks(0.4, 4).map((t) => +t.toFixed(2))).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
  });
});

describe('isDecisive and formatEta', () => {
  it('is decisive only when the interval excludes zero', () => {
    expect(isDecisive({ low: -17.8, high: -6.1 })).toBe(true);
    expect(isDecisive({ low: 0.5, high: 3 })).toBe(true);
    expect(isDecisive({ low: -2, high: 3 })).toBe(false);
    expect(isDecisive({ low: null, high: null })).toBe(false);
  });
  it('writes what is left', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(42)).toBe('42 s left');
    expect(formatEta(600)).toBe('10 min left');
    expect(formatEta(7500)).toBe('2 h 5 min left');
  });
});

describe('arena formatting', () => {
  it('puts every rating interval on one axis rounded out to a round step', () => {
    expect(
      ratingAxis([
        { low: 912, high: 1040 },
        { low: 960, high: 1121 },
      ]),
    ).toEqual({ min: 900, max: 1150, ticks: [900, 950, 1000, 1050, 1100, 1150] });
    expect(ratingAxis([{ low: 990, high: 1010 }])).toEqual({ min: 950, max: 1050, ticks: [950, 1000, 1050] });
    expect(ratingAxis([{ low: 797, high: 1178 }])).toEqual({ min: 700, max: 1200, ticks: [700, 800, 900, 1000, 1100, 1200] });
    expect(ratingAxis([])).toEqual({ min: 900, max: 1100, ticks: [900, 950, 1000, 1050, 1100] });
  });
  it('says whether one side of the screen was favoured, at 5%', () => {
    const bias = (value: number | null, p: number) => ({ leftShare: est(value, null, null, value === null ? 0 : 40), p, undecided: 0 });
    expect(positionBiasVerdict(bias(0.52, 0.8))).toEqual({ tone: 'success', title: 'No sign of bias' });
    expect(positionBiasVerdict(bias(0.7, 0.01))).toEqual({ tone: 'warn', title: 'Left side favoured' });
    expect(positionBiasVerdict(bias(0.3, 0.01))).toEqual({ tone: 'warn', title: 'Right side favoured' });
    expect(positionBiasVerdict(bias(null, 1)).tone).toBe('neutral');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.0312)).toBe('p = 0.031');
  });
});
