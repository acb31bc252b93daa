/**
 * Quality control on real SQLite: wellbeing limits per category per day and skipped categories in
 * the queue, gold checks mixed in at the project's rate (reproducibly, without leaking their
 * answers), accuracy on them, the dashboard's figures, guideline versions recorded on labels and
 * outdated labels sent back to the queue.
 */
import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import type { StudioError } from '../../preload/contract/errors.js';
import { isGoldSlot } from '../../main/core/quality/gold.js';
import { isoWeek } from '../../main/core/quality/iso-week.js';
import { wilson } from '../../main/core/evaluation/stats/wilson.js';
import { join } from 'node:path';
import { importPath } from '../../main/core/import/index.js';
import { seedCount, seedItems, useTempCore, type TempCore } from '../helpers/core.js';

let now = new Date('2026-12-01T09:00:00.000Z');
const t = useTempCore({ clock: { now: () => now } });

const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply' };
const harmfulAs = (riskCategory: string): LabelValues => ({ ...emptyLabels(), harmful: true, riskCategory, severity: 2, expected: 'refuse' });

async function people(c: TempCore) {
  const ada = await c.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await c.call('createUser', { name: 'Bob', role: 'annotator' });
  const rev = await c.call('createUser', { name: 'Rhea', role: 'reviewer' });
  return { ada, bob, rev };
}

async function queue(c: TempCore, projectId: number, annotatorId: number, count = 10) {
  return c.call('getQueue', { projectId, annotatorId, count });
}

const ids = async (c: TempCore, projectId: number, annotatorId: number, count = 10) => (await queue(c, projectId, annotatorId, count)).items.map((d) => d.item.id);

describe('wellbeing in the queue', () => {
  it('stops serving a category for the day once the daily limit is reached, other items continue, and resumes the next day', async () => {
    now = new Date('2026-12-01T09:00:00.000Z');
    const c = t();
    const project = await c.call('createProject', { name: 'P' });
    const { ada, bob } = await people(c);
    // Dataset hints: four violence items (the importer's alias "violence" -> violent_crimes), four privacy.
    const violent = seedItems(
      c.core,
      project.id,
      [1, 2, 3, 4].map((i) => ({ externalId: `v${i}`, text: `violent ${i}`, sourceLabels: { category: 'violence' } })),
    );
    const privacy = seedItems(
      c.core,
      project.id,
      [1, 2, 3, 4].map((i) => ({ externalId: `p${i}`, text: `privacy ${i}`, sourceLabels: { category: 'privacy' } })),
    );
    await c.call('updateQualitySettings', { projectId: project.id, settings: { goldRate: 0, dailyLimits: { violent_crimes: 2 } } });

    expect((await queue(c, project.id, ada.id)).wellbeing).toEqual({ pausedToday: [], skipped: [], breakAfterMinutes: 0 });
    await c.call('submitLabel', { itemId: violent[0]!, annotatorId: ada.id, labels: harmfulAs('violent_crimes'), timeSpentMs: 1000 });
    expect(await ids(c, project.id, ada.id)).toEqual([...violent.slice(1), ...privacy]);
    await c.call('submitLabel', { itemId: violent[1]!, annotatorId: ada.id, labels: harmfulAs('violent_crimes'), timeSpentMs: 1000 });

    const stopped = await queue(c, project.id, ada.id);
    expect(stopped.items.map((d) => d.item.id)).toEqual(privacy);
    expect(stopped.wellbeing?.pausedToday).toEqual([{ category: 'violent_crimes', seen: 2, limit: 2 }]);
    // Someone else still gets them; an item another annotator labelled violent is also kept from Ada.
    expect(await ids(c, project.id, bob.id)).toEqual([...violent.slice(2), ...privacy]);
    await c.call('submitLabel', { itemId: privacy[0]!, annotatorId: bob.id, labels: harmfulAs('violent_crimes'), timeSpentMs: 1000 });
    expect(await ids(c, project.id, ada.id)).toEqual(privacy.slice(1));

    // Benign labels or other categories do not count towards the limit.
    await c.call('submitLabel', { itemId: privacy[1]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1000 });
    expect((await queue(c, project.id, ada.id)).wellbeing?.pausedToday).toEqual([{ category: 'violent_crimes', seen: 2, limit: 2 }]);

    now = new Date('2026-12-02T00:00:01.000Z');
    const nextDay = await queue(c, project.id, ada.id);
    expect(nextDay.wellbeing?.pausedToday).toEqual([]);
    expect(nextDay.items.map((d) => d.item.id)).toEqual([violent[2]!, violent[3]!, privacy[2]!, privacy[3]!]);
  });

  it('never serves a category the person chose to skip, in any part of the queue, and keeps the choice per person', async () => {
    now = new Date('2026-12-01T09:00:00.000Z');
    const c = t();
    const project = await c.call('createProject', { name: 'P' });
    const { ada, bob } = await people(c);
    const [selfHarm, hate, plain] = seedItems(c.core, project.id, [
      { externalId: 's', text: 'self harm', sourceLabels: { category: 'Self-Harm' } },
      { externalId: 'h', text: 'hate', sourceLabels: { category: 'hate' } },
      { externalId: 'x', text: 'plain' },
    ]);
    // Ada skips hate before choosing her categories: the skip must not bring it back either.
    await c.call('skipItem', { itemId: hate!, annotatorId: ada.id });
    const saved = await c.call('updatePersonSettings', { userId: ada.id, settings: { skipCategories: ['suicide_and_self_harm', 'hate'], breakAfterMinutes: 45 } });
    expect(saved).toEqual({ skipCategories: ['suicide_and_self_harm', 'hate'], breakAfterMinutes: 45 });
    expect(await c.call('getPersonSettings', { userId: ada.id })).toEqual(saved);

    const q = await queue(c, project.id, ada.id);
    expect(q.items.map((d) => d.item.id)).toEqual([plain]);
    expect(q.wellbeing).toEqual({ pausedToday: [], skipped: ['hate', 'suicide_and_self_harm'], breakAfterMinutes: 45 });
    expect(await ids(c, project.id, ada.id)).toEqual([plain]);
    const shuffled = await c.call('getQueue', { projectId: project.id, annotatorId: ada.id, count: 10, shuffle: true });
    expect(shuffled.items.map((d) => d.item.id)).toEqual([plain]);
    expect(await ids(c, project.id, bob.id)).toEqual([selfHarm, hate, plain]);

    const bad = (await c.call('updatePersonSettings', { userId: ada.id, settings: { skipCategories: ['Not A Slug'], breakAfterMinutes: 0 } }).catch((e: unknown) => e)) as StudioError;
    expect(bad.code).toBe('invalid_input');
    expect(await c.call('getPersonSettings', { userId: ada.id })).toEqual(saved);
  });
});

describe('gold checks', () => {
  async function goldProject(c: TempCore, n: number, gold: number, goldRate: number) {
    const project = await c.call('createProject', { name: 'G', annotatorsPerItem: 3 });
    const all = seedCount(c.core, project.id, n);
    const { ada, bob, rev } = await people(c);
    const goldIds = all.slice(n - gold);
    for (const itemId of goldIds) await c.call('markGoldCheck', { itemId, reviewerId: rev.id, expected: { harmful: true, riskCategory: 'hate' } });
    await c.call('updateQualitySettings', { projectId: project.id, settings: { goldRate, dailyLimits: {} } });
    return { project, all, goldIds, ada, bob, rev };
  }

  it('mixes gold checks into each queue at the chosen rate, seeded per annotator, reproducibly', async () => {
    const c = t();
    const { project, goldIds, ada, bob } = await goldProject(c, 400, 100, 0.2);
    const gold = new Set(goldIds);
    // Label 200 items as the queue serves them; record which were gold.
    const servedTo = async (annotatorId: number) => {
      const served: number[] = [];
      for (let i = 0; i < 200; i++) {
        const next = (await queue(c, project.id, annotatorId, 3)).items[0]!.item.id;
        served.push(next);
        await c.call('submitLabel', { itemId: next, annotatorId, labels: benign, timeSpentMs: 100 });
      }
      return served;
    };
    const adaServed = await servedTo(ada.id);
    const adaGold = adaServed.map((id) => gold.has(id));
    // Exactly the slots the seeded draw chose hold gold checks (slot p = the p-th item served).
    expect(adaGold).toEqual(adaServed.map((_, p) => isGoldSlot(project.id, ada.id, p, 0.2)));
    const share = adaGold.filter(Boolean).length / 200;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.28);
    const bobServed = await servedTo(bob.id);
    const bobGold = bobServed.map((id) => gold.has(id));
    expect(bobGold).toEqual(bobServed.map((_, p) => isGoldSlot(project.id, bob.id, p, 0.2)));
    expect(bobGold).not.toEqual(adaGold);
  });

  it('keeps every item reachable with gold checks mixed in, and serves them as plain items at rate 0', async () => {
    const c = t();
    const { project, all, goldIds, ada } = await goldProject(c, 6, 2, 0.5);
    const first = await ids(c, project.id, ada.id, 10);
    // Every item is reachable: ordinary ones in their slots, the rest of the gold checks at the end.
    expect([...first].sort((a, b) => a - b)).toEqual(all);
    expect(first.filter((id) => goldIds.includes(id))).toHaveLength(2);
    await c.call('updateQualitySettings', { projectId: project.id, settings: { goldRate: 0, dailyLimits: {} } });
    expect(await ids(c, project.id, ada.id, 10)).toEqual(all);
  });

  it('never puts the known answers in the queue payload', async () => {
    const c = t();
    const project = await c.call('createProject', { name: 'Leak' });
    const [goldId] = seedItems(c.core, project.id, [{ externalId: 'g1', text: 'an ordinary looking prompt' }]);
    const { ada, rev } = await people(c);
    await c.call('markGoldCheck', { itemId: goldId!, reviewerId: rev.id, expected: { harmful: true, riskCategory: 'defamation', jailbreakType: 'obfuscation', crossModalRisk: 'combined' } });
    await c.call('updateQualitySettings', { projectId: project.id, settings: { goldRate: 0.5, dailyLimits: {} } });
    const q = await queue(c, project.id, ada.id);
    expect(q.items.map((d) => d.item.id)).toEqual([goldId]);
    const payload = JSON.stringify(q);
    for (const secret of ['defamation', 'obfuscation', 'combined', 'gold', 'expected']) expect(payload).not.toContain(secret);
    // Annotators cannot list them either.
    const refused = (await c.call('listGoldChecks', { projectId: project.id, reviewerId: ada.id }).catch((e: unknown) => e)) as StudioError;
    expect(refused.code).toBe('unauthorized');
    const marking = (await c.call('markGoldCheck', { itemId: goldId!, reviewerId: ada.id, expected: { harmful: false } }).catch((e: unknown) => e)) as StudioError;
    expect(marking.code).toBe('unauthorized');
  });

  it('refuses known answers outside the taxonomy and an empty answer', async () => {
    const c = t();
    const project = await c.call('createProject', { name: 'P' });
    const [item] = seedCount(c.core, project.id, 1);
    const { rev } = await people(c);
    const outside = (await c.call('markGoldCheck', { itemId: item!, reviewerId: rev.id, expected: { riskCategory: 'weather' } }).catch((e: unknown) => e)) as StudioError;
    expect(outside.code).toBe('invalid_input');
    expect(outside.message).toContain('weather');
    const empty = (await c.call('markGoldCheck', { itemId: item!, reviewerId: rev.id, expected: {} }).catch((e: unknown) => e)) as StudioError;
    expect(empty.code).toBe('invalid_input');
    expect(await c.call('listGoldChecks', { projectId: project.id, reviewerId: rev.id })).toEqual([]);
  });

  it('measures each annotator on them: accuracy with its Wilson interval and n, on the dashboard and per week', async () => {
    now = new Date('2026-11-24T10:00:00.000Z'); // ISO week 2026-W48
    const c = t();
    const project = await c.call('createProject', { name: 'Acc', annotatorsPerItem: 3 });
    const items = seedCount(c.core, project.id, 6);
    const { ada, bob, rev } = await people(c);
    for (const itemId of items.slice(0, 5)) await c.call('markGoldCheck', { itemId, reviewerId: rev.id, expected: { harmful: true, riskCategory: 'hate' } });
    // Ada: 3 of 4 right in W48, then 1 wrong in W49; Bob: both right (one field more than checked differs: still right).
    const label = (itemId: number, annotatorId: number, labels: LabelValues) => c.call('submitLabel', { itemId, annotatorId, labels, timeSpentMs: 6000 });
    for (const itemId of items.slice(0, 3)) await label(itemId, ada.id, harmfulAs('hate'));
    await label(items[3]!, ada.id, harmfulAs('privacy'));
    await label(items[0]!, bob.id, harmfulAs('hate'));
    await label(items[1]!, bob.id, { ...harmfulAs('hate'), severity: 3 });
    now = new Date('2026-12-01T10:00:00.000Z'); // 2026-W49
    await label(items[4]!, ada.id, benign);
    await label(items[5]!, ada.id, benign); // not a gold check

    const list = await c.call('listGoldChecks', { projectId: project.id, reviewerId: rev.id });
    expect(list.map((g) => [g.itemId, g.answered, g.correct])).toEqual([
      [items[0], 2, 2],
      [items[1], 2, 2],
      [items[2], 1, 1],
      [items[3], 1, 0],
      [items[4], 1, 0],
    ]);
    const dash = await c.call('getQualityDashboard', { projectId: project.id });
    expect(dash.goldChecks).toBe(5);
    const a = dash.annotators.find((x) => x.name === 'Ada')!;
    const expected = wilson(3, 5);
    expect(a.gold).toEqual({ value: 0.6, low: expected.low, high: expected.high, n: 5 });
    expect(a.weeks.map((w) => [w.week, w.labels, w.gold.value, w.gold.n])).toEqual([
      ['2026-W48', 4, 0.75, 4],
      ['2026-W49', 2, 0, 1],
    ]);
    const b = dash.annotators.find((x) => x.name === 'Bob')!;
    expect(b.gold).toMatchObject({ value: 1, n: 2 });
    // Unmarking takes an item out of the measure.
    expect(await c.call('unmarkGoldCheck', { itemId: items[4]!, reviewerId: rev.id })).toEqual({ removed: true });
    const after = (await c.call('getQualityDashboard', { projectId: project.id })).annotators.find((x) => x.name === 'Ada')!;
    expect(after.gold).toMatchObject({ value: 0.75, n: 4 });
  });
});

describe('annotator dashboard', () => {
  it('reports speed, median time, agreement with the majority as getAgreement does, drift per week, flags and warnings', async () => {
    now = new Date('2026-11-24T10:00:00.000Z');
    const c = t();
    const project = await c.call('createProject', { name: 'D', annotatorsPerItem: 3 });
    const items = seedCount(c.core, project.id, 30);
    const { ada, bob, rev } = await people(c);
    const cy = await c.call('createUser', { name: 'Cy', role: 'annotator' });
    const label = (itemId: number, annotatorId: number, labels: LabelValues, ms: number) => c.call('submitLabel', { itemId, annotatorId, labels, timeSpentMs: ms });
    for (const [i, itemId] of items.entries()) {
      if (i === 15) now = new Date('2026-12-01T10:00:00.000Z');
      await label(itemId, ada.id, benign, 4000);
      await label(itemId, bob.id, benign, 8000);
      // Cy agrees in the first week, then labels everything harmful: drift.
      await label(itemId, cy.id, i < 15 ? benign : harmfulAs('privacy'), 1000);
    }
    await c.call('setFlag', { itemId: items[0]!, annotatorId: cy.id, flagged: true, note: 'odd' });
    await c.call('setFlag', { itemId: items[1]!, annotatorId: cy.id, flagged: true, note: 'odd' });
    const dash = await c.call('getQualityDashboard', { projectId: project.id });
    expect(dash.annotators.map((a) => a.name)).toEqual(['Ada', 'Bob', 'Cy']);
    const [a, , cyq] = dash.annotators;
    expect(a!.labels).toBe(30);
    expect(a!.itemsPerHour).toBeCloseTo(30 / ((30 * 4000) / 3_600_000), 6);
    expect(a!.medianTimeMs).toBe(4000);
    expect(cyq!.flagged).toBe(2);
    // The overall figure is getAgreement's own.
    const agreement = await c.call('getAgreement', { projectId: project.id, resamples: 10 });
    for (const q of dash.annotators) {
      const g = agreement.annotators.find((x) => x.name === q.name)!;
      expect(q.agreement).toBeCloseTo(g.majority!, 12);
      expect(q.agreementN).toBe(g.majorityCompared);
    }
    expect(cyq!.weeks.map((w) => [w.week, w.labels, w.agreement])).toEqual([
      ['2026-W48', 15, 1],
      ['2026-W49', 15, expect.any(Number)],
    ]);
    expect(cyq!.weeks[1]!.agreement!).toBeLessThan(0.7);
    expect(cyq!.warnings.some((w) => w.startsWith('agreement fell from 100% (2026-W48)'))).toBe(true);
    expect(cyq!.warnings.some((w) => w.includes('too fast'))).toBe(true);
    expect(a!.warnings).toEqual([]);
    // Wellbeing: today's harmful items per category.
    expect(cyq!.seenToday).toEqual({ privacy: 15 });
    expect(a!.seenToday).toEqual({});
    expect(rev.role).toBe('reviewer');
  });

  it('names ISO weeks the ISO way across a year boundary', () => {
    expect(isoWeek('2026-12-28T12:00:00.000Z')).toBe('2026-W53');
    expect(isoWeek('2027-01-03T23:59:59.000Z')).toBe('2026-W53');
    expect(isoWeek('2027-01-04T00:00:00.000Z')).toBe('2027-W01');
    expect(isoWeek('2025-12-29T00:00:00.000Z')).toBe('2026-W01');
  });
});

describe('guideline versions', () => {
  it('records the guideline version on every label and keeps versions append-only', async () => {
    const c = t();
    const project = await c.call('createProject', { name: 'V', guidelines: 'v1 text' });
    const items = seedCount(c.core, project.id, 3);
    const { ada } = await people(c);
    const first = await c.call('submitLabel', { itemId: items[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 10 });
    expect(first.annotation.guidelineVersion).toBe(1);
    await c.call('updateProject', { projectId: project.id, patch: { guidelines: 'v2 text: refuse more' } });
    await c.call('updateProject', { projectId: project.id, patch: { name: 'V renamed' } }); // no new version
    const second = await c.call('submitLabel', { itemId: items[1]!, annotatorId: ada.id, labels: benign, timeSpentMs: 10 });
    expect(second.annotation.guidelineVersion).toBe(2);
    const edit = await c.call('saveAnnotation', { itemId: items[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 10 });
    expect(edit.guidelineVersion).toBe(2);
    const versions = await c.call('listGuidelineVersions', { projectId: project.id });
    expect(versions.map((v) => [v.version, v.text, v.labels])).toEqual([
      [2, 'v2 text: refuse more', 2],
      [1, 'v1 text', 0],
    ]);
    expect(() => c.core.context.db.write.prepare("UPDATE guideline_version SET text = 'x' WHERE project_id = ?").run(project.id)).toThrow(/append-only/);
  });

  it('sends labels made under an older version back to the queue, keeping the old labels in history', async () => {
    const c = t();
    const project = await c.call('createProject', { name: 'S', guidelines: 'v1', annotatorsPerItem: 1 });
    const items = seedCount(c.core, project.id, 4);
    const { ada, bob, rev } = await people(c);
    await c.call('submitLabel', { itemId: items[0]!, annotatorId: ada.id, labels: harmfulAs('hate'), timeSpentMs: 10 });
    await c.call('submitLabel', { itemId: items[1]!, annotatorId: bob.id, labels: benign, timeSpentMs: 10 });
    await c.call('updateProject', { projectId: project.id, patch: { guidelines: 'v2' } });
    await c.call('submitLabel', { itemId: items[2]!, annotatorId: ada.id, labels: benign, timeSpentMs: 10 });
    expect(await ids(c, project.id, ada.id)).toEqual([items[3]]);

    const refused = (await c.call('sendBackOutdated', { projectId: project.id, reviewerId: ada.id }).catch((e: unknown) => e)) as StudioError;
    expect(refused.code).toBe('unauthorized');
    const sent = await c.call('sendBackOutdated', { projectId: project.id, reviewerId: rev.id });
    expect(sent).toMatchObject({ labels: 2, items: 2 });
    // Back at the front of their annotators' queues (and open to others again); the label made under v2 stays.
    expect(await ids(c, project.id, ada.id)).toEqual([items[0], items[1], items[3]]);
    expect(await ids(c, project.id, bob.id)).toEqual([items[1], items[0], items[3]]);
    const detail = await c.call('getItem', { itemId: items[0]! });
    expect(detail.annotations).toEqual([]);
    expect(detail.history.map((h) => [h.version, h.status, h.labels.riskCategory, h.guidelineVersion])).toEqual([
      [1, 'submitted', 'hate', 1],
      [2, 'retracted', 'hate', 2],
    ]);
    const linked = c.core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM send_back_annotation WHERE send_back_id = ?').get(sent.sendBackId);
    expect(linked?.n).toBe(2);
    // Re-labelled under v2; a second send-back has nothing to do.
    await c.call('submitLabel', { itemId: items[0]!, annotatorId: ada.id, labels: harmfulAs('privacy'), timeSpentMs: 10 });
    expect((await c.call('getItem', { itemId: items[0]! })).annotations[0]!.guidelineVersion).toBe(2);
    await c.call('submitLabel', { itemId: items[1]!, annotatorId: bob.id, labels: benign, timeSpentMs: 10 });
    expect(await c.call('sendBackOutdated', { projectId: project.id, reviewerId: rev.id })).toEqual({ sendBackId: null, labels: 0, items: 0 });
  });

  it('leaves imported labels (made under no guidelines of ours) alone', async () => {
    const c = t();
    const project = await c.call('createProject', { name: 'I', guidelines: 'v1', annotatorsPerItem: 2 });
    await importPath(c.core.context, { projectId: project.id, path: join(__dirname, '../fixtures/import/with-annotations.jsonl') });
    const rev = await c.call('createUser', { name: 'Rhea', role: 'reviewer' });
    await c.call('updateProject', { projectId: project.id, patch: { guidelines: 'v2' } });
    const heads = c.core.context.db.read.prepare<{ n: number }>("SELECT COUNT(*) AS n FROM annotation_head WHERE project_id = ? AND status = 'submitted'").get(project.id)!.n;
    expect(heads).toBeGreaterThan(0);
    expect(await c.call('sendBackOutdated', { projectId: project.id, reviewerId: rev.id })).toEqual({ sendBackId: null, labels: 0, items: 0 });
  });
});
