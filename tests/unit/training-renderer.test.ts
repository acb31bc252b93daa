/** Pure logic of the training screens: chart series, live merging and thinning, image mapping, formats, routes. */
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../preload/contract/training';
import {
  bestValue,
  chartSeries,
  formatMetric,
  formatSeconds,
  imageShaFromPath,
  mergePoint,
  mergePoints,
  mixShares,
  RUN_CHARTS,
  runDurationSeconds,
  seriesColor,
  TASK_COLORS,
  thinPoints,
  valuesAt,
} from '../../renderer/src/components/training/runLogic';
import { formatTrainRoute, parseTrainRoute } from '../../renderer/src/views/training/trainRoute';
import { formatRoute, parseRoute } from '../../renderer/src/composables/routes';

const point = (step: number, values: Record<string, number>): MetricPoint => ({ step, stage: 'stage2', time: `2026-01-01T00:00:${String(step % 60).padStart(2, '0')}Z`, values });
const spec = (id: string) => RUN_CHARTS.find((c) => c.id === id)!;

describe('chart series', () => {
  it('keeps only the steps that reported a metric and drops series never reported', () => {
    const points = [point(1, { reward: 0.5, 'rewards/format_reward/mean': 0, loss: 1 }), point(2, { loss: 0.9 }), point(3, { reward: 0.7, 'rewards/format_reward/mean': 1, loss: 0.8 })];
    const reward = chartSeries(spec('reward'), points);
    expect(reward.map((s) => s.key)).toEqual(['reward', 'rewards/format_reward/mean']);
    expect(reward[0]!.data).toEqual([
      { x: 1, y: 0.5 },
      { x: 3, y: 0.7 },
    ]);
    expect(chartSeries(spec('loss'), points)[0]!.data).toHaveLength(3);
    expect(chartSeries(spec('memory'), points)).toEqual([]);
  });

  it('expands per-task rewards from the keys the run reported, with one colour per task', () => {
    const points = [point(1, { 'reward_task/safety': 0.4, 'reward_task/jailbreak': 0.1, 'reward_task/value': Number.NaN })];
    const series = chartSeries(spec('reward-task'), points);
    expect(series.map((s) => s.label)).toEqual(['Jailbreak', 'Safety']);
    expect(series.map((s) => s.color)).toEqual([TASK_COLORS.jailbreak, TASK_COLORS.safety]);
  });

  it('gives a series the same colour whether or not earlier series have points yet', () => {
    const early = chartSeries(spec('reward'), [point(1, { reward: 1, 'rewards/helpful_reward/mean': 0.5 })]);
    expect(early.find((s) => s.key === 'rewards/helpful_reward/mean')!.color).toBe(seriesColor(spec('reward'), 'rewards/helpful_reward/mean'));
    expect(seriesColor(spec('reward'), 'rewards/helpful_reward/mean')).not.toBe(seriesColor(spec('reward'), 'rewards/visual_reward/mean'));
  });
});

describe('live series', () => {
  it('appends in step order and replaces a step seen again (a resumed run replays it)', () => {
    let pts: MetricPoint[] = [];
    pts = mergePoint(pts, point(1, { loss: 1 }));
    pts = mergePoint(pts, point(3, { loss: 3 }));
    pts = mergePoint(pts, point(2, { loss: 2 }));
    pts = mergePoint(pts, point(3, { loss: 30 }));
    expect(pts.map((p) => [p.step, p.values.loss])).toEqual([
      [1, 1],
      [2, 2],
      [3, 30],
    ]);
  });

  it('stays bounded past the cap, keeping the first and the latest point', () => {
    let pts: MetricPoint[] = [];
    for (let step = 1; step <= 1000; step++) pts = mergePoint(pts, point(step, { loss: step }), 100);
    expect(pts.length).toBeLessThanOrEqual(100);
    expect(pts[0]!.step).toBe(1);
    expect(pts[pts.length - 1]!.step).toBe(1000);
    const steps = pts.map((p) => p.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('thins evenly and merges pages from getRun', () => {
    const many = Array.from({ length: 11 }, (_, i) => i);
    expect(thinPoints(many, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(thinPoints([1, 2], 5)).toEqual([1, 2]);
    const merged = mergePoints([point(1, { a: 1 })], [point(2, { a: 2 }), point(1, { a: 9 })]);
    expect(merged.map((p) => p.values.a)).toEqual([9, 2]);
  });

  it('reads every metric as of a step and the best value of one', () => {
    const pts = [point(1, { reward: 0.2, loss: 1 }), point(2, { loss: 0.5 }), point(3, { reward: 0.6, loss: 0.4 }), point(4, { loss: 0.3 })];
    expect(valuesAt(pts, 2)).toEqual({ reward: 0.2, loss: 0.5 });
    expect(valuesAt(pts, 0)).toEqual({});
    expect(bestValue(pts, 'reward')).toEqual({ value: 0.6, step: 3 });
    expect(bestValue(pts, 'entropy')).toBeNull();
  });
});

describe('display', () => {
  it('maps a snapshot image path to its blob hash, and nothing else', () => {
    const sha = 'ab'.repeat(32);
    expect(imageShaFromPath(`/data/runs/x/snapshot/images/${sha}.png`)).toBe(sha);
    expect(imageShaFromPath(`C:\\runs\\images\\${sha}.jpeg`)).toBe(sha);
    expect(imageShaFromPath('/data/images/photo.png')).toBeNull();
    expect(imageShaFromPath(null)).toBeNull();
  });

  it('formats metrics, durations and shares', () => {
    expect(formatMetric(0.25, 'percent')).toBe('25.0%');
    expect(formatMetric(1, 'percent')).toBe('100%');
    expect(formatMetric(2048, 'megabytes')).toBe('2.0 GB');
    expect(formatMetric(0.00012, 'number')).toBe('1.20e-4');
    expect(formatMetric(undefined, 'number')).toBe('—');
    expect(formatSeconds(75)).toBe('1 min 15 s');
    expect(formatSeconds(3720)).toBe('1 h 2 min');
    expect(formatSeconds(null)).toBe('—');
    expect(runDurationSeconds({ startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:30Z' })).toBe(90);
    expect(runDurationSeconds({ startedAt: null, finishedAt: null })).toBeNull();
    expect(mixShares({ safety: 0.3, jailbreak: 0.1 }).map((s) => Math.round(s.share * 100))).toEqual([75, 25]);
  });
});

describe('training routes', () => {
  it('round-trips every training route through the shared hash router', () => {
    for (const route of [
      { name: 'train', projectId: 3, section: 'setup', runId: null },
      { name: 'train', projectId: 3, section: 'runs', runId: null },
      { name: 'train', projectId: 3, section: 'runs', runId: 12 },
      { name: 'train', projectId: 3, section: 'models', runId: null },
      { name: 'train', projectId: 3, section: 'system', runId: null },
    ] as const) {
      expect(parseRoute(formatRoute(route))).toEqual(route);
      expect(parseTrainRoute(3, formatTrainRoute(route).split('/').slice(4))).toEqual(route);
    }
    expect(parseRoute('#/p/3/train/run/0')).toEqual({ name: 'train', projectId: 3, section: 'setup', runId: null });
    expect(parseRoute('#/p/3/train/nonsense')).toEqual({ name: 'train', projectId: 3, section: 'setup', runId: null });
  });
});
