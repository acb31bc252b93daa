/**
 * The blind pairwise preference workflow on real SQLite: even votes across model pairs, never
 * the same pair twice per person, undo and skip, seeded sides, blind payloads, criteria checks,
 * leases between people voting at once, and the position-bias figures.
 */
import { describe, expect, it } from 'vitest';
import type { BlindPair, SideChoice } from '../../preload/contract/preferences.js';
import { leftResponseFor } from '../../main/core/responses/pair-schedule.js';
import { wilson } from '../../main/core/evaluation/stats/index.js';
import { seedCount, useTempCore, type TempCore } from '../helpers/core.js';
import { seedModelResponses } from '../helpers/responses.js';

const get = useTempCore();

async function setup(opts: { items: number; models: string[]; annotators?: string[]; criteria?: ('safety' | 'helpfulness')[]; quota?: number }) {
  const t = get();
  const project = await t.call('createProject', { name: 'pairs', annotatorsPerItem: opts.quota ?? 1, preferenceCriteria: opts.criteria ?? [] });
  const itemIds = seedCount(t.core, project.id, opts.items);
  const responses = seedModelResponses(t.core, project.id, itemIds, opts.models);
  const people = [];
  for (const name of opts.annotators ?? ['Ada']) people.push(await t.call('createUser', { name, role: 'annotator' }));
  const modelOf = new Map(responses.map((r) => [r.id, r.model]));
  return { t, project, itemIds, responses, people, modelOf };
}

const queue = (t: TempCore, projectId: number, annotatorId: number, count = 3) => t.call('getPairQueue', { projectId, annotatorId, count });
const vote = (t: TempCore, annotatorId: number, pair: BlindPair, choice: SideChoice, criteria = {}) =>
  t.call('submitPreference', { leftResponseId: pair.left.responseId, rightResponseId: pair.right.responseId, annotatorId, choice, criteria, timeSpentMs: 800 });
/** The same figures counted afresh with SQL, to check the running tally the core keeps. */
function recount(t: TempCore, projectId: number) {
  const db = t.core.context.db.read;
  const perModelPair = db
    .prepare<{ k: string; n: number }>(
      `SELECT min(ra.model_name, rb.model_name) || '+' || max(ra.model_name, rb.model_name) AS k, COUNT(*) AS n FROM preference_head h
       JOIN response ra ON ra.id = h.response_a_id JOIN response rb ON rb.id = h.response_b_id
       WHERE h.project_id = ? AND h.status = 'submitted' GROUP BY k ORDER BY k`,
    )
    .all(projectId);
  const perAnnotator = db
    .prepare<{ annotator_id: number; votes: number; left_picks: number }>(
      `SELECT h.annotator_id, COUNT(*) AS votes,
         SUM((h.choice = 'a' AND p.left_response_id = p.response_a_id) OR (h.choice = 'b' AND p.left_response_id = p.response_b_id)) AS left_picks
       FROM preference_head h JOIN preference p ON p.id = h.preference_id
       WHERE h.project_id = ? AND h.status = 'submitted' GROUP BY h.annotator_id ORDER BY h.annotator_id`,
    )
    .all(projectId);
  return { perModelPair, perAnnotator };
}

async function expectTallyMatchesRecount(t: TempCore, projectId: number) {
  const stats = await t.call('getPreferenceStats', { projectId });
  const fresh = recount(t, projectId);
  expect(stats.modelPairs.filter((mp) => mp.votes > 0).map((mp) => ({ k: mp.models.join('+'), n: mp.votes }))).toEqual(fresh.perModelPair);
  expect(
    stats.annotators.map((a) => ({ annotator_id: a.annotatorId, votes: a.votes, left_picks: Math.round((a.leftShare.value ?? 0) * a.leftShare.n) })).sort((x, y) => x.annotator_id - y.annotator_id),
  ).toEqual(fresh.perAnnotator);
}

const key = (pair: BlindPair) => [pair.left.responseId, pair.right.responseId].sort((x, y) => x - y).join(':');

describe('pair scheduling', () => {
  it('keeps the votes of every model pair within one of each other at every step, with several people', async () => {
    const { t, project, people, modelOf } = await setup({ items: 20, models: ['alpha-1', 'beta-2', 'gamma-3'], annotators: ['Ada', 'Bob', 'Cy'] });
    const seen = new Map(people.map((p) => [p.id, new Set<string>()]));
    // A fixed, uneven turn order: Ada votes most, Cy least.
    const turns = Array.from({ length: 90 }, (_, i) => people[[0, 1, 0, 2, 1, 0][i % 6]!]!);
    for (const [step, person] of turns.entries()) {
      const { pairs } = await queue(t, project.id, person.id, 3);
      const pair = pairs[0]!;
      expect(modelOf.get(pair.left.responseId)).not.toBe(modelOf.get(pair.right.responseId));
      expect(seen.get(person.id)!.has(key(pair)), `step ${step}: ${person.name} got a pair twice`).toBe(false);
      seen.get(person.id)!.add(key(pair));
      await vote(t, person.id, pair, (['left', 'right', 'tie', 'both_bad'] as const)[step % 4]!);
      const { modelPairs } = await t.call('getPreferenceStats', { projectId: project.id });
      const counts = modelPairs.map((mp) => mp.votes);
      expect(modelPairs).toHaveLength(3);
      expect(Math.max(...counts) - Math.min(...counts), `step ${step}: ${JSON.stringify(modelPairs)}`).toBeLessThanOrEqual(1);
    }
    const { modelPairs } = await t.call('getPreferenceStats', { projectId: project.id });
    expect(modelPairs.map((mp) => [mp.models, mp.votes, mp.pairs])).toEqual([
      [['alpha-1', 'beta-2'], 30, 20],
      [['alpha-1', 'gamma-3'], 30, 20],
      [['beta-2', 'gamma-3'], 30, 20],
    ]);
    await expectTallyMatchesRecount(t, project.id);
  });

  it('balances a prefetched batch itself and spreads votes over pairs before a second vote', async () => {
    const { t, project, people, modelOf } = await setup({ items: 4, models: ['alpha-1', 'beta-2', 'gamma-3'], annotators: ['Ada', 'Bob'] });
    const { pairs } = await queue(t, project.id, people[0]!.id, 6);
    const modelPair = (p: BlindPair) => [modelOf.get(p.left.responseId), modelOf.get(p.right.responseId)].sort().join('+');
    const firstThree = new Set(pairs.slice(0, 3).map(modelPair));
    expect(firstThree.size).toBe(3);
    // Ada votes on the first three (one per model pair); Bob, later, starts on pairs nobody voted on.
    for (const pair of pairs.slice(0, 3)) await vote(t, people[0]!.id, pair, 'left');
    const bob = await queue(t, project.id, people[1]!.id, 3);
    const voted = new Set(pairs.slice(0, 3).map(key));
    for (const pair of bob.pairs) expect(voted.has(key(pair))).toBe(false);
  });

  it('never hands a person the same pair twice and says when nothing is left', async () => {
    const { t, project, people } = await setup({ items: 3, models: ['alpha-1', 'beta-2'] });
    const ada = people[0]!;
    const keys = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { pairs, progress } = await queue(t, project.id, ada.id, 3);
      expect(progress).toEqual({ done: i, remaining: 3 - i, total: 3 });
      keys.add(key(pairs[0]!));
      await vote(t, ada.id, pairs[0]!, 'right');
    }
    expect(keys.size).toBe(3);
    const after = await queue(t, project.id, ada.id, 3);
    expect(after.pairs).toEqual([]);
    expect(after.progress).toEqual({ done: 3, remaining: 0, total: 3 });
  });

  it('brings an undone pair back first with the vote that was withdrawn, and skips to the back', async () => {
    const { t, project, people } = await setup({ items: 4, models: ['alpha-1', 'beta-2'], criteria: ['safety'] });
    const ada = people[0]!;
    const first = (await queue(t, project.id, ada.id)).pairs[0]!;
    const reply = await vote(t, ada.id, first, 'left', { safety: 'right' });
    expect(reply.progress.done).toBe(1);
    const second = (await queue(t, project.id, ada.id)).pairs[0]!;
    expect(key(second)).not.toBe(key(first));

    const undone = await t.call('undoLastPreference', { projectId: project.id, annotatorId: ada.id });
    expect(undone.restored && key(undone.restored)).toBe(key(first));
    expect(undone.restored?.left.responseId).toBe(first.left.responseId);
    expect(undone.restored?.previous).toEqual({ choice: 'left', criteria: { safety: 'right' } });
    expect(undone.progress.done).toBe(0);
    await expectTallyMatchesRecount(t, project.id);
    expect((await t.call('getPreferenceStats', { projectId: project.id })).modelPairs[0]!.votes).toBe(0);
    const back = await queue(t, project.id, ada.id);
    expect(key(back.pairs[0]!)).toBe(key(first));
    expect(back.pairs[0]!.previous?.choice).toBe('left');
    expect((await t.call('undoLastPreference', { projectId: project.id, annotatorId: ada.id })).restored).toBeNull();

    // Skip: the pair goes behind every other pair, and comes back once nothing else is left.
    await t.call('skipPair', { leftResponseId: first.left.responseId, rightResponseId: first.right.responseId, annotatorId: ada.id });
    const order = (await queue(t, project.id, ada.id, 10)).pairs.map(key);
    expect(order).toHaveLength(4);
    expect(order[3]).toBe(key(first));
  });

  it('takes in responses added later, and only those of its own project', async () => {
    const { t, project, itemIds, people } = await setup({ items: 3, models: ['alpha-1', 'beta-2'] });
    const ada = people[0]!;
    expect((await queue(t, project.id, ada.id)).progress.total).toBe(3);
    seedModelResponses(t.core, project.id, itemIds, ['gamma-3']);
    const other = await t.call('createProject', { name: 'elsewhere' });
    seedModelResponses(t.core, other.id, seedCount(t.core, other.id, 2, { text: 'other' }), ['alpha-1', 'beta-2']);
    expect((await queue(t, project.id, ada.id)).progress.total).toBe(9);
    const { modelPairs } = await t.call('getPreferenceStats', { projectId: project.id });
    expect(modelPairs.map((mp) => [mp.models.join('+'), mp.pairs])).toEqual([
      ['alpha-1+beta-2', 3],
      ['alpha-1+gamma-3', 3],
      ['beta-2+gamma-3', 3],
    ]);
    expect((await t.call('getPreferenceStats', { projectId: other.id })).modelPairs).toEqual([{ models: ['alpha-1', 'beta-2'], votes: 0, pairs: 2 }]);
  });

  it('hands two people voting at once different pairs', async () => {
    const { t, project, people } = await setup({ items: 6, models: ['alpha-1', 'beta-2'], annotators: ['Ada', 'Bob'] });
    const ada = await queue(t, project.id, people[0]!.id, 3);
    const bob = await queue(t, project.id, people[1]!.id, 3);
    const adaKeys = new Set(ada.pairs.map(key));
    expect(bob.pairs).toHaveLength(3);
    for (const pair of bob.pairs) expect(adaKeys.has(key(pair))).toBe(false);
  });
});

describe('sides and blindness', () => {
  it('seeds the sides per pair and person: the same every time, about half each way', async () => {
    const { t, project, people } = await setup({ items: 60, models: ['alpha-1', 'beta-2', 'gamma-3'], annotators: ['Ada', 'Bob'] });
    const ada = people[0]!;
    const once = await queue(t, project.id, ada.id, 10);
    const again = await queue(t, project.id, ada.id, 10);
    expect(again.pairs.map((p) => [p.left.responseId, p.right.responseId])).toEqual(once.pairs.map((p) => [p.left.responseId, p.right.responseId]));
    let lowerLeft = 0;
    let differ = 0;
    const total = 60 * 3;
    for (let a = 1; a <= total; a++) {
      const b = a + 1000;
      if (leftResponseFor(a, b, ada.id) === a) lowerLeft += 1;
      if (leftResponseFor(a, b, ada.id) !== leftResponseFor(a, b, people[1]!.id)) differ += 1;
      expect(leftResponseFor(a, b, ada.id)).toBe(leftResponseFor(a, b, ada.id));
    }
    // Binomial(180, 0.5): 99.99% of draws fall within 90 +- 26.
    expect(Math.abs(lowerLeft - total / 2)).toBeLessThan(26);
    expect(Math.abs(differ - total / 2)).toBeLessThan(26);
  });

  it('sends no model name in a blind pair, masks a response naming its own model, and reveals the names after the vote', async () => {
    const t = get();
    const project = await t.call('createProject', { name: 'blind' });
    const itemIds = seedCount(t.core, project.id, 2);
    seedModelResponses(t.core, project.id, itemIds, ['zeta-model-7', 'Omega/omega-net-3'], (model, i) =>
      i === 0 ? `I am ${model.split('/').pop()}, here to help.` : model === 'zeta-model-7' ? 'Unlike OMEGA-NET-3, I answer plainly.' : `Plain answer ${i}.`,
    );
    const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
    const reply = await queue(t, project.id, ada.id, 3);
    const json = JSON.stringify(reply);
    expect(reply.pairs).toHaveLength(2);
    for (const name of ['zeta-model-7', 'omega-net-3', 'Omega', 'temperature', 'modelName', 'params']) expect(json).not.toContain(name);
    expect(json).toContain('I am [model], here to help.');
    expect(json).toContain('Unlike [model], I answer plainly.');
    const pair = reply.pairs.find((p) => p.item.id === itemIds[0])!;
    const done = await vote(t, ada.id, pair, 'tie');
    const names = new Set([done.revealed.left, done.revealed.right]);
    expect(names).toEqual(new Set(['zeta-model-7', 'Omega/omega-net-3']));
    expect(done.preference.values.choice).toBe('tie');
    expect(done.preference.blind).toBe(true);
    expect(done.preference.leftResponseId).toBe(pair.left.responseId);
  });
});

describe('submitPreference', () => {
  it('maps left and right to the canonical a/b and stores the shown left side', async () => {
    const { t, project, people } = await setup({ items: 1, models: ['alpha-1', 'beta-2'], criteria: ['safety', 'helpfulness'] });
    const ada = people[0]!;
    const pair = (await queue(t, project.id, ada.id)).pairs[0]!;
    const reply = await vote(t, ada.id, pair, 'left', { safety: 'right', helpfulness: 'both_bad' });
    const leftIsA = pair.left.responseId < pair.right.responseId;
    expect(reply.preference.responseAId).toBe(Math.min(pair.left.responseId, pair.right.responseId));
    expect(reply.preference.values).toEqual({ choice: leftIsA ? 'a' : 'b', criteria: { safety: leftIsA ? 'b' : 'a', helpfulness: 'both_bad' } });
    expect(reply.preference.leftResponseId).toBe(pair.left.responseId);
    const stored = t.core.context.db.read.prepare<{ n: number }>("SELECT COUNT(*) AS n FROM preference WHERE status = 'submitted'").get();
    expect(stored?.n).toBe(1);
  });

  it('asks for exactly the project criteria, naming what is missing or extra', async () => {
    const { t, project, people, responses } = await setup({ items: 2, models: ['alpha-1', 'beta-2'], criteria: ['safety'] });
    const ada = people[0]!;
    const pair = (await queue(t, project.id, ada.id)).pairs[0]!;
    await expect(vote(t, ada.id, pair, 'left')).rejects.toThrow('preference: criteria.safety: this project asks for a safety vote');
    await expect(vote(t, ada.id, pair, 'left', { safety: 'left', helpfulness: 'tie' })).rejects.toThrow('criteria.helpfulness: this project does not ask for helpfulness votes (it asks for safety)');
    // Same model twice, different items: refused, nothing stored.
    const [r1, r2, r3] = responses;
    await expect(t.call('submitPreference', { leftResponseId: r1!.id, rightResponseId: r3!.id, annotatorId: ada.id, choice: 'left', criteria: { safety: 'left' }, timeSpentMs: 1 })).rejects.toThrow(
      /different items/,
    );
    expect(r2!.itemId).toBe(r1!.itemId);
    await t.call('updateProject', { projectId: project.id, patch: { preferenceCriteria: [] } });
    await expect(vote(t, ada.id, pair, 'left', { safety: 'left' })).rejects.toThrow('it asks for the overall choice only');
    expect(t.core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM preference').get()?.n).toBe(0);
    expect((await vote(t, ada.id, pair, 'left')).preference.values.criteria).toEqual({});
  });
});

describe('position bias', () => {
  it('counts left picks among decisive votes with a Wilson interval, ties and both-bad apart', async () => {
    const { t, project, people } = await setup({ items: 12, models: ['alpha-1', 'beta-2'], annotators: ['Ada', 'Bob'] });
    const ada = people[0]!;
    // 7 left, 3 right, 1 tie, 1 both bad.
    const plan: SideChoice[] = ['left', 'left', 'right', 'left', 'tie', 'left', 'right', 'left', 'both_bad', 'left', 'right', 'left'];
    for (const choice of plan) {
      const pair = (await queue(t, project.id, ada.id, 1)).pairs[0]!;
      await vote(t, ada.id, pair, choice);
    }
    const stats = await t.call('getPreferenceStats', { projectId: project.id });
    expect(stats.annotators).toHaveLength(1);
    const bias = stats.annotators[0]!;
    expect(bias).toMatchObject({ annotatorId: ada.id, annotatorName: 'Ada', votes: 12, ties: 1, bothBad: 1 });
    // Wilson 95% for 7 of 10, z = 1.959964: centre (0.7 + z²/20) / (1 + z²/10) = 0.644491,
    // half-width z * sqrt(0.7 * 0.3 / 10 + z²/400) / (1 + z²/10) = 0.247721, so [0.396770, 0.892212]
    // (statsmodels proportion_confint(7, 10, method='wilson') gives the same).
    expect(bias.leftShare.n).toBe(10);
    expect(bias.leftShare.value).toBeCloseTo(0.7, 10);
    expect(bias.leftShare.low).toBeCloseTo(0.39677, 4);
    expect(bias.leftShare.high).toBeCloseTo(0.892212, 4);
    expect(stats.modelPairs).toEqual([{ models: ['alpha-1', 'beta-2'], votes: 12, pairs: 12 }]);
    // The queue reply carries the voter's own figures.
    expect((await queue(t, project.id, ada.id)).bias.leftShare.n).toBe(10);
    expect((await queue(t, project.id, people[1]!.id)).bias).toMatchObject({ votes: 0, leftShare: { n: 0, value: null } });
  });

  it('wilson handles the edges', () => {
    expect(wilson(0, 0)).toEqual({ n: 0, value: null, low: null, high: null });
    const none = wilson(0, 5);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.434482, 5); // z² / (n + z²) for x = 0
    const all = wilson(5, 5);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.565518, 5);
  });
});
