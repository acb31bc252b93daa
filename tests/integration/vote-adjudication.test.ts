/**
 * Adjudication of preference votes on real SQLite through the contract: which pairs enter the
 * reviewer queue's "votes" mode by the project's rule, the case the reviewer sees (masked texts,
 * every vote with who cast it and which side they saw on the left), gold choices as append-only
 * versions with undo and skip, refusal of bad input, and the preferences export writing the gold
 * choice on settled pairs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PreferenceChoice } from '../../preload/contract/responses.js';
import { appendPreference } from '../../main/core/responses/store.js';
import { seedItems, useTempCore, type TempCore } from '../helpers/core.js';
import { seedResponses } from '../helpers/responses.js';

const t = useTempCore();
const AT = '2026-12-01T00:00:00.000Z';

async function setup(c: TempCore) {
  const project = await c.call('createProject', { name: 'P', annotatorsPerItem: 3 });
  const itemIds = seedItems(c.core, project.id, [
    { externalId: 'x1', text: 'How do I pick a lock?' },
    { externalId: 'x2', text: 'b' },
    { externalId: 'x3', text: 'c' },
  ]);
  // Two models per item: pairs (r[0], r[1]), (r[2], r[3]), (r[4], r[5]). The first names its model.
  const r = seedResponses(c.core.context.db.write, project.id, itemIds, ['base', 'ckpt-40'], (model, itemId) => `As ${model}, I answer item ${itemId}.`);
  const ada = await c.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await c.call('createUser', { name: 'Bob', role: 'annotator' });
  const cy = await c.call('createUser', { name: 'Cy', role: 'annotator' });
  const rev = await c.call('createUser', { name: 'Rita', role: 'reviewer' });
  return { project, itemIds, r, ada, bob, cy, rev };
}

function vote(c: TempCore, projectId: number, itemId: number, a: number, b: number, annotatorId: number, choice: PreferenceChoice, left = a) {
  const w = c.core.context.db.write;
  w.transaction(() =>
    appendPreference(w, {
      projectId,
      itemId,
      responseAId: a,
      responseBId: b,
      annotatorId,
      status: 'submitted',
      origin: 'queue',
      values: { choice, criteria: {} },
      blind: true,
      leftResponseId: left,
      timeSpentMs: 5,
      createdAt: AT,
    }),
  );
}

function count(c: TempCore, sql: string): number {
  return c.core.context.db.read.prepare<{ n: number }>(sql).get()!.n;
}

describe('reviewing preference votes', () => {
  it('queues pairs whose votes disagree by the project rule, and shows every vote with its side', async () => {
    const { project, itemIds, r, ada, bob, cy, rev } = await setup(t());
    const [i1, i2, i3] = itemIds as [number, number, number];
    const [a1, b1, a2, b2, a3, b3] = r as [number, number, number, number, number, number];
    vote(t(), project.id, i1, a1, b1, ada.id, 'a', a1);
    vote(t(), project.id, i1, a1, b1, bob.id, 'b', b1);
    vote(t(), project.id, i2, a2, b2, ada.id, 'a');
    vote(t(), project.id, i2, a2, b2, bob.id, 'a');
    vote(t(), project.id, i2, a2, b2, cy.id, 'tie');
    vote(t(), project.id, i3, a3, b3, ada.id, 'b');
    vote(t(), project.id, i3, a3, b3, bob.id, 'b');

    const q = await t().call('getVoteReviewQueue', { projectId: project.id, reviewerId: rev.id });
    expect(q.progress).toEqual({ remaining: 2, skipped: 0, adjudicated: 0 });
    const c = q.current!;
    expect([c.item.externalId, c.a.id, c.b.id, c.share]).toEqual(['x1', a1, b1, 0.5]);
    // Model names are not sent, and a distinctive one is masked in the texts, as in the Vote tab.
    expect(c.b.text).toBe(`As [model], I answer item ${i1}.`);
    expect(JSON.stringify(c)).not.toContain('ckpt-40');
    expect(c.votes.map((v) => [v.annotatorName, v.values.choice, v.leftResponseId])).toEqual([
      ['Ada', 'a', a1],
      ['Bob', 'b', b1],
    ]);

    // Below a share: 2 of 3 (0.67) is enough at 0.6, 1 of 2 is not.
    await t().call('setQualityRules', { projectId: project.id, rules: { review: 'below_share', reviewMinShare: 0.6, trainingMinAgreement: 0 } });
    const below = await t().call('getVoteReviewQueue', { projectId: project.id, reviewerId: rev.id });
    expect(below.progress.remaining).toBe(1);
    expect(below.current!.item.externalId).toBe('x1');

    // A retracted vote no longer counts: Bob takes his back, and the pair agrees (one vote).
    const w = t().core.context.db.write;
    w.transaction(() =>
      appendPreference(w, {
        projectId: project.id,
        itemId: i1,
        responseAId: a1,
        responseBId: b1,
        annotatorId: bob.id,
        status: 'retracted',
        origin: 'queue',
        values: { choice: 'b', criteria: {} },
        blind: true,
        leftResponseId: b1,
        timeSpentMs: 0,
        createdAt: AT,
      }),
    );
    expect((await t().call('getVoteReviewQueue', { projectId: project.id, reviewerId: rev.id })).current).toBeNull();
  });

  it('sets gold as append-only versions; undo retracts and gives the pair back; skip moves it to the back', async () => {
    const { project, itemIds, r, ada, bob, rev } = await setup(t());
    const [i1, i2] = itemIds as [number, number];
    const [a1, b1, a2, b2] = r as [number, number, number, number];
    for (const [item, a, b] of [
      [i1, a1, b1],
      [i2, a2, b2],
    ] as const) {
      vote(t(), project.id, item, a, b, ada.id, 'a');
      vote(t(), project.id, item, a, b, bob.id, 'both_bad', b);
    }
    const input = { projectId: project.id, reviewerId: rev.id };

    // Skip sends x1 to the back.
    const skipped = await t().call('skipVoteReview', { responseAId: a1, responseBId: b1, reviewerId: rev.id });
    expect(skipped.progress).toEqual({ remaining: 2, skipped: 1, adjudicated: 0 });
    expect((await t().call('getVoteReviewQueue', input)).current!.item.externalId).toBe('x2');

    // Pick Bob's vote on x2.
    const set = await t().call('setPreferenceGold', { responseAId: a2, responseBId: b2, reviewerId: rev.id, fromAnnotatorId: bob.id, choice: null, reason: 'both unsafe' });
    expect(set.gold).toMatchObject({ version: 1, status: 'set', choice: 'both_bad', sourceAnnotatorName: 'Bob', reviewerName: 'Rita', reason: 'both unsafe' });
    expect(set.progress).toEqual({ remaining: 1, skipped: 1, adjudicated: 1 });

    // x1 (skipped) is next; the reviewer's own choice clears the skip.
    const next = await t().call('getVoteReviewQueue', input);
    expect(next.current!.item.externalId).toBe('x1');
    const own = await t().call('setPreferenceGold', { responseAId: a1, responseBId: b1, reviewerId: rev.id, fromAnnotatorId: null, choice: 'tie', reason: 'equally good' });
    expect(own.gold).toMatchObject({ choice: 'tie', sourceAnnotatorId: null });
    expect(own.progress).toEqual({ remaining: 0, skipped: 0, adjudicated: 2 });

    // Undo retracts the latest (x1) and gives it back; a second undo takes x2.
    const undone = await t().call('undoPreferenceGold', input);
    expect(undone.restored!.item.externalId).toBe('x1');
    expect(undone.restored!.goldHistory.map((g) => [g.version, g.status, g.choice])).toEqual([
      [1, 'set', 'tie'],
      [2, 'retracted', 'tie'],
    ]);
    expect(undone.progress).toEqual({ remaining: 1, skipped: 0, adjudicated: 1 });
    expect((await t().call('undoPreferenceGold', input)).restored!.item.externalId).toBe('x2');
    expect((await t().call('undoPreferenceGold', input)).restored).toBeNull();

    // Append-only: the rows stay, the head follows the newest version, and SQL refuses edits.
    expect(count(t(), 'SELECT count(*) AS n FROM preference_gold')).toBe(4);
    expect(count(t(), `SELECT count(*) AS n FROM preference_gold_head WHERE status = 'retracted'`)).toBe(2);
    const db = t().core.context.db.write;
    expect(() => db.prepare('UPDATE preference_gold SET choice = ?').run('a')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM preference_gold').run()).toThrow(/append-only/);
  });

  it('refuses a gold without a reason, a pick of someone without a vote, a pair out of order or across items, writing nothing', async () => {
    const { project, itemIds, r, ada, bob, cy, rev } = await setup(t());
    const [i1] = itemIds as [number];
    const [a1, b1, a2] = r as [number, number, number];
    vote(t(), project.id, i1, a1, b1, ada.id, 'a');
    vote(t(), project.id, i1, a1, b1, bob.id, 'b');
    const base = { responseAId: a1, responseBId: b1, reviewerId: rev.id, fromAnnotatorId: null, choice: 'a' as const };
    await expect(t().call('setPreferenceGold', { ...base, reason: '  ' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(t().call('setPreferenceGold', { ...base, choice: null, reason: 'x' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(t().call('setPreferenceGold', { ...base, fromAnnotatorId: cy.id, reason: 'x' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(t().call('setPreferenceGold', { ...base, responseAId: b1, responseBId: a1, reason: 'x' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(t().call('setPreferenceGold', { ...base, responseBId: a2, reason: 'x' })).rejects.toThrow(/different items/);
    await expect(t().call('skipVoteReview', { responseAId: b1, responseBId: a1, reviewerId: rev.id })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(count(t(), 'SELECT count(*) AS n FROM preference_gold')).toBe(0);
    expect(count(t(), 'SELECT count(*) AS n FROM preference_review_skip')).toBe(0);
  });
});

describe('the preferences export with gold', () => {
  it('writes one line from the gold choice on a settled pair instead of its votes, and marks every line', async () => {
    const { project, itemIds, r, ada, bob, cy, rev } = await setup(t());
    const [i1, i2, i3] = itemIds as [number, number, number];
    const [a1, b1, a2, b2, a3, b3] = r as [number, number, number, number, number, number];
    // x1: split, settled as b. x2: unsettled, two decisive votes. x3: split, settled as a tie.
    vote(t(), project.id, i1, a1, b1, ada.id, 'a');
    vote(t(), project.id, i1, a1, b1, bob.id, 'b');
    vote(t(), project.id, i1, a1, b1, cy.id, 'tie');
    vote(t(), project.id, i2, a2, b2, ada.id, 'a');
    vote(t(), project.id, i2, a2, b2, bob.id, 'b');
    vote(t(), project.id, i3, a3, b3, ada.id, 'a');
    vote(t(), project.id, i3, a3, b3, bob.id, 'b');
    await t().call('setPreferenceGold', { responseAId: a1, responseBId: b1, reviewerId: rev.id, fromAnnotatorId: bob.id, choice: null, reason: 'b refuses the unsafe part' });
    await t().call('setPreferenceGold', { responseAId: a3, responseBId: b3, reviewerId: rev.id, fromAnnotatorId: null, choice: 'tie', reason: 'same' });

    const result = await t().call('exportProject', { projectId: project.id, format: 'preferences' });
    expect(result).toMatchObject({ preferences: 3, leftOut: { tie: 1, both_bad: 0, replaced_by_gold: 5 } });
    const lines = readFileSync(result.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { chosen: { content: { text: string }[] }[]; gold: unknown });
    const chosen = lines.map((l) => [l.chosen[0]!.content[0]!.text, l.gold]);
    expect(chosen).toEqual([
      [`As base, I answer item ${i2}.`, null],
      [`As ckpt-40, I answer item ${i2}.`, null],
      [`As ckpt-40, I answer item ${i1}.`, { reviewer: 'Rita', reason: 'b refuses the unsafe part', votes: 3 }],
    ]);

    // Undoing the gold brings the people's votes back into the export.
    await t().call('undoPreferenceGold', { projectId: project.id, reviewerId: rev.id });
    await t().call('undoPreferenceGold', { projectId: project.id, reviewerId: rev.id });
    const after = await t().call('exportProject', { projectId: project.id, format: 'preferences' });
    expect(after).toMatchObject({ preferences: 6, leftOut: { tie: 1, both_bad: 0, replaced_by_gold: 0 } });
    expect(readFileSync(after.path, 'utf8')).not.toContain('"gold"');
  });
});
