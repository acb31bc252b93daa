/**
 * Adjudication on real SQLite through the contract: which items and responses enter the reviewer
 * queue by the project's rule, gold versions (append-only, heads by trigger), undo and skip, and
 * what the training snapshot and evaluation truth use (gold, else a majority with enough
 * agreement, else excluded), with the manifest's counts per case and the run's warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import type { ResponseLabelValues } from '../../preload/contract/responses.js';
import { projectResolver } from '../../main/core/adjudication/resolve.js';
import { currentLabels, readProjectItems } from '../../main/core/export/read-project.js';
import { itemTruth } from '../../main/core/evaluation/truth.js';
import { projectFacts } from '../../main/core/training/snapshot.js';
import { datasetStats, runWarnings } from '../../main/core/training/warnings.js';
import { presetSettings } from '../../main/core/training/presets.js';
import { seedItems, useTempCore, type TempCore } from '../helpers/core.js';
import { seedResponses } from '../helpers/responses.js';

const t = useTempCore();

const harmful: LabelValues = { ...emptyLabels(), harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse', rationale: 'slur in the request' };
const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply', rationale: 'a history question' };

async function setup(c: TempCore, texts: string[]) {
  const project = await c.call('createProject', { name: 'P', annotatorsPerItem: 3 });
  const itemIds = seedItems(
    c.core,
    project.id,
    texts.map((text, i) => ({ externalId: `x${i + 1}`, text })),
  );
  const ada = await c.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await c.call('createUser', { name: 'Bob', role: 'annotator' });
  const cy = await c.call('createUser', { name: 'Cy', role: 'annotator' });
  const rev = await c.call('createUser', { name: 'Rita', role: 'reviewer' });
  return { project, itemIds, ada, bob, cy, rev };
}

async function label(c: TempCore, itemId: number, annotatorId: number, labels: LabelValues) {
  await c.call('submitLabel', { itemId, annotatorId, labels, timeSpentMs: 10 });
}

async function queueOrder(c: TempCore, projectId: number, reviewerId: number): Promise<string[]> {
  // Walks the queue by skipping: each case once, in order.
  const seen: string[] = [];
  for (;;) {
    const q = await c.call('getReviewQueue', { projectId, reviewerId });
    if (!q.current || seen.includes(q.current.detail.item.externalId)) return seen;
    seen.push(q.current.detail.item.externalId);
    await c.call('skipReviewItem', { itemId: q.current.detail.item.id, reviewerId });
  }
}

describe('reviewer queue', () => {
  it('holds items whose annotators disagree, by the project rule', async () => {
    const { project, itemIds, ada, bob, cy, rev } = await setup(t(), ['a', 'b', 'c', 'd']);
    const [agree, split, twoOfThree, single] = itemIds as [number, number, number, number];
    await label(t(), agree, ada.id, harmful);
    await label(t(), agree, bob.id, harmful);
    await label(t(), split, ada.id, harmful);
    await label(t(), split, bob.id, benign);
    for (const who of [ada, bob]) await label(t(), twoOfThree, who.id, harmful);
    await label(t(), twoOfThree, cy.id, { ...harmful, riskCategory: 'privacy' });
    await label(t(), single, ada.id, benign);

    // Default rule: any disagreement (one label alone is never a disagreement).
    expect(await t().call('getQualityRules', { projectId: project.id })).toEqual({ review: 'any_disagreement', reviewMinShare: 1, trainingMinAgreement: 0 });
    const first = await t().call('getReviewQueue', { projectId: project.id, reviewerId: rev.id });
    expect(first.progress).toEqual({ remaining: 2, skipped: 0, adjudicated: 0 });
    expect(first.current!.detail.item.externalId).toBe('x2');
    expect(first.current!.share).toBe(0.5);
    // Every person's label side by side, with who made it and their rationale.
    expect(first.current!.detail.annotations.map((a) => [a.annotatorName, a.labels.harmful, a.labels.rationale])).toEqual([
      ['Ada', true, 'slur in the request'],
      ['Bob', false, 'a history question'],
    ]);
    expect(await queueOrder(t(), project.id, rev.id)).toEqual(['x2', 'x3']);

    // Below a share: 2 of 3 agreeing on the category (0.67) is enough at 0.6, 1 of 2 is not.
    await t().call('setQualityRules', { projectId: project.id, rules: { review: 'below_share', reviewMinShare: 0.6, trainingMinAgreement: 0 } });
    const below = await t().call('getReviewQueue', { projectId: project.id, reviewerId: rev.id });
    expect(below.progress.remaining).toBe(1);
    expect(below.current!.detail.item.externalId).toBe('x2');
    await t().call('setQualityRules', { projectId: project.id, rules: { review: 'below_share', reviewMinShare: 0.7, trainingMinAgreement: 0 } });
    expect((await t().call('getReviewQueue', { projectId: project.id, reviewerId: rev.id })).progress.remaining).toBe(2);
  });

  it('sets gold as append-only versions; undo retracts and gives the item back; skip moves it to the back', async () => {
    const { project, itemIds, ada, bob, rev } = await setup(t(), ['a', 'b']);
    for (const id of itemIds) {
      await label(t(), id, ada.id, harmful);
      await label(t(), id, bob.id, benign);
    }
    const [x1, x2] = itemIds as [number, number];
    await t().call('skipReviewItem', { itemId: x1, reviewerId: rev.id });
    const q = await t().call('getReviewQueue', { projectId: project.id, reviewerId: rev.id });
    expect(q.current!.detail.item.id).toBe(x2);
    expect(q.progress).toEqual({ remaining: 2, skipped: 1, adjudicated: 0 });

    const set = await t().call('setGoldLabel', { itemId: x2, reviewerId: rev.id, fromAnnotatorId: bob.id, labels: null, reason: 'a history question, not hate' });
    expect(set.gold).toMatchObject({ version: 1, status: 'set', sourceAnnotatorName: 'Bob', reviewerName: 'Rita', labels: benign });
    expect(set.progress).toEqual({ remaining: 1, skipped: 1, adjudicated: 1 });

    const undone = await t().call('undoGoldLabel', { projectId: project.id, reviewerId: rev.id });
    expect(undone.restored!.detail.item.id).toBe(x2);
    expect(undone.progress).toEqual({ remaining: 2, skipped: 1, adjudicated: 0 });
    // Own labels this time: a new version, history kept.
    const own = { ...harmful, riskCategory: 'privacy', rationale: null };
    await t().call('setGoldLabel', { itemId: x2, reviewerId: rev.id, fromAnnotatorId: null, labels: own, reason: 'names a private person' });
    const history = await t().call('getGoldHistory', { itemId: x2 });
    expect(history.map((g) => [g.version, g.status, g.sourceAnnotatorName, g.labels.riskCategory])).toEqual([
      [1, 'set', 'Bob', null],
      [2, 'retracted', 'Bob', null],
      [3, 'set', null, 'privacy'],
    ]);
    const db = t().core.context.db.read;
    expect(db.prepare('SELECT version, status FROM gold_head WHERE item_id = ?').get(x2)).toEqual({ version: 3, status: 'set' });
    expect(() => t().core.context.db.write.prepare('UPDATE gold_label SET reason = ?').run('x')).toThrow(/append-only/);
    expect(() => t().core.context.db.write.prepare('DELETE FROM gold_label').run()).toThrow(/append-only/);
    expect((await t().call('getReviewQueue', { projectId: project.id, reviewerId: rev.id })).current!.detail.item.id).toBe(x1);
  });

  it('refuses a gold without a reason, a pick of someone without a label, and own labels the schema refuses, writing nothing', async () => {
    const { project, itemIds, ada, bob, cy, rev } = await setup(t(), ['a']);
    const x1 = itemIds[0]!;
    await label(t(), x1, ada.id, harmful);
    await label(t(), x1, bob.id, benign);
    await expect(t().call('setGoldLabel', { itemId: x1, reviewerId: rev.id, fromAnnotatorId: ada.id, labels: null, reason: '  ' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(t().call('setGoldLabel', { itemId: x1, reviewerId: rev.id, fromAnnotatorId: cy.id, labels: null, reason: 'x' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(t().call('setGoldLabel', { itemId: x1, reviewerId: rev.id, fromAnnotatorId: null, labels: { ...harmful, riskCategory: 'not_a_category' }, reason: 'x' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(t().core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM gold_label').get()!.n).toBe(0);
    expect((await t().call('undoGoldLabel', { projectId: project.id, reviewerId: rev.id })).restored).toBeNull();
  });

  it('queues responses whose verdicts disagree and sets their gold verdict', async () => {
    const { project, itemIds, ada, bob, rev } = await setup(t(), ['a']);
    const [r1, r2] = seedResponses(t().core.context.db.write, project.id, itemIds, ['base', 'ckpt']) as [number, number];
    const v = (verdict: ResponseLabelValues['verdict'], rationale: string | null = null): ResponseLabelValues => ({ verdict, helpfulness: 3, idealResponse: null, rationale });
    await t().call('submitVerdict', { responseId: r1, annotatorId: ada.id, values: v('refusal', 'declines'), timeSpentMs: 1 });
    await t().call('submitVerdict', { responseId: r1, annotatorId: bob.id, values: v('unnecessary_refusal', 'harmless question'), timeSpentMs: 1 });
    await t().call('submitVerdict', { responseId: r2, annotatorId: ada.id, values: v('answered'), timeSpentMs: 1 });
    await t().call('submitVerdict', { responseId: r2, annotatorId: bob.id, values: v('answered'), timeSpentMs: 1 });

    const q = await t().call('getResponseReviewQueue', { projectId: project.id, reviewerId: rev.id });
    expect(q.progress).toEqual({ remaining: 1, skipped: 0, adjudicated: 0 });
    expect(q.current!.response.id).toBe(r1);
    expect(q.current!.verdicts.map((l) => [l.annotatorName, l.values.verdict, l.values.rationale])).toEqual([
      ['Ada', 'refusal', 'declines'],
      ['Bob', 'unnecessary_refusal', 'harmless question'],
    ]);
    const set = await t().call('setResponseGold', { responseId: r1, reviewerId: rev.id, fromAnnotatorId: bob.id, verdict: null, reason: 'the question is harmless' });
    expect(set.gold).toMatchObject({ version: 1, verdict: 'unnecessary_refusal', sourceAnnotatorName: 'Bob' });
    expect(set.progress).toEqual({ remaining: 0, skipped: 0, adjudicated: 1 });
    // The training snapshot's responses.jsonl carries the gold verdict (only where there is one).
    await label(t(), itemIds[0]!, ada.id, benign);
    const snap = await t().call('exportProject', { projectId: project.id, format: 'snapshot' });
    const lines = readFileSync(join(snap.path, 'responses.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { model: string; gold?: unknown });
    expect(lines.map((l) => [l.model, l.gold ?? null])).toEqual([
      ['base', { verdict: 'unnecessary_refusal', helpfulness: 3, reviewer: 'Rita', reason: 'the question is harmless' }],
      ['ckpt', null],
    ]);
    const undone = await t().call('undoResponseGold', { projectId: project.id, reviewerId: rev.id });
    expect(undone.restored!.goldHistory.map((g) => g.status)).toEqual(['set', 'retracted']);
    expect(undone.progress.remaining).toBe(1);
  });
});

describe('what training and evaluation use', () => {
  async function labelled(c: TempCore) {
    const s = await setup(c, ['gold one', 'clear majority', 'split', 'two of three']);
    const [gold, clear, split, twoOfThree] = s.itemIds as [number, number, number, number];
    await label(c, gold, s.ada.id, harmful);
    await label(c, gold, s.bob.id, benign);
    for (const who of [s.ada, s.bob, s.cy]) await label(c, clear, who.id, benign);
    await label(c, split, s.ada.id, harmful);
    await label(c, split, s.bob.id, benign);
    for (const who of [s.ada, s.bob]) await label(c, twoOfThree, who.id, harmful);
    await label(c, twoOfThree, s.cy.id, benign);
    await c.call('setGoldLabel', { itemId: gold, reviewerId: s.rev.id, fromAnnotatorId: s.ada.id, labels: null, reason: 'the slur makes it harmful' });
    return s;
  }

  function snapshotLines(path: string) {
    return readFileSync(join(path, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; harmful: boolean });
  }

  it('the snapshot uses gold, else the majority with enough agreement, else leaves the item out, and counts each case', async () => {
    const { project } = await labelled(t());
    await t().call('setQualityRules', { projectId: project.id, rules: { review: 'any_disagreement', reviewMinShare: 1, trainingMinAgreement: 0.6 } });
    const result = await t().call('exportProject', { projectId: project.id, format: 'snapshot' });
    const lines = snapshotLines(result.path);
    // x1 takes Ada's label as gold (harmful); without gold the tie goes to Bob's newer benign label.
    expect(lines.map((l) => [l.id, l.harmful])).toEqual([
      ['x1', true],
      ['x2', false],
      ['x4', true],
    ]);
    const manifest = JSON.parse(readFileSync(join(result.path, 'manifest.json'), 'utf8')) as {
      label_rule: { description: string; training_min_agreement: number };
      counts: { items: number; label_source: Record<string, number>; left_out: Record<string, number> };
    };
    expect(manifest.label_rule).toEqual({
      description: 'gold label, else the majority per field with at least 60% of annotators agreeing (ties broken by the most recent label), else excluded',
      training_min_agreement: 0.6,
    });
    expect(manifest.counts.label_source).toEqual({ gold: 1, majority: 2, excluded: 1 });
    expect(manifest.counts.left_out.low_agreement).toBe(1);

    // At 0.7, two of three is no longer enough: x4 is excluded too; the gold item stays.
    await t().call('setQualityRules', { projectId: project.id, rules: { review: 'any_disagreement', reviewMinShare: 1, trainingMinAgreement: 0.7 } });
    const stricter = await t().call('exportProject', { projectId: project.id, format: 'snapshot' });
    expect(snapshotLines(stricter.path).map((l) => l.id)).toEqual(['x1', 'x2']);

    // The run's preview counts the same and its warnings say how many were left out.
    const { facts, labelSource } = await projectFacts(t().core.context, project.id);
    expect(facts).toHaveLength(2);
    expect(labelSource).toEqual({ gold: 1, majority: 1, excluded: 2, minAgreement: 0.7 });
    const warnings = runWarnings({
      settings: presetSettings('standard', new Set(['safety'])),
      stats: datasetStats(facts, labelSource),
      model: {
        name: 'm',
        status: 'ready',
        info: { modelType: 'llama', family: 'causal_lm', supported: true, unsupportedReason: null, vision: false, parameters: 1000, sizeBytes: 4000, storedBytesPerParam: 4 },
      },
      memory: { neededMb: 1, availableMb: 80_000, fits: true, basis: '' },
      hasGpu: true,
      envProblem: null,
      verifierProblem: null,
    });
    expect(warnings.find((w) => w.code === 'low_agreement_excluded')?.message).toMatch(/^2 labelled item\(s\) are left out: fewer than 70% of their annotators agree/);
  });

  it('evaluation truth follows the same rule', async () => {
    const { project } = await labelled(t());
    await t().call('setQualityRules', { projectId: project.id, rules: { review: 'any_disagreement', reviewMinShare: 1, trainingMinAgreement: 0.6 } });
    const db = t().core.context.db.read;
    const resolver = projectResolver(db, project.id);
    const truth: Record<string, [boolean | null, string]> = {};
    for await (const page of readProjectItems(db, project.id)) {
      for (const { item, history } of page) {
        const r = resolver.resolve(item.id, currentLabels(history));
        truth[item.externalId] = [itemTruth(item, r.agg).harmful, r.case];
      }
    }
    expect(truth).toEqual({ x1: [true, 'gold'], x2: [false, 'majority'], x3: [null, 'excluded'], x4: [true, 'majority'] });
  });
});
