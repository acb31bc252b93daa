import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import type { StudioError } from '../../preload/contract/errors.js';
import { queueItemIds } from '../../main/core/services/labelling.js';
import { openTempCore, seedCount, seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const t = useTempCore();

const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply' };
const harmful: LabelValues = { ...emptyLabels(), harmful: true, riskCategory: 'privacy', severity: 2, expected: 'refuse', jailbreakType: 'role_play', crossModalRisk: 'text' };

async function setup(c: TempCore, n: number, annotatorsPerItem = 1) {
  const project = await c.call('createProject', { name: 'P', annotatorsPerItem });
  const ids = seedCount(c.core, project.id, n);
  const ada = await c.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await c.call('createUser', { name: 'Bob', role: 'annotator' });
  return { project, ids, ada, bob };
}

async function queueIds(c: TempCore, projectId: number, annotatorId: number, count = 10) {
  return (await c.call('getQueue', { projectId, annotatorId, count })).items.map((d) => d.item.id);
}

describe('labelling queue', () => {
  it('serves unlabelled items in import order with prefetch and progress', async () => {
    const { project, ids, ada } = await setup(t(), 5);
    const q = await t().call('getQueue', { projectId: project.id, annotatorId: ada.id });
    expect(q.items.map((d) => d.item.id)).toEqual(ids.slice(0, 3)); // default count 3
    expect(q.progress).toEqual({ done: 0, remaining: 5, total: 5 });
  });

  it('submit records the label durably with who and how long, and moves the queue on', async () => {
    const { project, ids, ada } = await setup(t(), 3);
    const r = await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: harmful, timeSpentMs: 4200 });
    expect(r.annotation).toMatchObject({ itemId: ids[0], annotatorId: ada.id, annotatorName: 'Ada', version: 1, status: 'submitted', labels: harmful, timeSpentMs: 4200 });
    expect(r.progress).toEqual({ done: 1, remaining: 2, total: 3 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual(ids.slice(1));
    // committed: the separate read-only connection already sees it
    const detail = await t().call('getItem', { itemId: ids[0]! });
    expect(detail.annotations).toEqual([r.annotation]);
  });

  it('refuses invalid labels with invalid_input naming each field, and writes nothing', async () => {
    const { project, ids, ada } = await setup(t(), 1);
    const err = (await t()
      .call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: { ...emptyLabels(), harmful: true }, timeSpentMs: 1 })
      .catch((e: unknown) => e)) as StudioError;
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe(`item ${ids[0]}: expected: choose the expected behaviour`);
    expect(err.problems.map((p) => p.field)).toEqual(['expected', 'riskCategory', 'severity']);
    const notInTaxonomy = (await t()
      .call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: { ...harmful, riskCategory: 'weather' }, timeSpentMs: 1 })
      .catch((e: unknown) => e)) as StudioError;
    expect(notInTaxonomy.problems).toEqual([{ file: 'labels', line: null, field: 'riskCategory', message: `"weather" is not in this project's taxonomy` }]);
    expect((await t().call('getItem', { itemId: ids[0]! })).history).toEqual([]);
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: ada.id })).progress.done).toBe(0);
  });

  it('requires a reference answer for knowledge and general items', async () => {
    const { project, ada } = await setup(t(), 0);
    const [k] = seedItems(t().core, project.id, [{ text: 'What is the capital of France?', task: 'knowledge' }]);
    await expect(t().call('submitLabel', { itemId: k!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 })).rejects.toMatchObject({
      code: 'invalid_input',
      problems: [{ field: 'referenceAnswer', message: 'a knowledge item needs a reference answer' }],
    });
    await t().call('submitLabel', { itemId: k!, annotatorId: ada.id, labels: { ...benign, referenceAnswer: 'Paris' }, timeSpentMs: 1 });
  });

  it('checks labels against the project schema as edited', async () => {
    const { project, ids, ada } = await setup(t(), 1);
    await t().call('updateProject', { projectId: project.id, patch: { labelSchema: { riskCategories: ['weather'], jailbreakTypes: ['none'], sensitiveCategories: [] } } });
    await expect(t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: harmful, timeSpentMs: 1 })).rejects.toMatchObject({
      problems: [
        { field: 'riskCategory', message: `"privacy" is not in this project's taxonomy` },
        { field: 'jailbreakType', message: `"role_play" is not a jailbreak type of this project` },
      ],
    });
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: { ...harmful, riskCategory: 'weather', jailbreakType: 'none' }, timeSpentMs: 1 });
  });

  it('refuses unknown items and annotators as not_found', async () => {
    const { ids, ada, project } = await setup(t(), 1);
    await expect(t().call('submitLabel', { itemId: 999, annotatorId: ada.id, labels: benign, timeSpentMs: 1 })).rejects.toMatchObject({ code: 'not_found', message: 'no item with id 999' });
    await expect(t().call('submitLabel', { itemId: ids[0]!, annotatorId: 999, labels: benign, timeSpentMs: 1 })).rejects.toMatchObject({ code: 'not_found', message: 'no user with id 999' });
    await expect(t().call('getQueue', { projectId: project.id + 1, annotatorId: ada.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('skip sends an item to the back; skipping again moves it behind the other skipped ones', async () => {
    const { project, ids, ada } = await setup(t(), 4);
    const [a, b, c, d] = ids as [number, number, number, number];
    const s = await t().call('skipItem', { itemId: a, annotatorId: ada.id });
    expect(s.progress).toEqual({ done: 0, remaining: 4, total: 4 }); // skipped items still wait
    expect(await queueIds(t(), project.id, ada.id)).toEqual([b, c, d, a]);
    await t().call('skipItem', { itemId: b, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([c, d, a, b]);
    await t().call('skipItem', { itemId: a, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([c, d, b, a]);
    // a skipped item can still be labelled, and then leaves the queue
    await t().call('submitLabel', { itemId: b, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([c, d, a]);
  });

  it('skips are per annotator', async () => {
    const { project, ids, ada, bob } = await setup(t(), 3);
    await t().call('skipItem', { itemId: ids[0]!, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, bob.id)).toEqual(ids);
  });

  it('undo retracts the last submit, puts the item at the front and returns its labels to prefill', async () => {
    const { project, ids, ada } = await setup(t(), 4);
    const [a, b, c] = ids as [number, number, number];
    await t().call('submitLabel', { itemId: a, annotatorId: ada.id, labels: benign, timeSpentMs: 10 });
    await t().call('submitLabel', { itemId: b, annotatorId: ada.id, labels: harmful, timeSpentMs: 20 });
    const u = await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(u.labels).toEqual(harmful);
    expect(u.restored?.item.id).toBe(b);
    expect(u.restored?.annotations).toEqual([]); // no current label any more
    expect(u.restored?.history.map((h) => [h.version, h.status])).toEqual([
      [1, 'submitted'],
      [2, 'retracted'],
    ]);
    expect(u.progress).toEqual({ done: 1, remaining: 3, total: 4 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([b, c, ids[3]]);
    // undo again walks further back
    const u2 = await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(u2.restored?.item.id).toBe(a);
    expect(await queueIds(t(), project.id, ada.id)).toEqual([a, b, c, ids[3]]);
    // nothing left to undo
    const u3 = await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(u3).toEqual({ restored: null, labels: null, progress: { done: 0, remaining: 4, total: 4 } });
    // relabelling an undone item appends version 3
    const again = await t().call('submitLabel', { itemId: b, annotatorId: ada.id, labels: benign, timeSpentMs: 5 });
    expect(again.annotation.version).toBe(3);
  });

  it('undo brings back a previously skipped item to the front', async () => {
    const { project, ids, ada } = await setup(t(), 3);
    const [a, b, c] = ids as [number, number, number];
    await t().call('skipItem', { itemId: a, annotatorId: ada.id });
    await t().call('submitLabel', { itemId: a, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([a, b, c]);
  });

  it('undo only touches the calling annotator and ignores browse edits', async () => {
    const { project, ids, ada, bob } = await setup(t(), 3, 2);
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: bob.id, labels: harmful, timeSpentMs: 1 });
    await t().call('saveAnnotation', { itemId: ids[1]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    const u = await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(u.restored?.item.id).toBe(ids[0]);
    const detail = await t().call('getItem', { itemId: ids[0]! });
    expect(detail.annotations.map((a) => a.annotatorName)).toEqual(['Bob']);
    expect((await t().call('getItem', { itemId: ids[1]! })).annotations.map((a) => a.annotatorName)).toEqual(['Ada']);
  });
});

describe('several annotators per item', () => {
  it("keeps an item in B's queue after A labels it, removes it once two have, and never shows B A's label", async () => {
    const { project, ids, ada, bob } = await setup(t(), 3, 2);
    const [a, b, c] = ids as [number, number, number];
    await t().call('submitLabel', { itemId: a, annotatorId: ada.id, labels: harmful, timeSpentMs: 1 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([b, c]);
    const bobQueue = await t().call('getQueue', { projectId: project.id, annotatorId: bob.id, count: 10 });
    expect(bobQueue.items.map((d) => d.item.id)).toEqual([a, b, c]);
    for (const d of bobQueue.items) {
      expect(d.annotations).toEqual([]);
      expect(d.history).toEqual([]);
    }
    expect(bobQueue.progress).toEqual({ done: 0, remaining: 3, total: 3 });
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: ada.id })).progress).toEqual({ done: 1, remaining: 2, total: 3 });

    await t().call('submitLabel', { itemId: a, annotatorId: bob.id, labels: benign, timeSpentMs: 1 });
    expect(await queueIds(t(), project.id, bob.id)).toEqual([b, c]);
    expect(await queueIds(t(), project.id, ada.id)).toEqual([b, c]);
    // a third annotator no longer sees the completed item
    const cy = await t().call('createUser', { name: 'Cy', role: 'annotator' });
    expect(await queueIds(t(), project.id, cy.id)).toEqual([b, c]);
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: cy.id })).progress).toEqual({ done: 0, remaining: 2, total: 3 });
    // browse sees both labels
    expect((await t().call('getItem', { itemId: a })).annotations.map((x) => x.annotatorName)).toEqual(['Ada', 'Bob']);
  });

  it('A sees only their own label when the queue returns an item they undid', async () => {
    const { project, ids, ada, bob } = await setup(t(), 1, 2);
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: bob.id, labels: harmful, timeSpentMs: 1 });
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    await t().call('setFlag', { itemId: ids[0]!, annotatorId: bob.id, flagged: true, note: 'Bob thinks this is harmful' });
    const u = await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(u.restored?.history.every((h) => h.annotatorId === ada.id)).toBe(true);
    expect(u.restored?.flags).toEqual([]);
    const q = await t().call('getQueue', { projectId: project.id, annotatorId: ada.id });
    expect(q.items[0]?.history.map((h) => h.annotatorName)).toEqual(['Ada', 'Ada']);
    expect(q.items[0]?.flags).toEqual([]);
  });

  it('raising annotators per item puts complete items back into queues; lowering takes them out', async () => {
    const { project, ids, ada, bob } = await setup(t(), 2, 1);
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    expect(await queueIds(t(), project.id, bob.id)).toEqual([ids[1]]);
    await t().call('updateProject', { projectId: project.id, patch: { annotatorsPerItem: 2 } });
    expect(await queueIds(t(), project.id, bob.id)).toEqual(ids);
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: ada.id })).progress).toEqual({ done: 1, remaining: 1, total: 2 });
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: bob.id })).progress).toEqual({ done: 0, remaining: 2, total: 2 });
    await t().call('updateProject', { projectId: project.id, patch: { annotatorsPerItem: 1 } });
    expect(await queueIds(t(), project.id, bob.id)).toEqual([ids[1]]);
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: ada.id })).progress).toEqual({ done: 1, remaining: 1, total: 2 });
  });

  it('keeps both labels when two annotators submit the same item of a one-annotator project', async () => {
    const { project, ids, ada, bob } = await setup(t(), 1, 1);
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: bob.id, labels: harmful, timeSpentMs: 1 });
    const [row] = (await t().call('listItems', { projectId: project.id })).rows;
    expect(row?.labelCount).toBe(2);
    expect((await t().call('getQueue', { projectId: project.id, annotatorId: bob.id })).progress).toEqual({ done: 1, remaining: 0, total: 1 });
  });
});

describe('versions, edits and flags', () => {
  it("saveAnnotation appends a version to the caller's own history and keeps every version", async () => {
    const { ids, ada, bob } = await setup(t(), 1, 2);
    const item = ids[0]!;
    await t().call('submitLabel', { itemId: item, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    const edit = await t().call('saveAnnotation', { itemId: item, annotatorId: ada.id, labels: harmful, timeSpentMs: 7 });
    expect(edit).toMatchObject({ version: 2, status: 'submitted', labels: harmful, annotatorName: 'Ada', timeSpentMs: 7 });
    const reviewer = await t().call('createUser', { name: 'Rev', role: 'reviewer' });
    const review = await t().call('saveAnnotation', { itemId: item, annotatorId: reviewer.id, labels: benign, timeSpentMs: 3 });
    expect(review).toMatchObject({ version: 1, annotatorName: 'Rev' });
    const detail = await t().call('getItem', { itemId: item });
    expect(detail.annotations.map((a) => [a.annotatorName, a.version, a.labels.harmful])).toEqual([
      ['Ada', 2, true],
      ['Rev', 1, false],
    ]);
    expect(detail.history.map((a) => [a.annotatorName, a.version])).toEqual([
      ['Ada', 1],
      ['Ada', 2],
      ['Rev', 1],
    ]);
    expect(bob.id).toBeGreaterThan(0);
  });

  it('saveAnnotation validates like submit', async () => {
    const { ids, ada } = await setup(t(), 1);
    await expect(t().call('saveAnnotation', { itemId: ids[0]!, annotatorId: ada.id, labels: emptyLabels(), timeSpentMs: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
      problems: [{ field: 'harmful' }, { field: 'expected' }],
    });
  });

  it('flags and unflags with a note, per annotator', async () => {
    const { ids, ada, bob } = await setup(t(), 1);
    const item = ids[0]!;
    const f1 = await t().call('setFlag', { itemId: item, annotatorId: ada.id, flagged: true, note: 'image unreadable' });
    expect(f1.flags).toMatchObject([{ itemId: item, annotatorId: ada.id, annotatorName: 'Ada', note: 'image unreadable' }]);
    const f2 = await t().call('setFlag', { itemId: item, annotatorId: ada.id, flagged: true, note: 'image unreadable, text fine' });
    expect(f2.flags.map((f) => f.note)).toEqual(['image unreadable, text fine']);
    await t().call('setFlag', { itemId: item, annotatorId: bob.id, flagged: true });
    const f3 = await t().call('setFlag', { itemId: item, annotatorId: ada.id, flagged: false });
    expect(f3.flags.map((f) => f.annotatorName)).toEqual(['Bob']);
    expect((await t().call('getItem', { itemId: item })).flags.map((f) => f.annotatorName)).toEqual(['Bob']);
  });

  it('annotation rows are append-only in the database itself', async () => {
    const { ids, ada } = await setup(t(), 1);
    const r = await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    const db = t().core.context.db.write;
    expect(() => db.prepare("UPDATE annotation SET status = 'retracted' WHERE id = ?").run(r.annotation.id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM annotation WHERE id = ?').run(r.annotation.id)).toThrow(/append-only/);
  });

  it('project.changed is emitted for label writes and flags', async () => {
    const { project, ids, ada } = await setup(t(), 1);
    const seen: string[] = [];
    t().core.events.subscribe((e) => seen.push(e.type));
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    await t().call('setFlag', { itemId: ids[0]!, annotatorId: ada.id, flagged: true });
    await t().call('undoLastSubmit', { projectId: project.id, annotatorId: ada.id });
    expect(seen).toEqual(['project.changed', 'project.changed', 'project.changed']);
  });
});

describe('trigger-maintained counters', () => {
  it('match a recount from the history after a random mix of submits, edits, undos, skips, flags and quota changes', async () => {
    const { project, ids } = await setup(t(), 12, 2);
    const users = [...(await t().call('listUsers', {})), await t().call('createUser', { name: 'Cy', role: 'reviewer' })];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const db = t().core.context.db.read;
    const check = () => {
      const drift = db
        .prepare(
          `SELECT i.id FROM item i
           WHERE i.label_count <> (SELECT count(*) FROM annotation_head h WHERE h.item_id = i.id AND h.status = 'submitted')
              OR i.complete <> (i.label_count >= (SELECT annotators_per_item FROM project WHERE id = i.project_id))
              OR i.flag_count <> (SELECT count(*) FROM item_flag f WHERE f.item_id = i.id)`,
        )
        .all();
      expect(drift).toEqual([]);
      const heads = db
        .prepare(
          `SELECT count(*) AS n FROM annotation_head h
           WHERE h.annotation_id <> (SELECT max(id) FROM annotation a WHERE a.item_id = h.item_id AND a.annotator_id = h.annotator_id)`,
        )
        .get() as { n: number };
      expect(heads.n).toBe(0);
      const progress = db
        .prepare(
          `SELECT ap.annotator_id FROM annotator_progress ap
           WHERE ap.done <> (SELECT count(*) FROM annotation_head h WHERE h.project_id = ap.project_id AND h.annotator_id = ap.annotator_id AND h.status = 'submitted')
              OR ap.open_done <> (SELECT count(*) FROM annotation_head h JOIN item i ON i.id = h.item_id
                                  WHERE h.project_id = ap.project_id AND h.annotator_id = ap.annotator_id AND h.status = 'submitted' AND i.complete = 0)`,
        )
        .all();
      expect(progress).toEqual([]);
      const p = db
        .prepare(
          `SELECT p.item_count = (SELECT count(*) FROM item WHERE project_id = p.id)
              AND p.complete_count = (SELECT count(*) FROM item WHERE project_id = p.id AND complete = 1)
              AND p.flagged_count = (SELECT count(*) FROM item WHERE project_id = p.id AND flag_count > 0) AS ok
           FROM project p`,
        )
        .get() as { ok: number };
      expect(p.ok).toBe(1);
    };
    for (let step = 0; step < 300; step++) {
      const user = users[rand(users.length)]!;
      const item = ids[rand(ids.length)]!;
      const op = rand(10);
      if (op < 4) await t().call('submitLabel', { itemId: item, annotatorId: user.id, labels: rand(2) ? benign : harmful, timeSpentMs: rand(5000) });
      else if (op < 5) await t().call('saveAnnotation', { itemId: item, annotatorId: user.id, labels: harmful, timeSpentMs: 1 });
      else if (op < 7) await t().call('undoLastSubmit', { projectId: project.id, annotatorId: user.id });
      else if (op < 8) await t().call('skipItem', { itemId: item, annotatorId: user.id });
      else if (op < 9) await t().call('setFlag', { itemId: item, annotatorId: user.id, flagged: rand(2) === 0 });
      else await t().call('updateProject', { projectId: project.id, patch: { annotatorsPerItem: 1 + rand(3) } });
      check();
      // the whole queue is exactly the incomplete items without the user's submitted label,
      // each once, and its length is progress.remaining
      for (const u of users) {
        const queue = queueItemIds(db, project.id, u.id, 1000);
        const expected = db
          .prepare<{ id: number }>(
            `SELECT i.id FROM item i WHERE i.project_id = ? AND i.complete = 0
               AND NOT EXISTS (SELECT 1 FROM annotation_head h WHERE h.item_id = i.id AND h.annotator_id = ? AND h.status = 'submitted')`,
          )
          .all(project.id, u.id)
          .map((r) => r.id);
        expect([...queue].sort((x, y) => x - y)).toEqual(expected);
        const { progress } = await t().call('getQueue', { projectId: project.id, annotatorId: u.id, count: 1 });
        expect(progress.remaining).toBe(queue.length);
      }
    }
  });
});

describe('annotators working at the same time', () => {
  it('hands two annotators of a one-annotator project different items', async () => {
    const { project, ids, ada, bob } = await setup(t(), 8, 1);
    expect(await queueIds(t(), project.id, ada.id, 3)).toEqual(ids.slice(0, 3));
    expect(await queueIds(t(), project.id, bob.id, 3)).toEqual(ids.slice(3, 6));
    await t().call('submitLabel', { itemId: ids[0]!, annotatorId: ada.id, labels: benign, timeSpentMs: 1 });
    // Ada's next queue skips what Bob holds
    expect(await queueIds(t(), project.id, ada.id, 3)).toEqual([ids[1], ids[2], ids[6]]);
    // Bob re-asking keeps his own items
    expect(await queueIds(t(), project.id, bob.id, 3)).toEqual(ids.slice(3, 6));
  });

  it('gives both annotators the same items when each item needs both of them', async () => {
    const { project, ids, ada, bob } = await setup(t(), 5, 2);
    expect(await queueIds(t(), project.id, ada.id, 3)).toEqual(ids.slice(0, 3));
    expect(await queueIds(t(), project.id, bob.id, 3)).toEqual(ids.slice(0, 3));
    const cy = await t().call('createUser', { name: 'Cy', role: 'annotator' });
    // both holders cover the quota of items 1-3, so a third annotator starts at item 4
    expect(await queueIds(t(), project.id, cy.id, 3)).toEqual([ids[3], ids[4], ids[0]]);
  });

  it('still offers items others hold when nothing else is left, and forgets leases after they expire', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const c = await openTempCore({ clock: { now: () => new Date(now) } });
    try {
      const { project, ids, ada, bob } = await setup(c, 3, 1);
      expect(await queueIds(c, project.id, ada.id, 2)).toEqual(ids.slice(0, 2));
      expect(await queueIds(c, project.id, bob.id, 3)).toEqual([ids[2], ids[0], ids[1]]);
      now += 11 * 60_000; // every lease has lapsed: Bob gets the items in order and now holds all three
      expect(await queueIds(c, project.id, bob.id, 3)).toEqual(ids);
      expect(await queueIds(c, project.id, ada.id, 3)).toEqual(ids); // all held by Bob, still offered rather than nothing
    } finally {
      c.close();
    }
  });

  it('a skip releases the item for others', async () => {
    const { project, ids, ada, bob } = await setup(t(), 4, 1);
    expect(await queueIds(t(), project.id, ada.id, 2)).toEqual(ids.slice(0, 2));
    await t().call('skipItem', { itemId: ids[0]!, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, bob.id, 2)).toEqual([ids[0], ids[2]]);
  });
});
