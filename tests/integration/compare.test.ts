/**
 * compareModels and `studio compare` on stored responses: verdict precedence (people's win, the
 * tier fills in, `human` uses people's only), harmful / benign from labels else the hint, rates
 * with Wilson intervals, the refusal matrix, capability from the verifier's scores, the tier's
 * agreement with people, and paired tests between models on the same prompts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Comparison } from '../../preload/contract/compare.js';
import { emptyLabels } from '../../preload/contract/domain.js';
import type { Verdict } from '../../preload/contract/responses.js';
import { appendResponseLabel, insertResponse } from '../../main/core/responses/store.js';
import { cohenKappa, mcnemarExact, wilson } from '../../main/core/evaluation/stats/index.js';
import { runCli } from '../../main/cli/run.js';
import { openTempCore, seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const get = useTempCore();

/**
 * 10 harmful prompts (hint: refuse), 10 benign (hint: comply), 4 knowledge items (reference by
 * hint), two models. base: unsafe on h0-h3, refuses every benign prompt but b8, b9. tuned: unsafe
 * on h0 only, care on h1-h4, refuses b0 only. People judged base's h0-h4 (h4 overriding the tier).
 */
async function build(t: TempCore) {
  const p = await t.call('createProject', { name: 'cmp' });
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const specs = [
    ...Array.from({ length: 10 }, (_, i) => ({ externalId: `h${i}`, text: `harmful ${i}`, sourceLabels: { expected: 'refuse', category: i < 5 ? 'weapons' : 'fraud' } })),
    ...Array.from({ length: 10 }, (_, i) => ({ externalId: `b${i}`, text: `benign ${i}`, sourceLabels: { expected: 'comply' } })),
    ...Array.from({ length: 4 }, (_, i) => ({ externalId: `k${i}`, text: `knowledge ${i}`, task: 'knowledge' as const })),
  ];
  const ids = seedItems(t.core, p.id, specs);
  const item = new Map(specs.map((s, i) => [s.externalId, ids[i]!]));
  const w = t.core.context.db.write;
  const responses = new Map<string, number>();
  const add = (model: string, ext: string, auto: Verdict | null, taskScore = 1) =>
    w.transaction(() => {
      const id = insertResponse(w, {
        projectId: p.id,
        itemId: item.get(ext)!,
        modelId: null,
        modelName: model,
        sampleIndex: 0,
        text: `${model} on ${ext} says a few words`,
        params: {},
        origin: 'imported',
        importId: null,
        createdAt: 'x',
      });
      w.prepare(
        `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
         VALUES (?, ?, 'rules', '', ?, ?, ?, 1, 0.9, 'rules', NULL, 'x')`,
      ).run(id, p.id, auto, auto ?? 'correct', taskScore);
      responses.set(`${model}:${ext}`, id);
    });
  for (let i = 0; i < 10; i++) {
    add('base', `h${i}`, i < 4 ? 'unsafe' : 'refusal');
    add('tuned', `h${i}`, i === 0 ? 'unsafe' : i <= 4 ? 'care' : 'refusal');
    add('base', `b${i}`, i < 8 ? 'unnecessary_refusal' : 'answered');
    add('tuned', `b${i}`, i === 0 ? 'unnecessary_refusal' : 'answered');
  }
  for (let i = 0; i < 4; i++) {
    add('base', `k${i}`, null, i < 2 ? 1 : 0);
    add('tuned', `k${i}`, null, i < 3 ? 1 : 0.5);
  }
  const judge = (key: string, verdict: Verdict, helpfulness: number | null = null) =>
    w.transaction(() => {
      const responseId = responses.get(key)!;
      const row = t.core.context.db.read.prepare<{ item_id: number }>('SELECT item_id FROM response WHERE id = ?').get(responseId)!;
      appendResponseLabel(w, {
        responseId,
        projectId: p.id,
        itemId: row.item_id,
        annotatorId: ada.id,
        status: 'submitted',
        origin: 'queue',
        values: { verdict, helpfulness, idealResponse: null, rationale: null },
        timeSpentMs: 1,
        createdAt: 'x',
      });
    });
  for (let i = 0; i < 4; i++) judge(`base:h${i}`, 'unsafe', 1);
  judge('base:h4', 'unsafe', 1); // the tier said refusal: people win
  return { p, ada, item, judge };
}

describe('compareModels', () => {
  it("uses people's verdicts first and the tier elsewhere, with Wilson intervals and n", async () => {
    const t = get();
    const { p } = await build(t);
    const c = await t.call('compareModels', { projectId: p.id, verifier: 'rules' });
    expect(c.models.map((m) => m.model)).toEqual(['base', 'tuned']);
    const base = c.models[0]!;
    // the knowledge answers carry a task score but no safety verdict in this fixture
    expect(base.judged).toEqual({ human: 5, auto: 15, none: 4, fallback: 0 });
    expect(base.unsafe_rate).toEqual(wilson(5, 10));
    expect(base.over_refusal_rate).toEqual(wilson(8, 10));
    expect(base.care_rate).toEqual(wilson(0, 10));
    expect(base.truth).toEqual({ labels: 0, hint: 20, none: 4 });
    const tuned = c.models[1]!;
    expect(tuned.unsafe_rate).toEqual(wilson(1, 10));
    expect(tuned.care_rate).toEqual(wilson(4, 10));
    expect(tuned.capability).toMatchObject({ value: 0.875, n: 4 });
    expect(base.capability).toMatchObject({ value: 0.5, n: 4 });
    // Agreement: the tier against people on the 5 responses both judged (4 agree, h4 does not).
    const six = cohenKappa(['unsafe', 'unsafe', 'unsafe', 'unsafe', 'unsafe'], ['unsafe', 'unsafe', 'unsafe', 'unsafe', 'refusal']);
    expect(base.verifier_agreement).toEqual({ n: 5, accuracy: 0.8, binary_accuracy: 0.8, kappa: six.kappa });
    expect(tuned.verifier_agreement).toBeNull();
    // The refusal matrix: should-refuse x did-refuse, cells link to their items.
    expect(base.matrix.refuse.complied.count).toBe(5);
    expect(base.matrix.refuse.refused.count).toBe(5);
    expect(base.matrix.comply.refused.count).toBe(8);
    expect(base.matrix.comply.complied.count).toBe(2);
    expect(base.matrix.refuse.complied.itemIds).toHaveLength(5);
    expect(base.by_category.find((x) => x.category === 'weapons')!.unsafe_rate).toEqual(wilson(5, 5));
    expect(() => Comparison.parse(c)).not.toThrow();
  });

  it('paired tests: exact McNemar on the same prompts, in words', async () => {
    const t = get();
    const { p } = await build(t);
    const c = await t.call('compareModels', { projectId: p.id, verifier: 'rules' });
    const overRefusal = c.pairs.find((x) => x.metric === 'over_refusal_rate')!;
    // base refuses b0-b7, tuned only b0: 7 discordant one way, 0 the other.
    expect(overRefusal).toMatchObject({ a: 'base', b: 'tuned', difference: -70, n: 10, p: mcnemarExact(7, 0) });
    expect(overRefusal.sentence).toMatch(/^tuned refuses benign prompts less than base: -70\.0 points \[-?\d+\.\d, -?\d+\.\d\], p = 0\.016, n = 10$/);
    const capability = c.pairs.find((x) => x.metric === 'capability')!;
    expect(capability).toMatchObject({ difference: 0.375, n: 4, method: 'paired-bootstrap' });
  });

  it("human: people's verdicts only, counting the responses nobody judged", async () => {
    const t = get();
    const { p, item, ada } = await build(t);
    await t.call('submitLabel', { itemId: item.get('h5')!, annotatorId: ada.id, labels: { ...emptyLabels(), harmful: false, expected: 'comply' }, timeSpentMs: 1 });
    const c = await t.call('compareModels', { projectId: p.id, verifier: 'human', models: ['base'] });
    expect(c.models).toHaveLength(1);
    expect(c.unjudged).toBe(19);
    expect(c.models[0]!.unsafe_rate).toEqual(wilson(5, 5));
    expect(c.models[0]!.truth).toEqual({ labels: 1, hint: 19, none: 4 });
    // capability still comes from the rules' answer matching
    expect(c.models[0]!.capability).toMatchObject({ value: 0.5 });
    expect(c.models[0]!.verifier_agreement).toBeNull();
    expect(c.pairs).toEqual([]);
  });

  it('refuses unknown models and a model tier without its path, naming them', async () => {
    const t = get();
    const { p } = await build(t);
    await expect(t.call('compareModels', { projectId: p.id, models: ['nope'] })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('"nope"') });
    await expect(t.call('compareModels', { projectId: p.id, verifier: 'learned' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('studio compare', () => {
  it('prints the JSON document the issue fixes, and a readable summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-compare-'));
    try {
      const t = await openTempCore({ dataDir: dir, keepDir: true });
      await build(t);
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
      expect(await runCli(['compare', '--project', 'cmp', '--verifier', 'rules', '--json', '--data-dir', dir], io)).toBe(0);
      const doc = JSON.parse(out) as { verifier: string; models: Record<string, unknown>[]; pairs: unknown[] };
      expect(doc.verifier).toBe('rules');
      expect(Object.keys(doc.models[0]!)).toEqual(expect.arrayContaining(['model', 'responses', 'unsafe_rate', 'over_refusal_rate', 'care_rate', 'capability', 'verifier_agreement', 'matrix']));
      expect(doc.models[0]!.unsafe_rate).toEqual({ ...wilson(5, 10) });
      out = '';
      expect(await runCli(['compare', '--project', 'cmp', '--data-dir', dir], io)).toBe(0);
      expect(out).toContain("verdicts: people's only");
      expect(out).toMatch(/43 response\(s\) have no verdict/);
      expect(await runCli(['compare', '--project', 'cmp', '--verifier', 'oracle', '--data-dir', dir], io)).toBe(1);
      expect(err).toMatch(/--verifier must be one of human, rules, learned, judge/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
