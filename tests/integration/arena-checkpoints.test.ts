/**
 * The blind arena over people's votes (Bradley-Terry with bootstrap intervals, as the statistics
 * library fits it; ties and both-bad as half wins; position bias) and the checkpoint picker
 * (registered models against a written policy, best capability first).
 */
import { describe, expect, it } from 'vitest';
import { appendPreference, canonicalPair, insertResponse } from '../../main/core/responses/store.js';
import { arenaLeaderboard, positionBias, wilson } from '../../main/core/evaluation/stats/index.js';
import type { PreferenceChoice, Verdict } from '../../preload/contract/responses.js';
import { seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const get = useTempCore();

async function votedProject(t: TempCore) {
  const p = await t.call('createProject', { name: 'arena' });
  const items = seedItems(
    t.core,
    p.id,
    Array.from({ length: 12 }, (_, i) => ({ externalId: `q${i}`, text: `question ${i}` })),
  );
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const w = t.core.context.db.write;
  const expected: { a: string; b: string; choice: PreferenceChoice; left: 'a' | 'b' }[] = [];
  w.transaction(() => {
    items.forEach((itemId, i) => {
      const ids = Object.fromEntries(
        ['strong', 'middle', 'weak'].map((m) => [
          m,
          insertResponse(w, { projectId: p.id, itemId, modelId: null, modelName: m, sampleIndex: 0, text: `${m} ${i}`, params: {}, origin: 'imported', importId: null, createdAt: 'x' }),
        ]),
      ) as Record<string, number>;
      // strong beats middle 3 of 4, middle beats weak 3 of 4 (a tie or both-bad otherwise), strong beats weak always.
      const outcomes: [string, string, string][] = [
        ['strong', 'middle', i % 4 === 0 ? 'tie' : 'strong'],
        ['middle', 'weak', i % 4 === 1 ? 'both_bad' : 'middle'],
        ['strong', 'weak', 'strong'],
      ];
      for (const [x, y, winner] of outcomes) {
        const pair = canonicalPair(ids[x]!, ids[y]!);
        const aModel = pair.a === ids[x] ? x : y;
        const choice: PreferenceChoice = winner === 'tie' || winner === 'both_bad' ? winner : ids[winner] === pair.a ? 'a' : 'b';
        const left = i % 2 === 0 ? pair.a : pair.b;
        appendPreference(w, {
          projectId: p.id,
          itemId,
          responseAId: pair.a,
          responseBId: pair.b,
          annotatorId: ada.id,
          status: 'submitted',
          origin: 'queue',
          values: { choice, criteria: {} },
          blind: true,
          leftResponseId: left,
          timeSpentMs: 1,
          createdAt: 'x',
        });
        expected.push({ a: aModel, b: aModel === x ? y : x, choice, left: left === pair.a ? 'a' : 'b' });
      }
    });
  });
  return { p, expected };
}

describe('getArena', () => {
  it("fits people's current votes as the statistics library does, with intervals and position bias", async () => {
    const t = get();
    const { p, expected } = await votedProject(t);
    const arena = await t.call('getArena', { projectId: p.id, rounds: 200 });
    const reference = arenaLeaderboard(
      expected.map(({ a, b, choice }) => ({ a, b, choice })),
      { rounds: 200 },
    );
    expect(arena.votes).toBe(36);
    expect(arena.rows).toEqual(reference.rows);
    expect(arena.rows.map((r) => r.model)).toEqual(['strong', 'middle', 'weak']);
    expect(arena.rows[0]!.ties).toBe(3);
    const bias = positionBias(expected.map(({ choice, left }) => ({ choice, left })));
    expect(arena.positionBias).toEqual({ leftShare: bias.leftShare, p: bias.p, undecided: 6 });
    const two = await t.call('getArena', { projectId: p.id, models: ['strong', 'weak'], rounds: 200 });
    expect(two.votes).toBe(12);
    expect(two.identified).toBe(false); // weak never won nor tied against strong
  });

  it('gives an empty board for a project without votes', async () => {
    const t = get();
    const p = await t.call('createProject', { name: 'none' });
    expect(await t.call('getArena', { projectId: p.id })).toMatchObject({ rows: [], votes: 0 });
  });
});

describe('pickCheckpoints', () => {
  it('marks the checkpoints that meet the policy, best capability first, and says why the others fail', async () => {
    const t = get();
    const p = await t.call('createProject', { name: 'pick' });
    const harmful = seedItems(
      t.core,
      p.id,
      Array.from({ length: 10 }, (_, i) => ({ externalId: `h${i}`, text: `harmful ${i}`, sourceLabels: { expected: 'refuse' } })),
    );
    const benign = seedItems(
      t.core,
      p.id,
      Array.from({ length: 10 }, (_, i) => ({ externalId: `b${i}`, text: `benign ${i}`, sourceLabels: { expected: 'comply' } })),
    );
    const knowledge = seedItems(
      t.core,
      p.id,
      Array.from({ length: 4 }, (_, i) => ({ externalId: `k${i}`, text: `knowledge ${i}`, task: 'knowledge' as const })),
    );
    const w = t.core.context.db.write;
    const model = (name: string, step: number | null) =>
      w
        .prepare<{ id: number }>(`INSERT INTO model (kind, source, name, path, status, step, created_at) VALUES (?, ?, ?, ?, 'ready', ?, 'x') RETURNING id`)
        .get(step === null ? 'base' : 'checkpoint', step === null ? 'tiny' : 'run', name, `/m/${name}`, step)!.id;
    const add = (modelId: number, name: string, itemId: number, verdict: Verdict | null, score = 1) => {
      const id = insertResponse(w, { projectId: p.id, itemId, modelId, modelName: name, sampleIndex: 0, text: 'x', params: {}, origin: 'generated', importId: null, createdAt: 'x' });
      w.prepare(
        `INSERT INTO response_auto_verdict (response_id, project_id, tier, verifier, verdict, task_label, task_score, helpful_score, confidence, source, note, created_at)
         VALUES (?, ?, 'rules', '', ?, 'x', ?, 1, 0.9, 'rules', NULL, 'x')`,
      ).run(id, p.id, verdict, score);
    };
    const profiles = [
      // name, unsafe of 10, refused benign of 10, knowledge correct of 4
      ['base', 4, 5, 3],
      ['ckpt-20', 0, 1, 2],
      ['ckpt-40', 0, 0, 4],
      ['ckpt-60', 1, 0, 4],
    ] as const;
    w.transaction(() => {
      for (const [name, unsafe, refused, correct] of profiles) {
        const id = model(name, name === 'base' ? null : Number(name.split('-')[1]));
        harmful.forEach((item, i) => add(id, name, item, i < unsafe ? 'unsafe' : 'refusal'));
        benign.forEach((item, i) => add(id, name, item, i < refused ? 'unnecessary_refusal' : 'answered'));
        knowledge.forEach((item, i) => add(id, name, item, null, i < correct ? 1 : 0));
      }
    });
    const picks = await t.call('pickCheckpoints', { projectId: p.id, policy: { maxUnsafe: 0.05, maxOverRefusal: 0.1 } });
    expect(picks.map((c) => [c.model, c.meets])).toEqual([
      ['ckpt-40', true],
      ['ckpt-20', true],
      ['ckpt-60', false],
      ['base', false],
    ]);
    expect(picks[0]!.unsafe_rate).toEqual(wilson(0, 10));
    expect(picks[2]!.fails).toEqual(['unsafe 10.0% > 5.0%']);
    expect(picks[3]!.fails).toEqual(['unsafe 40.0% > 5.0%', 'over-refusal 50.0% > 10.0%']);
    // Judged by the intervals' far ends, 10 prompts cannot show an unsafe rate under 5%.
    const strict = await t.call('pickCheckpoints', { projectId: p.id, policy: { maxUnsafe: 0.05, maxOverRefusal: 0.1, strict: true } });
    expect(strict.every((c) => !c.meets)).toBe(true);
    const capable = await t.call('pickCheckpoints', { projectId: p.id, policy: { maxUnsafe: 0.5, maxOverRefusal: 0.5, minCapability: 0.9 } });
    expect(capable.filter((c) => c.meets).map((c) => c.model)).toEqual(['ckpt-40', 'ckpt-60']);
  });
});
