/**
 * Evaluation splits and frozen evaluation sets: stratified and seeded, never taking items a run
 * trained on; a training snapshot never holds evaluation items; a frozen set is hashed like a
 * snapshot and records where each item's harmful / benign status came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import { computeSnapshotHash } from '../../main/core/export/snapshot.js';
import { seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const get = useTempCore();

const harmfulLabels = (category: string): LabelValues => ({ ...emptyLabels(), harmful: true, riskCategory: category, severity: 2, expected: 'refuse' });
const benignLabels = (): LabelValues => ({ ...emptyLabels(), harmful: false, expected: 'comply' });

async function project(t: TempCore) {
  const p = await t.call('createProject', { name: 'eval' });
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const items = [
    ...Array.from({ length: 16 }, (_, i) => ({ externalId: `h${i}`, text: `harmful ${i}`, sourceLabels: { expected: 'refuse', category: i % 2 ? 'weapons' : 'fraud' } })),
    ...Array.from({ length: 16 }, (_, i) => ({ externalId: `b${i}`, text: `benign ${i}`, sourceLabels: { expected: 'comply' } })),
    ...Array.from({ length: 4 }, (_, i) => ({ externalId: `u${i}`, text: `unknown ${i}` })),
  ];
  const ids = seedItems(t.core, p.id, items);
  const byExt = new Map(items.map((it, i) => [it.externalId, ids[i]!]));
  return { p, ada, byExt };
}

async function label(t: TempCore, itemId: number, annotatorId: number, labels: LabelValues) {
  await t.call('submitLabel', { itemId, annotatorId, labels, timeSpentMs: 100 });
}

/** Registers a run whose frozen snapshot is the project's current training snapshot, as startRun would. */
async function recordRun(t: TempCore, projectId: number): Promise<string[]> {
  const snap = await t.call('exportProject', { projectId, format: 'snapshot' });
  const w = t.core.context.db.write;
  w.transaction(() => {
    const model = w.prepare<{ id: number }>("INSERT INTO model (kind, source, name, path, status, created_at) VALUES ('base', 'tiny', 'tiny', '/tmp/tiny-model', 'ready', 'x') RETURNING id").get();
    w.prepare(
      `INSERT INTO run (project_id, base_model_id, name, preset, dir, config, snapshot_hash, snapshot_items, status, total_steps, created_at)
       VALUES (?, ?, 'r', 'quick', 'r1', ?, ?, ?, 'completed', 1, 'x')`,
    ).run(projectId, model!.id, JSON.stringify({ dataset: snap.path }), snap.sha256, snap.items);
  });
  return readFileSync(join(snap.path, 'items.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { id: string }).id);
}

describe('evaluation splits', () => {
  it('stratifies by task, harmful/benign and category, seeded and reproducible', async () => {
    const t = get();
    const { p } = await project(t);
    const plan = await t.call('planEvalSplit', { projectId: p.id, fraction: 0.25, seed: 7 });
    const again = await t.call('planEvalSplit', { projectId: p.id, fraction: 0.25, seed: 7 });
    const other = await t.call('planEvalSplit', { projectId: p.id, fraction: 0.25, seed: 8 });
    expect(again.itemIds).toEqual(plan.itemIds);
    expect(other.itemIds).not.toEqual(plan.itemIds);
    const stratum = (harmful: boolean | null, category: string | null) => plan.strata.find((s) => s.harmful === harmful && s.category === category);
    expect(stratum(true, 'fraud')).toMatchObject({ eligible: 8, taken: 2 });
    expect(stratum(true, 'weapons')).toMatchObject({ eligible: 8, taken: 2 });
    expect(stratum(false, null)).toMatchObject({ eligible: 16, taken: 4 });
    expect(stratum(null, null)).toMatchObject({ eligible: 4, taken: 1 });
    expect(plan.taken).toBe(9);
    // Planning changes nothing.
    const items = await t.call('listItems', { projectId: p.id, filter: { status: 'all', split: 'eval' } });
    expect(items.total).toBe(0);
  });

  it('never takes an item a run trained on, and the next training snapshot holds no evaluation item', async () => {
    const t = get();
    const { p, ada, byExt } = await project(t);
    for (let i = 0; i < 8; i++) await label(t, byExt.get(`h${i}`)!, ada.id, harmfulLabels(i % 2 ? 'indiscriminate_weapons' : 'non_violent_crimes'));
    for (let i = 0; i < 8; i++) await label(t, byExt.get(`b${i}`)!, ada.id, benignLabels());
    const trained = await recordRun(t, p.id);
    expect(trained).toHaveLength(16);

    const applied = await t.call('applyEvalSplit', { projectId: p.id, fraction: 0.5, seed: 3 });
    expect(applied.trainedOn).toBe(16);
    const trainedIds = new Set(trained.map((ext) => byExt.get(ext)));
    expect(applied.itemIds.some((id) => trainedIds.has(id))).toBe(false);
    const evalItems = await t.call('listItems', { projectId: p.id, filter: { status: 'all', split: 'eval' }, limit: 500 });
    expect(evalItems.total).toBe(applied.taken);
    expect(evalItems.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(applied.itemIds);

    // Label an evaluation item: it still never reaches a training snapshot.
    const evalItem = evalItems.rows.find((r) => r.externalId.startsWith('h'))!;
    await label(t, evalItem.id, ada.id, harmfulLabels('non_violent_crimes'));
    const snap = await t.call('exportProject', { projectId: p.id, format: 'snapshot' });
    const lines = readFileSync(join(snap.path, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; split: string });
    expect(lines.every((l) => l.split === 'train')).toBe(true);
    expect(lines.map((l) => l.id)).not.toContain(evalItem.externalId);
    const manifest = JSON.parse(readFileSync(join(snap.path, 'manifest.json'), 'utf8')) as { counts: { left_out: Record<string, number> } };
    expect(manifest.counts.left_out.evaluation_split).toBe(applied.taken);
  });

  it("refuses to plan when a run's snapshot is gone, instead of guessing what it trained on", async () => {
    const t = get();
    const { p, ada, byExt } = await project(t);
    await label(t, byExt.get('b0')!, ada.id, benignLabels());
    await recordRun(t, p.id);
    t.core.context.db.write.exec(`UPDATE run SET config = '{"dataset": "/nonexistent/snapshot"}'`);
    await expect(t.call('planEvalSplit', { projectId: p.id, fraction: 0.5 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/cannot be read/) });
  });
});

describe('frozen evaluation sets', () => {
  it('writes eval and held-out items with their truth source, hashed like a snapshot, and lists them', async () => {
    const t = get();
    const { p, ada, byExt } = await project(t);
    await t.call('applyEvalSplit', { projectId: p.id, fraction: 1, seed: 0 });
    // People's label overrides the dataset hint: h0 is hinted harmful, labelled benign.
    await label(t, byExt.get('h0')!, ada.id, benignLabels());
    const set = await t.call('freezeEvalSet', { projectId: p.id, name: 'v1' });
    expect(set).toMatchObject({ name: 'v1', items: 36, images: 0, truth: { labels: 1, hint: 31, none: 4 }, bySplit: { eval: 36 } });
    expect(await computeSnapshotHash(set.path)).toBe(set.hash);
    const lines = readFileSync(join(set.path, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.id === 'h0')).toMatchObject({ harmful: false, harmful_source: 'labels', expected: 'comply' });
    expect(lines.find((l) => l.id === 'h1')).toMatchObject({ harmful: true, harmful_source: 'hint', expected: 'refuse', category: 'weapons' });
    expect(lines.find((l) => l.id === 'u0')).toMatchObject({ harmful: null, harmful_source: 'none' });
    expect(await t.call('listEvalSets', { projectId: p.id })).toEqual([set]);
    await expect(t.call('freezeEvalSet', { projectId: p.id, name: 'v1' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a set when the project has no evaluation items', async () => {
    const t = get();
    const { p } = await project(t);
    await expect(t.call('freezeEvalSet', { projectId: p.id, name: 'empty' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/make an evaluation split/) });
    expect(await t.call('listEvalSets', { projectId: p.id })).toEqual([]);
  });
});
