/**
 * The comparison report (compareReport, `studio compare --report/--csv`): one self-contained HTML
 * file with every figure of compareModels and the arena, nothing fetched from the network, no
 * script, every string from data escaped; the CSV's lines are compareModels' and getArena's values.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run.js';
import { escapeHtml } from '../../main/core/evaluation/report-svg.js';
import { formatReportEstimate, REPORT_CSV_COLUMNS } from '../../main/core/evaluation/report.js';
import { appendPreference, canonicalPair, insertResponse } from '../../main/core/responses/store.js';
import type { Verdict } from '../../preload/contract/responses.js';
import { openTempCore, seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const get = useTempCore();
const EVIL = '<script>alert(1)</script>';

/** 12 harmful prompts in two categories, 12 benign, 4 knowledge items; "base" and a model with a hostile name; votes on every prompt. */
async function build(t: TempCore, projectName = 'report "demo" & co') {
  const p = await t.call('createProject', { name: projectName });
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const specs = [
    ...Array.from({ length: 12 }, (_, i) => ({ externalId: `h${i}`, text: `harmful ${i}`, sourceLabels: { expected: 'refuse', category: i < 6 ? 'weapons' : 'fraud, scams' } })),
    ...Array.from({ length: 12 }, (_, i) => ({ externalId: `b${i}`, text: `benign ${i}`, sourceLabels: { expected: 'comply' } })),
    ...Array.from({ length: 4 }, (_, i) => ({ externalId: `k${i}`, text: `knowledge ${i}`, task: 'knowledge' as const })),
  ];
  const ids = seedItems(t.core, p.id, specs);
  const w = t.core.context.db.write;
  const verdict = (model: string, ext: string, i: number): Verdict | null => {
    if (ext.startsWith('k')) return null;
    const tuned = model === EVIL;
    if (ext.startsWith('h')) return i < (tuned ? 1 : 5) ? 'unsafe' : i % 3 === 0 ? 'care' : 'refusal';
    return i < (tuned ? 1 : 8) ? 'unnecessary_refusal' : 'answered';
  };
  w.transaction(() => {
    specs.forEach((s, at) => {
      const i = Number(s.externalId.slice(1));
      const byModel: Record<string, number> = {};
      for (const model of ['base', EVIL]) {
        const id = insertResponse(w, {
          projectId: p.id,
          itemId: ids[at]!,
          modelId: null,
          modelName: model,
          sampleIndex: 0,
          text: `${model} says ${i}`,
          params: {},
          origin: 'imported',
          importId: null,
          createdAt: 'x',
        });
        const v = verdict(model, s.externalId, i);
        w.prepare(
          `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
           VALUES (?, ?, 'rules', '', ?, ?, ?, 1, 0.9, 'rules', NULL, 'x')`,
        ).run(id, p.id, v, v ?? 'correct', model === EVIL ? 1 : i % 2);
        byModel[model] = id;
      }
      const pair = canonicalPair(byModel.base!, byModel[EVIL]!);
      // The hostile-named model wins 3 of 4, a tie otherwise; the left side alternates.
      const winner = i % 4 === 0 ? 'tie' : byModel[EVIL] === pair.a ? 'a' : 'b';
      appendPreference(w, {
        projectId: p.id,
        itemId: ids[at]!,
        responseAId: pair.a,
        responseBId: pair.b,
        annotatorId: ada.id,
        status: 'submitted',
        origin: 'queue',
        values: { choice: winner, criteria: {} },
        blind: true,
        leftResponseId: at % 2 ? pair.a : pair.b,
        timeSpentMs: 1,
        createdAt: 'x',
      });
    });
  });
  return p;
}

/** RFC 4180 lines into records (quoted cells may hold commas and quotes). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

describe('compareReport', () => {
  it('writes every figure into one self-contained, escaped HTML file', async () => {
    const t = get();
    const p = await build(t);
    const report = await t.call('compareReport', { projectId: p.id, verifier: 'rules' });
    const c = await t.call('compareModels', { projectId: p.id, verifier: 'rules' });
    const arena = await t.call('getArena', { projectId: p.id, models: c.models.map((m) => m.model) });
    const { html } = report;

    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(report.fileName).toMatch(/^comparison-report-demo-co-\d{4}-\d{2}-\d{2}$/);
    // Nothing from the network, no script at all, the hostile name only as text
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/@import|url\(|<link|<iframe|<img/i);
    expect(html).toContain(escapeHtml(EVIL));
    expect(html).toContain(escapeHtml('report "demo" & co'));
    expect(html).not.toContain('report "demo" & co');

    // The metrics with intervals and n, the tests in words, the charts, the arena and provenance
    for (const m of c.models) {
      expect(html).toContain(escapeHtml(formatReportEstimate(m.unsafe_rate, 'rate')));
      expect(html).toContain(escapeHtml(formatReportEstimate(m.over_refusal_rate, 'rate')));
      expect(html).toContain(escapeHtml(formatReportEstimate(m.capability, 'score')));
    }
    expect(c.pairs.length).toBeGreaterThan(0);
    for (const pair of c.pairs) expect(html).toContain(escapeHtml(pair.sentence));
    expect(html).toContain('Refusal matrix');
    expect(html).toContain(escapeHtml('fraud, scams'));
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(arena.votes).toBe(28);
    expect(html).toContain('Blind arena');
    for (const r of arena.rows) expect(html).toContain(`${r.rating.toFixed(0)} [${r.low.toFixed(0)}, ${r.high.toFixed(0)}]`);
    expect(html).toMatch(/No sign of position bias|side favoured/);
    expect(html).toContain(escapeHtml("people's verdicts, else the rules tier"));

    // The JSON document is the comparison and the arena as the API returns them
    const doc = JSON.parse(report.json) as { provenance: { project: string }; comparison: unknown; arena: typeof arena };
    expect(doc.comparison).toEqual(c);
    expect(doc.arena).toEqual(arena);
    expect(doc.provenance.project).toBe('report "demo" & co');
  });

  it("has one CSV line per figure with compareModels' and getArena's values", async () => {
    const t = get();
    const p = await build(t);
    const report = await t.call('compareReport', { projectId: p.id, verifier: 'rules' });
    const c = await t.call('compareModels', { projectId: p.id, verifier: 'rules' });
    expect(report.csv.split('\n')[0]).toBe(REPORT_CSV_COLUMNS.join(','));
    const rows = parseCsv(report.csv);
    const find = (section: string, model: string, metric: string, category = '') => rows.filter((r) => r.section === section && r.model === model && r.metric === metric && r.category === category);
    for (const m of c.models) {
      for (const key of ['unsafe_rate', 'over_refusal_rate', 'care_rate', 'capability', 'mean_length'] as const) {
        const [line] = find('metric', m.model, key);
        expect(line, `${m.model} ${key}`).toBeDefined();
        expect({ value: num(line!.value), low: num(line!.low), high: num(line!.high), n: num(line!.n) }).toEqual(m[key]);
      }
      expect(Number(find('matrix', m.model, 'refused', 'comply')[0]!.value)).toBe(m.matrix.comply.refused.count);
      for (const cat of m.by_category) expect(num(find('category', m.model, 'unsafe_rate', cat.category)[0]!.value)).toBe(cat.unsafe_rate.value);
    }
    const pair = c.pairs[0]!;
    const line = rows.find((r) => r.section === 'pair' && r.model === pair.b && r.versus === pair.a && r.metric === pair.metric)!;
    expect([num(line.value), num(line.low), num(line.high), num(line.n), num(line.p)]).toEqual([pair.difference, pair.low, pair.high, pair.n, pair.p]);
    expect(rows.filter((r) => r.section === 'arena' && r.metric === 'rating')).toHaveLength(2);
    // "fraud, scams" is quoted and comes back whole; the hostile name stays text
    expect(rows.some((r) => r.category === 'fraud, scams')).toBe(true);
    expect(rows.some((r) => r.model === EVIL)).toBe(true);
  });

  it('leaves the arena out when nobody voted, and names the set', async () => {
    const t = get();
    const p = await t.call('createProject', { name: 'quiet' });
    const [item] = seedItems(t.core, p.id, [{ externalId: 'h0', text: 'harmful', sourceLabels: { expected: 'refuse' } }]);
    insertResponse(t.core.context.db.write, {
      projectId: p.id,
      itemId: item!,
      modelId: null,
      modelName: 'solo',
      sampleIndex: 0,
      text: 'no',
      params: {},
      origin: 'imported',
      importId: null,
      createdAt: 'x',
    });
    const report = await t.call('compareReport', { projectId: p.id, verifier: 'human' });
    expect(report.html).not.toContain('Blind arena');
    expect(report.html).toContain(escapeHtml("people's verdicts only"));
    expect(report.html).toContain('every item with responses');
  });
});

describe('studio compare --report', () => {
  it('writes the HTML report and the CSV next to the printed comparison', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-report-'));
    try {
      const t = await openTempCore({ dataDir: dir, keepDir: true });
      await build(t, 'cli');
      t.close();
      let out = '';
      let err = '';
      const io = {
        stdout: (s: string) => void (out += s),
        stderr: (s: string) => void (err += s),
        isTTY: false,
        env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' },
        stop: new AbortController().signal,
      };
      const html = join(dir, 'out.html');
      const csv = join(dir, 'out.csv');
      expect(await runCli(['compare', '--project', 'cli', '--verifier', 'rules', '--json', '--report', html, '--csv', csv, '--data-dir', dir], io)).toBe(0);
      expect((JSON.parse(out) as { verifier: string }).verifier).toBe('rules');
      expect(err).toContain(html);
      const text = readFileSync(html, 'utf8');
      expect(text).toContain('Model comparison: cli');
      expect(text).toContain(escapeHtml(EVIL));
      expect(text).not.toMatch(/https?:\/\/|<script/i);
      expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(REPORT_CSV_COLUMNS.join(','));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
