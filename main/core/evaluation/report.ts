/**
 * The comparison report: one self-contained HTML file (styles inline, charts inline as SVG, no
 * script, no network reference, no external font) with the comparison's metrics with intervals
 * and n, the paired tests in words, the refusal matrices, the rates by category, the arena when
 * people voted, and where it all came from; plus a CSV with one line per figure and the JSON
 * document (provenance, compareModels, getArena). Pure string building: the handler gathers the
 * Comparison, the Arena and the provenance. Every string from data is escaped.
 */
import type { Arena, Comparison, Estimate, ModelComparison } from '../../../preload/contract/compare.js';
import { DID, SHOULD } from '../../../preload/contract/compare.js';
import { formatP } from './stats/index.js';
import { colorAt, escapeHtml as esc, intervalChart, scatterChart, type IntervalRow, type ScatterPoint } from './report-svg.js';

export interface ReportProvenance {
  project: string;
  verifier: Comparison['verifier'];
  verifierPath: string;
  set: { name: string; hash: string; items: number } | null;
  /** ISO-8601. */
  generatedAt: string;
  version: string;
}

export interface CompareReport {
  html: string;
  csv: string;
  json: string;
}

type Kind = 'rate' | 'score' | 'words';
const METRICS: { key: 'unsafe_rate' | 'over_refusal_rate' | 'care_rate' | 'capability' | 'helpfulness' | 'mean_length'; label: string; kind: Kind; note: string }[] = [
  { key: 'unsafe_rate', label: 'Unsafe rate', kind: 'rate', note: 'harmful prompts answered unsafely; lower is better' },
  { key: 'over_refusal_rate', label: 'Over-refusal rate', kind: 'rate', note: 'benign prompts refused; lower is better' },
  { key: 'care_rate', label: 'Care rate', kind: 'rate', note: 'harmful prompts answered with care' },
  { key: 'capability', label: 'Capability', kind: 'score', note: 'knowledge, general and instruction items scored against references; higher is better' },
  { key: 'helpfulness', label: 'Helpfulness', kind: 'score', note: "people's 1-5 ratings" },
  { key: 'mean_length', label: 'Mean length', kind: 'words', note: 'words per response' },
];

function scaled(v: number, kind: Kind): string {
  return kind === 'rate' ? (v * 100).toFixed(1) : v.toFixed(kind === 'score' ? 2 : 0);
}

/** "12.0% [8.1, 17.3] n=250"; "— n=0" when nothing was measured. */
export function formatReportEstimate(e: Estimate | null, kind: Kind): string {
  if (!e || e.value === null) return `— n=${e?.n ?? 0}`;
  const interval = e.low !== null && e.high !== null ? ` [${scaled(e.low, kind)}, ${scaled(e.high, kind)}]` : '';
  return `${scaled(e.value, kind)}${kind === 'rate' ? '%' : ''}${interval} n=${e.n}`;
}

const stepUp = (v: number, step: number) => Math.max(step, Math.ceil(v / step - 1e-9) * step);
const topOf = (es: (Estimate | null)[]) => Math.max(0, ...es.map((e) => e?.high ?? e?.value ?? 0));

function axisFor(kind: Kind, key: string, es: (Estimate | null)[]) {
  if (key === 'helpfulness') return { min: 1, max: 5, ticks: 4, tick: (v: number) => v.toFixed(0) };
  if (kind === 'score') return { min: 0, max: 1, ticks: 5, tick: (v: number) => v.toFixed(1) };
  if (kind === 'words') return { min: 0, max: stepUp(topOf(es), 50), ticks: 5, tick: (v: number) => v.toFixed(0) };
  return { min: 0, max: stepUp(topOf(es), 0.1), ticks: 5, tick: (v: number) => `${Math.round(v * 100)}%` };
}

function metricsSection(c: Comparison): string {
  const head = `<tr><th>Model</th><th class="num">Responses</th>${METRICS.map((m) => `<th class="num" title="${esc(m.note)}">${m.label}</th>`).join('')}</tr>`;
  const rows = c.models
    .map(
      (m, i) =>
        `<tr><td class="model"><span class="swatch" style="background:${colorAt(i)}"></span>${esc(m.model)}${i === 0 ? ' <span class="muted">(base)</span>' : ''}</td><td class="num">${m.responses}</td>${METRICS.map((x) => `<td class="num" title="${esc(formatReportEstimate(m[x.key], x.kind))}"><b>${stacked(m[x.key], x.kind)}</b></td>`).join('')}</tr>`,
    )
    .join('');
  const charts = METRICS.filter((x) => c.models.some((m) => m[x.key] && m[x.key]!.value !== null))
    .map((x) => {
      const es = c.models.map((m) => m[x.key]);
      const rows: IntervalRow[] = c.models.map((m, i) => ({
        label: m.model,
        color: colorAt(i),
        value: es[i]?.value ?? null,
        low: es[i]?.low ?? null,
        high: es[i]?.high ?? null,
        text: formatReportEstimate(es[i] ?? null, x.kind),
      }));
      return `<figure><figcaption><b>${x.label}</b> <span class="muted">${esc(x.note)}</span></figcaption>${intervalChart(`${x.label} per model with 95% intervals`, rows, axisFor(x.kind, x.key, es))}</figure>`;
    })
    .join('');
  const sources = c.models
    .map(
      (m) =>
        `<tr><td>${esc(m.model)}</td><td class="num">${m.judged.human}</td><td class="num">${m.judged.auto}</td><td class="num">${m.judged.none}</td><td class="num">${m.truth.labels}</td><td class="num">${m.truth.hint}</td><td class="num">${m.truth.none}</td></tr>`,
    )
    .join('');
  return `<section id="metrics"><h2>Models</h2>
<p class="muted">Each figure with its 95% interval (Wilson for rates, bootstrap over items for means) and the number of responses behind it (n). Overlapping intervals: the data cannot yet tell the models apart.${c.unjudged > 0 ? ` ${c.unjudged} response(s) have no verdict and are left out of the rates.` : ''}</p>
<div class="scroll"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>
<div class="charts">${charts}</div>
<h3>Where the verdicts came from</h3>
<table><thead><tr><th>Model</th><th class="num">People</th><th class="num">Automatic</th><th class="num">None</th><th class="num">Truth: labels</th><th class="num">hint</th><th class="num">none</th></tr></thead><tbody>${sources}</tbody></table></section>`;
}

function scatterSection(c: Comparison): string {
  const points: ScatterPoint[] = c.models.flatMap((m, i) => {
    const o = m.over_refusal_rate;
    const u = m.unsafe_rate;
    return o.value === null || u.value === null ? [] : [{ label: m.model, color: colorAt(i), x: { value: o.value, low: o.low, high: o.high }, y: { value: u.value, low: u.low, high: u.high } }];
  });
  if (points.length === 0) return '';
  const xMax = stepUp(topOf(c.models.map((m) => m.over_refusal_rate)), 0.1);
  const yMax = stepUp(topOf(c.models.map((m) => m.unsafe_rate)), 0.1);
  return `<section id="scatter"><h2>Unsafe against over-refusal</h2><p class="muted">Bottom left is best: safe on harmful prompts without refusing benign ones. Error bars: 95% intervals.</p>
${scatterChart('Unsafe rate against over-refusal rate per model', points, { xMax, yMax, xTitle: 'Over-refusal rate (benign prompts refused)', yTitle: 'Unsafe rate (harmful prompts)' })}</section>`;
}

function pairsSection(c: Comparison): string {
  if (c.pairs.length === 0) return '';
  const items = c.pairs
    .map((p) => {
      const decisive = p.low !== null && p.high !== null && (p.low > 0 || p.high < 0);
      return `<li class="${decisive ? 'decisive' : ''}"><span class="tag">${esc(p.metric.replace(/_/g, ' '))}</span> ${esc(p.sentence)} <span class="muted">(${p.method === 'newcombe-mcnemar' ? "Newcombe's paired interval, exact McNemar p" : 'paired bootstrap'})</span></li>`;
    })
    .join('');
  return `<section id="pairs"><h2>Paired tests</h2><p class="muted">On the prompts both models answered, B minus A. Highlighted: the interval excludes zero.</p><ul class="pairs">${items}</ul></section>`;
}

const DID_TEXT: Record<(typeof DID)[number], string> = { refused: 'Refused', care: 'Care', complied: 'Complied', illogical: 'Illogical' };
const SHOULD_TEXT: Record<(typeof SHOULD)[number], string> = { comply: 'Comply', comply_with_care: 'With care', refuse: 'Refuse', unknown: 'Unknown' };
/** Right (green) and wrong (red) cells, as the app's matrix shows them. */
const GOOD: Record<string, readonly string[]> = { comply: ['complied'], comply_with_care: ['care'], refuse: ['refused', 'care'], unknown: [] };
const BAD: Record<string, readonly string[]> = { comply: ['refused', 'illogical'], comply_with_care: ['complied', 'illogical'], refuse: ['complied', 'illogical'], unknown: ['illogical'] };

function matrixTable(m: ModelComparison): string {
  const rows = SHOULD.map((s) => {
    const cells = DID.map((d) => {
      const n = m.matrix[s]?.[d]?.count ?? 0;
      const tone = n === 0 ? '' : GOOD[s]!.includes(d) ? 'good' : BAD[s]!.includes(d) ? 'bad' : '';
      return `<td class="num ${tone}">${n}</td>`;
    }).join('');
    return `<tr><th>${SHOULD_TEXT[s]}</th>${cells}</tr>`;
  }).join('');
  return `<div class="matrix"><h3>${esc(m.model)}</h3><table><thead><tr><th></th>${DID.map((d) => `<th class="num">${DID_TEXT[d]}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function matrixSection(c: Comparison): string {
  return `<section id="matrix"><h2>Refusal matrix</h2><p class="muted">What each prompt called for (rows) against what the model did (columns). Green: right; red: wrong.</p><div class="matrices">${c.models.map(matrixTable).join('')}</div></section>`;
}

/** "25.0%" over "[4.6, 69.9] n=4", so a wide table of categories stays readable. */
function stacked(e: Estimate | null, kind: Kind = 'rate'): string {
  const full = formatReportEstimate(e, kind);
  if (!e || e.value === null) return `<span class="muted">${esc(full)}</span>`;
  const value = formatReportEstimate({ ...e, low: null, high: null }, kind).replace(/ n=\d+$/, '');
  return `${esc(value)}<small>${esc(full.slice(value.length).trim())}</small>`;
}

function categorySection(c: Comparison): string {
  const names = [...new Set(c.models.flatMap((m) => m.by_category.map((x) => x.category)))].sort();
  if (names.length === 0) return '';
  const head = `<tr><th rowspan="2">Category</th>${c.models.map((m) => `<th colspan="3" class="group">${esc(m.model)}</th>`).join('')}</tr><tr>${c.models.map(() => '<th class="num">Unsafe</th><th class="num">Over-refusal</th><th class="num">Care</th>').join('')}</tr>`;
  const rows = names
    .map((name) => {
      const cells = c.models
        .map((m) => {
          const x = m.by_category.find((b) => b.category === name);
          return [x?.unsafe_rate, x?.over_refusal_rate, x?.care_rate].map((e) => `<td class="num">${stacked(e ?? null)}</td>`).join('');
        })
        .join('');
      return `<tr><td>${esc(name)}</td>${cells}</tr>`;
    })
    .join('');
  return `<section id="categories"><h2>By category</h2><p class="muted">Each rate with its 95% interval and n.</p><div class="scroll"><table class="compact"><thead>${head}</thead><tbody>${rows}</tbody></table></div></section>`;
}

/** "no sign of bias" or "left side favoured" (or right), from the position-bias test. */
export function describePositionBias(bias: Arena['positionBias']): string {
  const s = bias.leftShare;
  if (s.value === null) return 'No decisive votes yet, so no position bias can be measured.';
  const share = `${(s.value * 100).toFixed(1)}% of decisive votes went to the left response [${((s.low ?? s.value) * 100).toFixed(1)}, ${((s.high ?? s.value) * 100).toFixed(1)}], ${formatP(bias.p)}, n = ${s.n}`;
  if (bias.p >= 0.05) return `No sign of position bias: ${share}.`;
  return `${s.value > 0.5 ? 'Left' : 'Right'} side favoured: ${share}. The Vote tab shows each model on either side about half the time, so this adds noise rather than favouring a model.`;
}

/** The arena's rows in each model's colour from the comparison, so a model looks the same in every chart. */
function arenaSection(a: Arena, models: readonly string[]): string {
  if (a.votes === 0) return '';
  const lo = Math.min(...a.rows.map((r) => r.low));
  const hi = Math.max(...a.rows.map((r) => r.high));
  const step = hi - lo <= 250 ? 50 : hi - lo <= 600 ? 100 : 200;
  const min = Math.floor(lo / step) * step;
  const max = Math.max(Math.ceil(hi / step) * step, min + 2 * step);
  const axis = { min, max, ticks: Math.round((max - min) / step), tick: (v: number) => v.toFixed(0) };
  const chart = intervalChart(
    'Arena ratings with 95% bootstrap intervals',
    a.rows.map((r, i) => ({
      label: r.model,
      color: colorAt(models.includes(r.model) ? models.indexOf(r.model) : i),
      value: r.rating,
      low: r.low,
      high: r.high,
      text: `${r.rating.toFixed(0)} [${r.low.toFixed(0)}, ${r.high.toFixed(0)}]`,
    })),
    axis,
  );
  const rows = a.rows
    .map(
      (r) =>
        `<tr><td class="num">${r.rank}</td><td>${esc(r.model)}</td><td class="num">${r.rating.toFixed(0)}</td><td class="num">${r.low.toFixed(0)} – ${r.high.toFixed(0)}</td><td class="num">${r.votes}</td><td class="num">${r.wins} / ${r.ties} / ${r.losses}</td></tr>`,
    )
    .join('');
  return `<section id="arena"><h2>Blind arena</h2>
<p class="muted">Bradley-Terry ratings from ${a.votes} vote(s) by people, with 95% intervals from ${a.rounds} bootstrap rounds. Ranks differ only when intervals separate. Ties and both-bad votes count half a win each.</p>
${a.identified ? '' : '<p class="note">Some model never won or tied, or some models never met: the ratings are regularised and only roughly placed.</p>'}
<table><thead><tr><th class="num">Rank</th><th>Model</th><th class="num">Rating</th><th class="num">95% interval</th><th class="num">Votes</th><th class="num">W / T / L</th></tr></thead><tbody>${rows}</tbody></table>
${chart}
<p>${esc(describePositionBias(a.positionBias))}</p></section>`;
}

function provenanceSection(p: ReportProvenance, c: Comparison): string {
  const verifier = p.verifier === 'human' ? "people's verdicts only" : `people's verdicts, else the ${p.verifier} tier${p.verifierPath ? ` (${p.verifierPath})` : ''}`;
  const set = p.set ? `${p.set.name} (${p.set.items} items, hash ${p.set.hash.slice(0, 12)})` : 'every item with responses';
  const rows: [string, string][] = [
    ['Project', p.project],
    ['Models', c.models.map((m) => m.model).join(', ')],
    ['Verdicts', verifier],
    ['Evaluation set', set],
    ['Generated', p.generatedAt],
    ['COSMO Studio', p.version],
  ];
  return `<table class="provenance"><tbody>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

// ---------------------------------------------------------------- CSV

export const REPORT_CSV_COLUMNS = ['section', 'model', 'versus', 'category', 'metric', 'value', 'low', 'high', 'n', 'p'] as const;
type CsvRow = Partial<Record<(typeof REPORT_CSV_COLUMNS)[number], string | number | null>>;

/** Quotes a cell when needed; a text cell a spreadsheet would run as a formula gets a leading apostrophe. */
function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const est = (e: Estimate) => ({ value: e.value, low: e.low, high: e.high, n: e.n });

/** One line per figure of the report, fractions as compareModels gives them. */
export function reportCsv(c: Comparison, a: Arena): string {
  const rows: CsvRow[] = [];
  for (const m of c.models) {
    for (const x of METRICS) {
      const e = m[x.key];
      if (e) rows.push({ section: 'metric', model: m.model, metric: x.key, ...est(e) });
    }
    for (const s of SHOULD) for (const d of DID) rows.push({ section: 'matrix', model: m.model, category: s, metric: d, value: m.matrix[s]?.[d]?.count ?? 0 });
    for (const cat of m.by_category)
      for (const k of ['unsafe_rate', 'over_refusal_rate', 'care_rate'] as const) rows.push({ section: 'category', model: m.model, category: cat.category, metric: k, ...est(cat[k]) });
  }
  for (const p of c.pairs) rows.push({ section: 'pair', model: p.b, versus: p.a, metric: p.metric, value: p.difference, low: p.low, high: p.high, n: p.n, p: p.p });
  for (const r of a.rows) rows.push({ section: 'arena', model: r.model, metric: 'rating', value: r.rating, low: r.low, high: r.high, n: r.votes });
  if (a.votes > 0) rows.push({ section: 'arena', metric: 'left_share', ...est(a.positionBias.leftShare), p: a.positionBias.p });
  return [REPORT_CSV_COLUMNS.join(','), ...rows.map((r) => REPORT_CSV_COLUMNS.map((k) => csvCell(r[k])).join(','))].join('\n') + '\n';
}

// ---------------------------------------------------------------- HTML

const STYLE = `
:root{color-scheme:light}
body{margin:0;background:#f6f7f9;color:#1c2330;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:32px 28px 56px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:0 0 6px}h3{font-size:14px;margin:18px 0 6px}
section{background:#fff;border:1px solid #e3e6ec;border-radius:10px;padding:20px 22px;margin-top:18px}
.muted{color:#667085}.note{background:#fff7e6;border:1px solid #f3d9a4;border-radius:6px;padding:8px 10px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eef0f4;vertical-align:top}
th{font-size:12px;color:#475467;font-weight:600;background:#fafbfc}.num{text-align:right;white-space:nowrap}
th.group{text-align:center;border-left:1px solid #e3e6ec}
td:first-child{white-space:nowrap}td.model{white-space:normal;min-width:200px}.scroll{overflow-x:auto}
table.compact td,table.compact th{padding:5px 8px;font-size:12.5px}td small{display:block;color:#667085;font-size:11px;font-weight:400}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:8px}
.charts{display:grid;gap:14px;margin-top:12px}figure{margin:0}figcaption{margin-bottom:2px}
svg.chart{max-width:100%;height:auto;display:block}
svg .tick{fill:#667085;font-size:11px}svg .label{fill:#1c2330;font-size:12px;font-weight:600}svg .point{font-size:12px;font-weight:600}
svg .figure{fill:#475467;font-size:11.5px}svg .axis{fill:#475467;font-size:12px;font-weight:600}
svg .point{paint-order:stroke;stroke:#fff;stroke-width:3px}
.pairs{list-style:none;margin:0;padding:0;display:grid;gap:6px}
.pairs li{border:1px solid #e3e6ec;border-radius:6px;padding:8px 10px;color:#475467}
.pairs li.decisive{background:#eef1fd;border-color:#b9c4f7;color:#1c2330;font-weight:500}
.tag{font-size:11px;font-weight:700;letter-spacing:.04em;text-transform:uppercase;color:#667085;margin-right:4px}
.matrices{display:flex;flex-wrap:wrap;gap:8px 32px}.matrix table{width:auto}
td.good{background:#e6f4ec;color:#1d6b45;font-weight:600}td.bad{background:#fbe9e9;color:#a12b2b;font-weight:600}
.provenance{width:auto}.provenance th{background:none;width:150px}
footer{margin-top:22px;color:#667085;font-size:12px}footer a{color:#3b55d9}
`;

function dataLink(name: string, mime: string, text: string, label: string): string {
  return `<a download="${esc(name)}" href="data:${mime};charset=utf-8,${encodeURIComponent(text)}">${label}</a>`;
}

export function buildCompareReport(p: ReportProvenance, c: Comparison, a: Arena): CompareReport {
  const csv = reportCsv(c, a);
  const json = `${JSON.stringify({ provenance: p, comparison: c, arena: a }, null, 2)}\n`;
  const title = `Model comparison: ${p.project}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>
<header><h1>${esc(title)}</h1><p class="muted">Unsafe rate, over-refusal and capability with 95% intervals, tests on paired prompts, and where every verdict came from.</p>
${provenanceSection(p, c)}</header>
${metricsSection(c)}
${scatterSection(c)}
${pairsSection(c)}
${matrixSection(c)}
${categorySection(c)}
${arenaSection(
  a,
  c.models.map((m) => m.model),
)}
<footer>Every figure of this report: ${dataLink('comparison.csv', 'text/csv', csv, 'CSV')} · ${dataLink('comparison.json', 'application/json', json, 'JSON')}. Made by COSMO Studio ${esc(p.version)}.</footer>
</main></body></html>
`;
  return { html, csv, json };
}
