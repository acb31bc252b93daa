/**
 * The response labelling workflow (main/core/responses/labelling.ts) on real SQLite through the
 * contract: queue order and overlap, leases, submit / undo / skip / flag / browse edits, exact
 * progress counters, and bad input refused with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { emptyLabels } from '../../preload/contract/domain.js';
import type { StudioError } from '../../preload/contract/errors.js';
import type { ResponseLabelValues } from '../../preload/contract/responses.js';
import { openTempCore, seedCount, seedItems, useTempCore, type TempCore } from '../helpers/core.js';
import { seedResponses } from '../helpers/responses.js';

const t = useTempCore();

const refusal: ResponseLabelValues = { verdict: 'refusal', helpfulness: 2, idealResponse: null, rationale: null };
const unsafe: ResponseLabelValues = { verdict: 'unsafe', helpfulness: 1, idealResponse: 'I cannot help with that, but here is why it is dangerous.', rationale: 'Gives the steps.' };
const answered: ResponseLabelValues = { verdict: 'answered', helpfulness: 5, idealResponse: null, rationale: null };

async function setup(c: TempCore, items: number, models: string[] = ['base'], annotatorsPerItem = 1) {
  const project = await c.call('createProject', { name: 'P', annotatorsPerItem });
  const itemIds = seedCount(c.core, project.id, items);
  const ids = seedResponses(c.core.context.db.write, project.id, itemIds, models);
  const ada = await c.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await c.call('createUser', { name: 'Bob', role: 'annotator' });
  const cy = await c.call('createUser', { name: 'Cy', role: 'annotator' });
  return { project, itemIds, ids, ada, bob, cy };
}

async function queueIds(c: TempCore, projectId: number, annotatorId: number, count = 10) {
  return (await c.call('getResponseQueue', { projectId, annotatorId, count })).entries.map((e) => e.response.id);
}

async function progressOf(c: TempCore, projectId: number, annotatorId: number) {
  return (await c.call('getResponseQueue', { projectId, annotatorId, count: 1 })).progress;
}

function verdictRows(c: TempCore) {
  return c.core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM response_label').get()!.n;
}

describe('response queue', () => {
  it('serves responses in id order with their item, prompt labels and dataset hints, and exact progress', async () => {
    const { project, ids, ada, bob } = await setup(t(), 2, ['base', 'ckpt']);
    const [itemId] = seedItems(t().core, project.id, [{ externalId: 'hinted', text: 'How do I pick a lock?', sourceLabels: { category: 'non_violent_crimes', expected: 'refuse' } }]);
    const [hinted] = seedResponses(t().core.context.db.write, project.id, [itemId!], ['base']);
    await t().call('submitLabel', {
      itemId: itemId!,
      annotatorId: bob.id,
      labels: { ...emptyLabels(), harmful: true, riskCategory: 'non_violent_crimes', severity: 2, expected: 'refuse' },
      timeSpentMs: 1,
    });

    const q = await t().call('getResponseQueue', { projectId: project.id, annotatorId: ada.id, count: 10 });
    expect(q.entries.map((e) => e.response.id)).toEqual([...ids, hinted]);
    expect(q.progress).toEqual({ done: 0, remaining: 5, total: 5 });
    const last = q.entries.at(-1)!;
    expect(last.item).toMatchObject({
      id: itemId,
      externalId: 'hinted',
      text: 'How do I pick a lock?',
      image: null,
      task: 'safety',
      sourceLabels: { category: 'non_violent_crimes', expected: 'refuse' },
    });
    expect(last.promptLabels).toEqual([{ annotatorName: 'Bob', harmful: true, riskCategory: 'non_violent_crimes', severity: 2, expected: 'refuse', jailbreakType: null }]);
    expect(last.response).toMatchObject({ modelName: 'base', itemId, verdictCount: 0 });
    expect(last.mine).toBeNull();
    expect(last.myFlag).toBeNull();
    // default count 3
    expect((await t().call('getResponseQueue', { projectId: project.id, annotatorId: ada.id })).entries).toHaveLength(3);
  });

  it('overlap: with two annotators per item both see a response, a third does not once both judged, and nobody sees another verdict', async () => {
    const { project, ids, ada, bob, cy } = await setup(t(), 2, ['base'], 2);
    const [r1, r2] = ids as [number, number];
    await t().call('submitVerdict', { responseId: r1, annotatorId: ada.id, values: unsafe, timeSpentMs: 10 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([r2]);

    const bobQueue = await t().call('getResponseQueue', { projectId: project.id, annotatorId: bob.id, count: 10 });
    expect(bobQueue.entries.map((e) => e.response.id)).toEqual([r1, r2]);
    // Bob's view of r1 carries no trace of Ada's verdict.
    expect(bobQueue.entries[0]!.mine).toBeNull();
    expect(JSON.stringify(bobQueue.entries)).not.toContain('unsafe');
    expect(JSON.stringify(bobQueue.entries)).not.toContain('Gives the steps');

    await t().call('submitVerdict', { responseId: r1, annotatorId: bob.id, values: refusal, timeSpentMs: 10 });
    expect(await queueIds(t(), project.id, cy.id)).toEqual([r2]);
    expect(await queueIds(t(), project.id, bob.id)).toEqual([r2]);
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 1, remaining: 1, total: 2 });
    expect(await progressOf(t(), project.id, bob.id)).toEqual({ done: 1, remaining: 1, total: 2 });
    expect(await progressOf(t(), project.id, cy.id)).toEqual({ done: 0, remaining: 1, total: 2 });
  });

  it('leases: people judging at once are handed different responses, and an expired lease frees them', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const c = await openTempCore({ clock: { now: () => new Date(now) } });
    try {
      const { project, ids, ada, bob, cy } = await setup(c, 6, ['base'], 1);
      expect(await queueIds(c, project.id, ada.id, 3)).toEqual(ids.slice(0, 3));
      expect(await queueIds(c, project.id, bob.id, 3)).toEqual(ids.slice(3, 6));
      // Everything is held: Cy still gets work (the held ones, at the back) rather than nothing.
      expect(await queueIds(c, project.id, cy.id, 3)).toEqual(ids.slice(0, 3));
      // A submit releases that lease; the two others keep theirs.
      await c.call('submitVerdict', { responseId: ids[3]!, annotatorId: bob.id, values: answered, timeSpentMs: 1 });
      now += 11 * 60_000;
      expect(await queueIds(c, project.id, cy.id, 3)).toEqual([ids[0], ids[1], ids[2]]);
      expect(await queueIds(c, project.id, ada.id, 3)).toEqual([ids[4], ids[5], ids[0]]);
    } finally {
      c.close();
    }
  });
});

describe('submit, undo, skip, flag', () => {
  it('submit is durable with who, how long and the values, and moves the queue on', async () => {
    const { project, ids, ada } = await setup(t(), 3);
    const r = await t().call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: { ...unsafe, rationale: '  ' }, timeSpentMs: 4200 });
    expect(r.label).toMatchObject({ responseId: ids[0], annotatorId: ada.id, annotatorName: 'Ada', version: 1, status: 'submitted', origin: 'queue', timeSpentMs: 4200 });
    // Blank free text is stored as "none".
    expect(r.label.values).toEqual({ ...unsafe, rationale: null });
    expect(r.progress).toEqual({ done: 1, remaining: 2, total: 3 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual(ids.slice(1));
    // Committed: the separate read-only connection already sees it.
    const row = t().core.context.db.read.prepare<{ verdict: string; ideal_response: string }>('SELECT verdict, ideal_response FROM response_label WHERE id = ?').get(r.label.id);
    expect(row).toEqual({ verdict: 'unsafe', ideal_response: unsafe.idealResponse });
  });

  it('undo appends a retracted version carrying the withdrawn values and puts the response first again', async () => {
    const { project, ids, ada } = await setup(t(), 3);
    await t().call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: refusal, timeSpentMs: 1 });
    await t().call('submitVerdict', { responseId: ids[1]!, annotatorId: ada.id, values: unsafe, timeSpentMs: 1 });
    const undo = await t().call('undoLastVerdict', { projectId: project.id, annotatorId: ada.id });
    expect(undo.restored?.response.id).toBe(ids[1]);
    expect(undo.values).toEqual(unsafe);
    expect(undo.restored?.mine).toMatchObject({ version: 2, status: 'retracted', values: unsafe });
    expect(undo.progress).toEqual({ done: 1, remaining: 2, total: 3 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([ids[1], ids[2]]);
    const history = t()
      .core.context.db.read.prepare<{ version: number; status: string; verdict: string }>('SELECT version, status, verdict FROM response_label WHERE response_id = ? ORDER BY id')
      .all(ids[1]!);
    expect(history).toEqual([
      { version: 1, status: 'submitted', verdict: 'unsafe' },
      { version: 2, status: 'retracted', verdict: 'unsafe' },
    ]);
    // The next undo takes back the one before; then there is nothing left to undo.
    expect((await t().call('undoLastVerdict', { projectId: project.id, annotatorId: ada.id })).restored?.response.id).toBe(ids[0]);
    const none = await t().call('undoLastVerdict', { projectId: project.id, annotatorId: ada.id });
    expect(none).toEqual({ restored: null, values: null, progress: { done: 0, remaining: 3, total: 3 } });
    // Resubmitting an undone response appends version 3.
    const again = await t().call('submitVerdict', { responseId: ids[1]!, annotatorId: ada.id, values: answered, timeSpentMs: 1 });
    expect(again.label.version).toBe(3);
  });

  it('skip moves a response to the back without counting it; a later skip goes behind it', async () => {
    const { project, ids, ada } = await setup(t(), 4);
    const skip = await t().call('skipResponse', { responseId: ids[0]!, annotatorId: ada.id });
    expect(skip.progress).toEqual({ done: 0, remaining: 4, total: 4 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([ids[1], ids[2], ids[3], ids[0]]);
    await t().call('skipResponse', { responseId: ids[1]!, annotatorId: ada.id });
    await t().call('skipResponse', { responseId: ids[0]!, annotatorId: ada.id });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([ids[2], ids[3], ids[1], ids[0]]);
    // Judging a skipped response takes it out of the skipped list.
    await t().call('submitVerdict', { responseId: ids[1]!, annotatorId: ada.id, values: answered, timeSpentMs: 1 });
    expect(await queueIds(t(), project.id, ada.id)).toEqual([ids[2], ids[3], ids[0]]);
    expect(t().core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM response_skip').get()!.n).toBe(1);
  });

  it("flags with a note, updates the note, removes the flag; only the caller's flag is shown", async () => {
    const { project, ids, ada, bob } = await setup(t(), 1, ['base'], 2);
    const flagged = await t().call('setResponseFlag', { responseId: ids[0]!, annotatorId: ada.id, flagged: true, note: 'Truncated mid-sentence' });
    expect(flagged.flag).toMatchObject({ responseId: ids[0], annotatorId: ada.id, note: 'Truncated mid-sentence' });
    await t().call('setResponseFlag', { responseId: ids[0]!, annotatorId: ada.id, flagged: true, note: 'Truncated' });
    const flagCount = () => t().core.context.db.read.prepare<{ flag_count: number }>('SELECT flag_count FROM response WHERE id = ?').get(ids[0]!)!.flag_count;
    expect(flagCount()).toBe(1);
    const [adaEntry] = (await t().call('getResponseQueue', { projectId: project.id, annotatorId: ada.id })).entries;
    expect(adaEntry?.myFlag?.note).toBe('Truncated');
    expect(adaEntry?.response.flagged).toBe(true);
    const [bobEntry] = (await t().call('getResponseQueue', { projectId: project.id, annotatorId: bob.id })).entries;
    expect(bobEntry?.myFlag).toBeNull();
    expect((await t().call('setResponseFlag', { responseId: ids[0]!, annotatorId: ada.id, flagged: false })).flag).toBeNull();
    expect(flagCount()).toBe(0);
  });

  it("saveVerdict (browse) appends to the caller's own history with origin browse and is not undone by the queue undo", async () => {
    const { project, ids, ada } = await setup(t(), 2);
    await t().call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: refusal, timeSpentMs: 1 });
    const edit = await t().call('saveVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: unsafe, timeSpentMs: 7 });
    expect(edit).toMatchObject({ version: 2, status: 'submitted', origin: 'browse', values: unsafe, timeSpentMs: 7 });
    const reviewer = await t().call('createUser', { name: 'Rev', role: 'reviewer' });
    expect(await t().call('saveVerdict', { responseId: ids[1]!, annotatorId: reviewer.id, values: answered, timeSpentMs: 3 })).toMatchObject({ version: 1, annotatorName: 'Rev' });
    // Undo takes back queue submits only: Ada's latest head is a browse edit.
    expect((await t().call('undoLastVerdict', { projectId: project.id, annotatorId: ada.id })).restored).toBeNull();
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 1, remaining: 0, total: 2 });
  });

  it('emits project.changed on submit, undo, flag and edit', async () => {
    const { project, ids, ada } = await setup(t(), 1);
    const seen: string[] = [];
    const stop = t().core.events.subscribe((event) => seen.push(`${event.type}:${'projectId' in event ? event.projectId : ''}`));
    await t().call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: refusal, timeSpentMs: 1 });
    await t().call('undoLastVerdict', { projectId: project.id, annotatorId: ada.id });
    await t().call('setResponseFlag', { responseId: ids[0]!, annotatorId: ada.id, flagged: true });
    await t().call('saveVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: refusal, timeSpentMs: 1 });
    stop();
    expect(seen).toEqual(Array.from({ length: 4 }, () => `project.changed:${project.id}`));
  });
});

describe('progress counters', () => {
  it('stay exact through submits, undo, a second judge, quota changes and new responses', async () => {
    const { project, itemIds, ids, ada, bob } = await setup(t(), 3, ['base'], 2);
    await t().call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: refusal, timeSpentMs: 1 });
    await t().call('submitVerdict', { responseId: ids[1]!, annotatorId: ada.id, values: refusal, timeSpentMs: 1 });
    await t().call('submitVerdict', { responseId: ids[0]!, annotatorId: bob.id, values: refusal, timeSpentMs: 1 });
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 2, remaining: 1, total: 3 });
    expect(await progressOf(t(), project.id, bob.id)).toEqual({ done: 1, remaining: 2, total: 3 });
    await t().call('undoLastVerdict', { projectId: project.id, annotatorId: ada.id });
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 1, remaining: 2, total: 3 });
    await t().call('updateProject', { projectId: project.id, patch: { annotatorsPerItem: 1 } });
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 1, remaining: 2, total: 3 });
    expect(await progressOf(t(), project.id, bob.id)).toEqual({ done: 1, remaining: 2, total: 3 });
    seedResponses(t().core.context.db.write, project.id, itemIds.slice(0, 1), ['ckpt-2']);
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 1, remaining: 3, total: 4 });
    // The counters agree with a full count.
    const counted = t()
      .core.context.db.read.prepare<{ total: number; complete: number }>('SELECT COUNT(*) AS total, COALESCE(SUM(complete), 0) AS complete FROM response WHERE project_id = ?')
      .get(project.id);
    const counters = t()
      .core.context.db.read.prepare<{ total: number; complete: number }>('SELECT response_count AS total, response_complete_count AS complete FROM project WHERE id = ?')
      .get(project.id);
    expect(counters).toEqual(counted);
  });
});

describe('bad input', () => {
  it('refuses an unknown verdict, helpfulness 6 and an unknown response with a clear message, writing nothing', async () => {
    const { project, ids, ada } = await setup(t(), 1);
    const badVerdict = (await t()
      .call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: { ...refusal, verdict: 'great' as 'refusal' }, timeSpentMs: 1 })
      .catch((e: unknown) => e)) as StudioError;
    expect(badVerdict.code).toBe('invalid_input');
    expect(badVerdict.message).toMatch(/^submitVerdict: values\.verdict: /);
    expect(badVerdict.message).toContain('refusal');
    expect(badVerdict.problems.map((p) => p.field)).toEqual(['values.verdict']);

    const badHelpfulness = (await t()
      .call('submitVerdict', { responseId: ids[0]!, annotatorId: ada.id, values: { ...refusal, helpfulness: 6 }, timeSpentMs: 1 })
      .catch((e: unknown) => e)) as StudioError;
    expect(badHelpfulness.code).toBe('invalid_input');
    expect(badHelpfulness.problems.map((p) => p.field)).toEqual(['values.helpfulness']);
    expect(badHelpfulness.message).toMatch(/values\.helpfulness: .*5/);

    await expect(t().call('submitVerdict', { responseId: 999_999, annotatorId: ada.id, values: refusal, timeSpentMs: 1 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'no response with id 999999',
    });
    await expect(t().call('submitVerdict', { responseId: ids[0]!, annotatorId: 999_999, values: refusal, timeSpentMs: 1 })).rejects.toMatchObject({
      code: 'not_found',
      message: 'no user with id 999999',
    });
    await expect(t().call('skipResponse', { responseId: 999_999, annotatorId: ada.id })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t().call('setResponseFlag', { responseId: 999_999, annotatorId: ada.id, flagged: true })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t().call('getResponseQueue', { projectId: 999_999, annotatorId: ada.id })).rejects.toMatchObject({ code: 'not_found', message: 'no project with id 999999' });

    expect(verdictRows(t())).toBe(0);
    expect(t().core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM response_skip').get()!.n).toBe(0);
    expect(t().core.context.db.read.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM response_flag').get()!.n).toBe(0);
    expect(await progressOf(t(), project.id, ada.id)).toEqual({ done: 0, remaining: 1, total: 1 });
  });
});
