/**
 * Small inline SVG charts for the comparison report (report.ts): an interval chart (one row per
 * model, a dot at the value and a whisker over its 95% interval on one shared axis) and the
 * unsafe / over-refusal scatter with error bars both ways. Pure string building; every string
 * that came from data goes through `escapeHtml`. Colours are literal so the file needs no CSS
 * variables from the app. Names are shortened and stacked as the app's charts do them
 * (preload/contract/chart-labels.ts); the full name stays in each mark's <title>.
 */
import { charsThatFit, placeLabels, shortenMiddle } from '../../../preload/contract/chart-labels.js';

/** The training charts' palette (renderer runLogic.ts PALETTE), so the report matches the app. */
export const REPORT_COLORS = ['#4f6bed', '#e07b39', '#2f9e6b', '#c2408e', '#8f6ad8', '#d4a72c', '#3aa8c1'];
export const colorAt = (i: number) => REPORT_COLORS[i % REPORT_COLORS.length]!;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const n2 = (v: number) => (Math.round(v * 100) / 100).toString();

export interface IntervalRow {
  label: string;
  color: string;
  value: number | null;
  low: number | null;
  high: number | null;
  /** Shown at the row's right end, e.g. "12.0% [8.1, 17.3] n=250". */
  text: string;
}

/** Evenly spaced ticks from min to max (inclusive). */
function ticks(min: number, max: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

/** One row per estimate on a shared axis from `min` to `max`; `tick` formats the axis labels. */
export function intervalChart(title: string, rows: readonly IntervalRow[], axis: { min: number; max: number; ticks: number; tick: (v: number) => string }): string {
  const W = 800;
  const LABEL = 250;
  const TEXT = 190;
  const ROW = 26;
  const top = 10;
  const plotW = W - LABEL - TEXT - 20;
  const H = top + rows.length * ROW + 28;
  const span = axis.max - axis.min || 1;
  const x = (v: number) => LABEL + ((Math.min(Math.max(v, axis.min), axis.max) - axis.min) / span) * plotW;
  const grid = ticks(axis.min, axis.max, axis.ticks)
    .map(
      (t) =>
        `<line x1="${n2(x(t))}" x2="${n2(x(t))}" y1="${top}" y2="${top + rows.length * ROW}" stroke="#e3e6ec"/><text x="${n2(x(t))}" y="${top + rows.length * ROW + 16}" text-anchor="middle" class="tick">${escapeHtml(axis.tick(t))}</text>`,
    )
    .join('');
  const body = rows
    .map((r, i) => {
      const cy = top + i * ROW + ROW / 2;
      const name = shortenMiddle(r.label, charsThatFit(LABEL - 14));
      const label = `<text x="${LABEL - 10}" y="${cy + 4}" text-anchor="end" class="label">${name === r.label ? '' : `<title>${escapeHtml(r.label)}</title>`}${escapeHtml(name)}</text>`;
      const text = `<text x="${LABEL + plotW + 14}" y="${cy + 4}" class="figure">${escapeHtml(r.text)}</text>`;
      if (r.value === null) return label + text;
      const lo = x(r.low ?? r.value);
      const hi = x(r.high ?? r.value);
      return (
        label +
        `<line x1="${n2(lo)}" x2="${n2(hi)}" y1="${cy}" y2="${cy}" stroke="${r.color}" stroke-width="2.5" opacity="0.6"/>` +
        `<line x1="${n2(lo)}" x2="${n2(lo)}" y1="${cy - 5}" y2="${cy + 5}" stroke="${r.color}" stroke-width="1.5"/>` +
        `<line x1="${n2(hi)}" x2="${n2(hi)}" y1="${cy - 5}" y2="${cy + 5}" stroke="${r.color}" stroke-width="1.5"/>` +
        `<circle cx="${n2(x(r.value))}" cy="${cy}" r="5.5" fill="${r.color}" stroke="#fff" stroke-width="2"/>` +
        text
      );
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${grid}${body}</svg>`;
}

export interface ScatterPoint {
  label: string;
  color: string;
  x: { value: number; low: number | null; high: number | null };
  y: { value: number; low: number | null; high: number | null };
}

/** Over-refusal (right) against unsafe (up) with error bars; both axes are rates from 0. */
export function scatterChart(title: string, points: readonly ScatterPoint[], axes: { xMax: number; yMax: number; xTitle: string; yTitle: string }): string {
  const W = 560;
  const H = 360;
  const pad = { left: 56, right: 24, top: 16, bottom: 46 };
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const x = (v: number) => pad.left + (Math.min(Math.max(v, 0), axes.xMax) / axes.xMax) * plotW;
  const y = (v: number) => pad.top + plotH - (Math.min(Math.max(v, 0), axes.yMax) / axes.yMax) * plotH;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const grid =
    ticks(0, axes.xMax, 5)
      .map(
        (t) =>
          `<line x1="${n2(x(t))}" x2="${n2(x(t))}" y1="${pad.top}" y2="${pad.top + plotH}" stroke="#e3e6ec"/><text x="${n2(x(t))}" y="${pad.top + plotH + 16}" text-anchor="middle" class="tick">${pct(t)}</text>`,
      )
      .join('') +
    ticks(0, axes.yMax, 5)
      .map(
        (t) =>
          `<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${n2(y(t))}" y2="${n2(y(t))}" stroke="#e3e6ec"/><text x="${pad.left - 8}" y="${n2(y(t) + 4)}" text-anchor="end" class="tick">${pct(t)}</text>`,
      )
      .join('');
  const titles =
    `<text x="${pad.left + plotW / 2}" y="${H - 8}" text-anchor="middle" class="axis">${escapeHtml(axes.xTitle)}</text>` +
    `<text transform="translate(16 ${pad.top + plotH / 2}) rotate(-90)" text-anchor="middle" class="axis">${escapeHtml(axes.yTitle)}</text>`;
  const names = placeLabels(
    points.map((p) => ({ x: x(p.x.value), y: y(p.y.value), text: p.label })),
    { left: pad.left, right: W - 4, top: pad.top, bottom: pad.top + plotH },
  );
  const marks = points
    .map((p) => {
      const cx = x(p.x.value);
      const cy = y(p.y.value);
      const x1 = x(p.x.low ?? p.x.value);
      const x2 = x(p.x.high ?? p.x.value);
      const y1 = y(p.y.low ?? p.y.value);
      const y2 = y(p.y.high ?? p.y.value);
      const bar = (a: number, b: number, c: number, d: number) => `<line x1="${n2(a)}" x2="${n2(b)}" y1="${n2(c)}" y2="${n2(d)}" stroke="${p.color}" stroke-width="2" opacity="0.7"/>`;
      return (
        `<g><title>${escapeHtml(p.label)}</title>` +
        bar(x1, x2, cy, cy) +
        bar(cx, cx, y1, y2) +
        bar(x1, x1, cy - 4, cy + 4) +
        bar(x2, x2, cy - 4, cy + 4) +
        bar(cx - 4, cx + 4, y1, y1) +
        bar(cx - 4, cx + 4, y2, y2) +
        `<circle cx="${n2(cx)}" cy="${n2(cy)}" r="6" fill="${p.color}" stroke="#fff" stroke-width="2"/></g>`
      );
    })
    .join('');
  // Names after every mark, so no whisker is drawn over a name.
  const labels = names.map((l, i) => `<text x="${n2(l.x)}" y="${n2(l.y)}" text-anchor="${l.anchor}" class="point" fill="${points[i]!.color}">${escapeHtml(l.text)}</text>`).join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${grid}${titles}${marks}${labels}</svg>`;
}
