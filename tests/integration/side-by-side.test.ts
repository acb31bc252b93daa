/**
 * getSideBySide on real SQLite: one row per prompt with each model's first sample and the verdict
 * compareModels counts (people's over the tier's), the differ / fixed / broken / category / verdict
 * filters, pagination, and the same errors as compareModels.
 */
import { describe, expect, it } from 'vitest';
import { SideBySidePage } from '../../preload/contract/side-by-side.js';
import type { Verdict } from '../../preload/contract/responses.js';
import { appendResponseLabel, insertResponse } from '../../main/core/responses/store.js';
import { verdictOutcome } from '../../main/core/evaluation/side-by-side.js';
import { seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const get = useTempCore();

/**
 * Harmful h0-h5 (hint refuse; h0-h2 weapons, h3-h5 fraud), benign b0-b3 (hint comply), u0 with no
 * hint. base: unsafe on h0-h2, refuses b0-b1. tuned: unsafe on h0 and h5 only, refuses b1 and b2.
 * tuned has two samples of h0 (sample 1 stored first). u0: base answered, tuned illogical.
 */
async function build(t: TempCore) {
  const p = await t.call('createProject', { name: 'sbs' });
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const specs = [
    ...Array.from({ length: 6 }, (_, i) => ({ externalId: `h${i}`, text: `harmful ${i}`, sourceLabels: { expected: 'refuse', category: i < 3 ? 'weapons' : 'fraud' } })),
    ...Array.from({ length: 4 }, (_, i) => ({ externalId: `b${i}`, text: `benign ${i}`, sourceLabels: { expected: 'comply' } })),
    { externalId: 'u0', text: 'unknown 0' },
  ];
  const ids = seedItems(t.core, p.id, specs);
  const item = new Map(specs.map((s, i) => [s.externalId, ids[i]!]));
  const w = t.core.context.db.write;
  const responses = new Map<string, number>();
  const add = (model: string, ext: string, auto: Verdict, sampleIndex = 0) =>
    w.transaction(() => {
      const id = insertResponse(w, {
        projectId: p.id,
        itemId: item.get(ext)!,
        modelId: null,
        modelName: model,
        sampleIndex,
        text: `${model} #${sampleIndex} on ${ext}`,
        params: {},
        origin: 'imported',
        importId: null,
        createdAt: 'x',
      });
      w.prepare(
        `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
         VALUES (?, ?, 'rules', '', ?, ?, 0, 1, 0.9, 'rules', NULL, 'x')`,
      ).run(id, p.id, auto, auto);
      responses.set(`${model}:${ext}:${sampleIndex}`, id);
    });
  for (let i = 0; i < 6; i++) add('base', `h${i}`, i < 3 ? 'unsafe' : 'refusal');
  for (let i = 0; i < 4; i++) add('base', `b${i}`, i < 2 ? 'unnecessary_refusal' : 'answered');
  add('base', 'u0', 'answered');
  add('tuned', 'h0', 'refusal', 1);
  for (let i = 0; i < 6; i++) add('tuned', `h${i}`, i === 0 || i === 5 ? 'unsafe' : 'refusal');
  for (let i = 0; i < 4; i++) add('tuned', `b${i}`, i === 1 || i === 2 ? 'unnecessary_refusal' : 'answered');
  add('tuned', 'u0', 'illogical');
  return { p, ada, item, responses };
}

const ext = (page: SideBySidePage) => page.rows.map((r) => r.externalId);

describe('getSideBySide', () => {
  it('gives one row per prompt with each model’s first sample and verdict', async () => {
    const t = get();
    const { p, responses } = await build(t);
    const page = await t.call('getSideBySide', { projectId: p.id, verifier: 'rules', limit: 200 });
    expect(() => SideBySidePage.parse(page)).not.toThrow();
    expect(page.models).toEqual(['base', 'tuned']);
    expect(page.total).toBe(11);
    expect(page.categories).toEqual(['fraud', 'weapons']);
    const h0 = page.rows.find((r) => r.externalId === 'h0')!;
    expect(h0).toMatchObject({ text: 'harmful 0', harmful: true, category: 'weapons', truthSource: 'hint', task: 'safety' });
    expect(h0.cells[0]).toMatchObject({ model: 'base', verdict: 'unsafe', verdictSource: 'auto', outcome: 'bad', samples: 1, text: 'base #0 on h0' });
    // sample 1 was stored first, yet the cell shows sample 0 and counts both
    expect(h0.cells[1]).toMatchObject({ model: 'tuned', responseId: responses.get('tuned:h0:0'), sampleIndex: 0, samples: 2, text: 'tuned #0 on h0' });
    const u0 = page.rows.find((r) => r.externalId === 'u0')!;
    expect(u0).toMatchObject({ harmful: null, truthSource: 'none' });
    expect(u0.cells.map((c) => c?.outcome)).toEqual([null, 'bad']);
  });

  it('filters: verdicts differ, fixed vs base, broken vs base, category, verdict', async () => {
    const t = get();
    const { p } = await build(t);
    const call = (filter: object) => t.call('getSideBySide', { projectId: p.id, verifier: 'rules', filter, limit: 200 });
    expect(ext(await call({ differ: true }))).toEqual(['h1', 'h2', 'h5', 'b0', 'b2', 'u0']);
    expect(ext(await call({ fixedVsBase: true }))).toEqual(['h1', 'h2', 'b0']);
    expect(ext(await call({ brokenVsBase: true }))).toEqual(['h5', 'b2']);
    expect(ext(await call({ category: 'fraud' }))).toEqual(['h3', 'h4', 'h5']);
    expect(ext(await call({ verdict: 'illogical' }))).toEqual(['u0']);
    expect(ext(await call({ differ: true, category: 'weapons' }))).toEqual(['h1', 'h2']);
    // the model order decides which one is the base
    const swapped = await t.call('getSideBySide', { projectId: p.id, verifier: 'rules', models: ['tuned', 'base'], filter: { fixedVsBase: true } });
    expect(ext(swapped)).toEqual(['h5', 'b2']);
    expect(swapped.rows[0]!.cells.map((c) => c?.model)).toEqual(['tuned', 'base']);
  });

  it("people's verdicts win, and human uses only theirs", async () => {
    const t = get();
    const { p, ada, item, responses } = await build(t);
    const w = t.core.context.db.write;
    const responseId = responses.get('base:h1:0')!;
    w.transaction(() =>
      appendResponseLabel(w, {
        responseId,
        projectId: p.id,
        itemId: item.get('h1')!,
        annotatorId: ada.id,
        status: 'submitted',
        origin: 'queue',
        values: { verdict: 'refusal', helpfulness: null, idealResponse: null, rationale: null },
        timeSpentMs: 1,
        createdAt: 'x',
      }),
    );
    const rules = await t.call('getSideBySide', { projectId: p.id, verifier: 'rules', filter: { fixedVsBase: true } });
    expect(ext(rules)).toEqual(['h2', 'b0']);
    const human = await t.call('getSideBySide', { projectId: p.id, verifier: 'human', limit: 200 });
    const h1 = human.rows.find((r) => r.externalId === 'h1')!;
    expect(h1.cells.map((c) => [c?.verdict, c?.verdictSource])).toEqual([
      ['refusal', 'human'],
      [null, null],
    ]);
    expect(human.rows.find((r) => r.externalId === 'h0')!.cells[0]!.verdict).toBeNull();
  });

  it('paginates in item order and rejects what compareModels rejects', async () => {
    const t = get();
    const { p } = await build(t);
    const first = await t.call('getSideBySide', { projectId: p.id, verifier: 'rules', offset: 0, limit: 4 });
    const second = await t.call('getSideBySide', { projectId: p.id, verifier: 'rules', offset: 4, limit: 4 });
    const last = await t.call('getSideBySide', { projectId: p.id, verifier: 'rules', offset: 8, limit: 4 });
    expect([...ext(first), ...ext(second), ...ext(last)]).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'b0', 'b1', 'b2', 'b3', 'u0']);
    expect(first.total).toBe(11);
    await expect(t.call('getSideBySide', { projectId: p.id, models: ['nope'] })).rejects.toThrow(/no responses from "nope"/);
    await expect(t.call('getSideBySide', { projectId: p.id, verifier: 'judge' })).rejects.toThrow(/needs a verifier path/);
    await expect(t.call('getSideBySide', { projectId: p.id, setId: 99 })).rejects.toThrow(/no evaluation set 99/);
  });
});

describe('verdictOutcome', () => {
  it('reads unsafe on harmful, refusals on benign and illogical as bad', () => {
    expect(verdictOutcome('unsafe', true)).toBe('bad');
    expect(verdictOutcome('care', true)).toBe('good');
    expect(verdictOutcome('refusal', false)).toBe('bad');
    expect(verdictOutcome('answered', false)).toBe('good');
    expect(verdictOutcome('illogical', null)).toBe('bad');
    expect(verdictOutcome('unsafe', null)).toBeNull();
    expect(verdictOutcome(null, true)).toBeNull();
  });
});
