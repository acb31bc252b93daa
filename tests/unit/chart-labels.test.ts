/** Names of chart points (app scatter and report SVG): shortened in the middle, kept inside the chart, stacked when they would overlap. */
import { describe, expect, it } from 'vitest';
import { LABEL_CHAR_WIDTH, LABEL_LINE_HEIGHT, placeLabels, shortenMiddle } from '../../preload/contract/chart-labels';
import { intervalChart, scatterChart } from '../../main/core/evaluation/report-svg';

// What the studio names a checkpoint of a quick run on the tiny model.
const CKPT = (step: number) => `quick · Tiny Qwen2-VL (random weights, CPU test model) · stage2 step ${step}`;
const BOX = { left: 52, right: 516, top: 16, bottom: 296 };

describe('shortenMiddle', () => {
  it('keeps short names and cuts the middle of long ones to exactly the room', () => {
    expect(shortenMiddle('base', 10)).toBe('base');
    const short = shortenMiddle(CKPT(40), 24);
    expect([...short].length).toBeLessThanOrEqual(24);
    expect(short.startsWith('quick · Tiny')).toBe(true);
    expect(short.endsWith('step 40')).toBe(true);
    expect(short).toContain('…');
    expect(shortenMiddle(CKPT(2), 24)).not.toBe(shortenMiddle(CKPT(4), 24));
    expect(shortenMiddle('abcdef', 1)).toBe('…');
  });
});

/** The box a placed name covers, in px. */
const extent = (l: ReturnType<typeof placeLabels>[number]) => {
  const w = [...l.text].length * LABEL_CHAR_WIDTH;
  const from = l.anchor === 'start' ? l.x : l.x - w;
  return { from, to: from + w, y: l.y };
};

describe('placeLabels', () => {
  it('stacks the names of points that coincide, each inside the chart and none over another', () => {
    const points = [0, 2, 4].map((s) => ({ x: 52, y: 230, text: s === 0 ? 'Tiny Qwen2-VL (random weights, CPU test model)' : CKPT(s) }));
    const labels = placeLabels(points, BOX);
    const boxes = labels.map(extent);
    for (const b of boxes) {
      expect(b.from).toBeGreaterThanOrEqual(BOX.left);
      expect(b.to).toBeLessThanOrEqual(BOX.right);
      expect(b.y - LABEL_LINE_HEIGHT + 4).toBeGreaterThanOrEqual(BOX.top);
      expect(b.y + 4).toBeLessThanOrEqual(BOX.bottom);
    }
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(a.to <= b.from || b.to <= a.from || Math.abs(a.y - b.y) >= LABEL_LINE_HEIGHT).toBe(true);
    expect(new Set(labels.map((l) => l.text)).size).toBe(3);
    expect(labels[0]!.y).toBe(230 - 8);
    // No name sits on the points' horizontal whisker (a baseline just below the point).
    for (const l of labels) expect(l.y <= 230 || l.y - LABEL_LINE_HEIGHT + 4 >= 230).toBe(true);
  });

  it('puts a name left of a point near the right edge, and leaves apart points alone', () => {
    const [near, far] = placeLabels(
      [
        { x: 500, y: 100, text: 'ckpt-40' },
        { x: 100, y: 250, text: 'base' },
      ],
      BOX,
    );
    expect(near).toEqual({ text: 'ckpt-40', x: 491, y: 92, anchor: 'end' });
    expect(far).toEqual({ text: 'base', x: 109, y: 242, anchor: 'start' });
  });
});

describe("the report's charts", () => {
  const est = { value: 0.125, low: 0.02, high: 0.47 };
  it('shorten long names in the interval chart and keep the full name in a title', () => {
    const svg = intervalChart('Unsafe', [{ label: CKPT(2), color: '#000', ...est, text: '12.5%' }], { min: 0, max: 0.5, ticks: 5, tick: String });
    const text = /class="label">(?:<title>([^<]*)<\/title>)?([^<]*)<\/text>/.exec(svg)!;
    expect(text[1]).toBe(CKPT(2));
    expect(text[2]!.length).toBeLessThan(CKPT(2).length);
    expect(text[2]!.endsWith('step 2')).toBe(true);
  });
  it('draw one name per point in the scatter, stacked when the points coincide', () => {
    const points = [2, 4].map((s, i) => ({ label: CKPT(s), color: ['#111', '#222'][i]!, x: est, y: est }));
    const svg = scatterChart('s', points, { xMax: 0.5, yMax: 0.5, xTitle: 'x', yTitle: 'y' });
    const ys = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="(?:start|end)" class="point"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(2);
    expect(Math.abs(ys[0]! - ys[1]!)).toBeGreaterThanOrEqual(LABEL_LINE_HEIGHT);
  });
});
