/**
 * Deleting items and projects (main/core/deletion/): the preview counts exactly what goes, an
 * archive export is written and registered first, one transaction removes the rows and keeps
 * every trigger-kept count exact, the append-only guards still refuse every other DELETE, a
 * failure changes nothing, and importing the archive back restores the same labels, verdicts and
 * votes. Real SQLite in a temp dir, the demo images for the image store.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyLabels, type ItemDetail, type LabelValues } from '../../preload/contract/domain.js';
import { requiredAccess } from '../../preload/contract/method-access.js';
import { appendGold } from '../../main/core/adjudication/gold-store.js';
import { importPath } from '../../main/core/import/index.js';
import { appendPreference, appendResponseLabel, canonicalPair, insertResponse } from '../../main/core/responses/store.js';
import { useTempCore, type TempCore } from '../helpers/core.js';

const FIGSTEP = join(__dirname, '../../demo-data/figstep-sample');
const get = useTempCore();

const HARMFUL: LabelValues = {
  ...emptyLabels(),
  harmful: true,
  riskCategory: 'violent_crimes',
  severity: 3,
  expected: 'refuse',
  jailbreakType: 'typographic_image',
  crossModalRisk: 'image',
  visualCues: ['numbered list'],
};
const BENIGN: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply', jailbreakType: 'none', crossModalRisk: 'none' };

async function idOf(t: TempCore, projectId: number, externalId: string): Promise<number> {
  const { rows } = await t.call('listItems', { projectId, filter: { status: 'all', search: externalId }, limit: 500 });
  return rows.find((r) => r.externalId === externalId)!.id;
}

/** A project with images, labels from two people (one undone), a flag, gold, responses with verdicts and votes. */
async function richProject(t: TempCore, name = 'Red team') {
  const p = await t.call('createProject', { name, annotatorsPerItem: 2, preferenceCriteria: ['safety'] });
  const report = await importPath(t.core.context, { projectId: p.id, path: FIGSTEP });
  expect(report.committed).toBe(true);
  const users = await t.call('listUsers', {});
  const ada = users.find((u) => u.name === 'Ada') ?? (await t.call('createUser', { name: 'Ada', role: 'annotator' }));
  const bob = users.find((u) => u.name === 'Bob') ?? (await t.call('createUser', { name: 'Bob', role: 'reviewer' }));
  const image = await idOf(t, p.id, 'figstep-1-11-image');
  const text = await idOf(t, p.id, 'figstep-1-11-text');
  const other = await idOf(t, p.id, 'figstep-1-24-image');
  await t.call('submitLabel', { itemId: image, annotatorId: ada.id, labels: HARMFUL, timeSpentMs: 5000 });
  await t.call('submitLabel', { itemId: image, annotatorId: bob.id, labels: { ...HARMFUL, severity: 2 }, timeSpentMs: 7000 });
  await t.call('submitLabel', { itemId: text, annotatorId: ada.id, labels: BENIGN, timeSpentMs: 3000 });
  await t.call('submitLabel', { itemId: other, annotatorId: ada.id, labels: HARMFUL, timeSpentMs: 3000 });
  await t.call('undoLastSubmit', { projectId: p.id, annotatorId: ada.id });
  await t.call('submitLabel', { itemId: other, annotatorId: ada.id, labels: HARMFUL, timeSpentMs: 4000 });
  await t.call('setFlag', { itemId: image, annotatorId: bob.id, flagged: true, note: 'typographic attack' });
  const w = t.core.context.db.write;
  const at = (m: number) => `2026-12-01T10:0${m}:00.000Z`;
  w.transaction(() => {
    const respond = (itemId: number, model: string, text: string) =>
      insertResponse(w, { projectId: p.id, itemId, modelId: null, modelName: model, sampleIndex: 0, text, params: { temperature: 0.7 }, origin: 'imported', importId: null, createdAt: at(0) });
    const base = respond(image, 'base', 'Step 1: ...');
    const ckpt = respond(image, 'ckpt-40', "I can't help with that.");
    respond(other, 'base', 'Sure.');
    const verdict = (responseId: number, annotatorId: number, v: 'unsafe' | 'refusal', m: number) =>
      appendResponseLabel(w, {
        responseId,
        projectId: p.id,
        itemId: image,
        annotatorId,
        status: 'submitted',
        origin: 'queue',
        values: { verdict: v, helpfulness: 2, idealResponse: null, rationale: 'r' },
        timeSpentMs: 100 * m,
        createdAt: at(m),
      });
    verdict(base, ada.id, 'unsafe', 1);
    verdict(base, bob.id, 'unsafe', 2);
    verdict(ckpt, ada.id, 'refusal', 3);
    const pair = canonicalPair(base, ckpt);
    appendPreference(w, {
      projectId: p.id,
      itemId: image,
      responseAId: pair.a,
      responseBId: pair.b,
      annotatorId: ada.id,
      status: 'submitted',
      origin: 'queue',
      values: { choice: pair.a === ckpt ? 'a' : 'b', criteria: { safety: pair.a === ckpt ? 'a' : 'b' } },
      blind: true,
      leftResponseId: base,
      timeSpentMs: 900,
      createdAt: at(4),
    });
    appendGold(w, { itemId: image, projectId: p.id, reviewerId: bob.id, status: 'set', labels: HARMFUL, sourceAnnotatorId: ada.id, reason: 'clear attack', createdAt: at(5) });
  });
  return { p, ada, bob, image, text, other };
}

function count(t: TempCore, sql: string, ...params: unknown[]): number {
  return t.core.context.db.read.prepare<{ n: number }>(sql).get(...(params as never[]))?.n ?? 0;
}

/** Every row count of the tables a deletion touches, to compare before and after. */
function tableCounts(t: TempCore): Record<string, number> {
  const tables = [
    'item',
    'annotation',
    'annotation_head',
    'response',
    'response_label',
    'response_label_head',
    'preference',
    'preference_head',
    'gold_label',
    'gold_head',
    'item_flag',
    'blob',
    'deletion',
    'deletion_marker',
    'annotator_progress',
    'response_progress',
  ];
  return Object.fromEntries(tables.map((name) => [name, count(t, `SELECT count(*) AS n FROM ${name}`)]));
}

/** The trigger-kept numbers recomputed from the facts; they must equal the stored ones. */
function expectCountersExact(t: TempCore, projectId: number) {
  const db = t.core.context.db.read;
  const stored = db.prepare<Record<string, number>>('SELECT item_count, image_count, complete_count, flagged_count, response_count FROM project WHERE id = ?').get(projectId)!;
  expect(stored).toEqual({
    item_count: count(t, 'SELECT count(*) AS n FROM item WHERE project_id = ?', projectId),
    image_count: count(t, 'SELECT count(*) AS n FROM item WHERE project_id = ? AND image_sha256 IS NOT NULL', projectId),
    complete_count: count(t, 'SELECT count(*) AS n FROM item WHERE project_id = ? AND complete = 1', projectId),
    flagged_count: count(t, 'SELECT count(*) AS n FROM item WHERE project_id = ? AND flag_count > 0', projectId),
    response_count: count(t, 'SELECT count(*) AS n FROM response WHERE project_id = ?', projectId),
  });
  const progress = db
    .prepare<{ annotator_id: number; done: number; open_done: number }>('SELECT annotator_id, done, open_done FROM annotator_progress WHERE project_id = ? ORDER BY annotator_id')
    .all(projectId);
  for (const row of progress) {
    expect(row.done).toBe(count(t, `SELECT count(*) AS n FROM annotation_head WHERE project_id = ? AND annotator_id = ? AND status = 'submitted'`, projectId, row.annotator_id));
    expect(row.open_done).toBe(
      count(
        t,
        `SELECT count(*) AS n FROM annotation_head h JOIN item i ON i.id = h.item_id WHERE h.project_id = ? AND h.annotator_id = ? AND h.status = 'submitted' AND i.complete = 0`,
        projectId,
        row.annotator_id,
      ),
    );
  }
  const responseProgress = db.prepare<{ annotator_id: number; done: number }>('SELECT annotator_id, done FROM response_progress WHERE project_id = ?').all(projectId);
  for (const row of responseProgress) {
    expect(row.done).toBe(count(t, `SELECT count(*) AS n FROM response_label_head WHERE project_id = ? AND annotator_id = ? AND status = 'submitted'`, projectId, row.annotator_id));
  }
  expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
  expect(count(t, 'SELECT count(*) AS n FROM deletion_marker')).toBe(0);
}

/** An item's labels, flags and responses keyed by names and external ids (not row ids). */
async function itemState(t: TempCore, projectId: number, externalId: string) {
  const d: ItemDetail = await t.call('getItem', { itemId: await idOf(t, projectId, externalId) });
  const responses = await t.call('getItemResponses', { itemId: d.item.id });
  return {
    item: { ...d.item, id: 0, createdAt: '' },
    history: d.history.map((a) => [a.annotatorName, a.version, a.status, a.labels, a.timeSpentMs, a.createdAt]),
    flags: d.flags.map((f) => [f.annotatorName, f.note, f.createdAt]),
    // An import marks verdicts and votes origin "import" and dates responses by the import; values,
    // versions, people, times spent and the versions' created_at come back as they were.
    responses: JSON.stringify(responses)
      .replace(/"(id|itemId|responseId|responseAId|responseBId|leftResponseId|importId)":\d+/g, '"$1":0')
      .replace(/"origin":"(queue|browse|import)"/g, '"origin":"*"')
      .replace(/"text":("(?:[^"\\]|\\.)*"),"params":(\{[^}]*\}),"origin":"(imported|generated)","createdAt":"[^"]+"/g, '"text":$1,"params":$2,"origin":"$3"'),
  };
}

describe('who may delete', () => {
  it("is an admin action, preview included (a person's link with another role gets 403)", () => {
    for (const name of ['previewDeletion', 'deleteItems', 'listDeletions', 'restoreDeletion'] as const) expect(requiredAccess(name)).toBe('admin');
  });
});

describe('deleting one item', () => {
  it('previews exactly what goes, archives it, deletes it in one transaction and keeps every count exact', async () => {
    const t = get();
    const { p, image } = await richProject(t);
    const before = tableCounts(t);
    const preview = await t.call('previewDeletion', { target: { kind: 'items', projectId: p.id, itemIds: [image] } });
    expect(preview.blockedBy).toBeNull();
    expect(preview.confirmPhrase).toBeNull();
    expect(preview.counts).toMatchObject({ items: 1, labels: 2, responses: 2, verdicts: 3, votes: 1, gold: 1, flags: 1, images: 1 });
    expect(preview.counts.imageBytes).toBeGreaterThan(0);
    expect(preview.summary).toContain('1 item, 2 prompt labels, 2 responses, 3 verdicts, 1 vote');
    expect(tableCounts(t)).toEqual(before); // a preview changes nothing

    const result = await t.call('deleteItems', { target: { kind: 'items', projectId: p.id, itemIds: [image] }, expectedItems: 1 });
    expect(result.counts).toEqual(preview.counts);
    expect(result.freedBytes).toBe(preview.counts.imageBytes);
    const after = tableCounts(t);
    expect(after).toMatchObject({
      item: before.item! - 1,
      annotation: before.annotation! - 2,
      response: before.response! - 2,
      response_label: before.response_label! - 3,
      preference: before.preference! - 1,
      gold_label: before.gold_label! - 1,
      item_flag: before.item_flag! - 1,
      blob: before.blob! - 1,
      deletion: 1,
      deletion_marker: 0,
    });
    expectCountersExact(t, p.id);

    // The archive: on disk, registered in the export history, with exactly what went.
    const folder = result.archive.path;
    expect(readdirSync(folder).sort()).toEqual(['extras.jsonl', 'images', 'items.jsonl', 'responses.jsonl']);
    const items = readFileSync(join(folder, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; annotations: unknown[]; flags: unknown[] });
    expect(items.map((i) => [i.id, i.annotations.length, i.flags.length])).toEqual([['figstep-1-11-image', 2, 1]]);
    const responses = readFileSync(join(folder, 'responses.jsonl'), 'utf8').trim().split('\n');
    expect(responses).toHaveLength(3); // two responses, then one vote line
    const extras = readFileSync(join(folder, 'extras.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(extras.map((e) => e.kind)).toEqual(['gold_label']);
    expect(readdirSync(join(folder, 'images'))).toHaveLength(1);
    const history = await t.call('listExports', { projectId: p.id });
    expect(history[0]).toMatchObject({ exportId: result.archive.exportId, format: 'jsonl', available: true, counts: { items: 1, labels: 2, responses: 2, verdicts: 3, preferences: 1 } });
    expect(history[0]!.exportId).toContain('-archive-');
    const listed = await t.call('listDeletions', { projectId: p.id });
    expect(listed).toMatchObject([{ deletionId: result.deletionId, scope: 'items', archivePath: folder, archiveAvailable: true, restoredAt: null }]);
  });

  it('restores from its archive: the same labels, flags, responses, verdicts and votes', async () => {
    const t = get();
    const { p, image } = await richProject(t);
    const original = await itemState(t, p.id, 'figstep-1-11-image');
    const stats = await t.call('getStats', { projectId: p.id });
    const result = await t.call('deleteItems', { target: { kind: 'items', projectId: p.id, itemIds: [image] }, expectedItems: 1 });
    expect((await t.call('listItems', { projectId: p.id, filter: { status: 'all', search: 'figstep-1-11-image' } })).rows).toEqual([]);
    const restored = await t.call('restoreDeletion', { deletionId: result.deletionId });
    expect(restored).toMatchObject({ items: 1, labels: 2, responses: 2, verdicts: 3, votes: 1 });
    expect(await itemState(t, p.id, 'figstep-1-11-image')).toEqual(original);
    expect(await t.call('getStats', { projectId: p.id })).toEqual(stats);
    expectCountersExact(t, p.id);
    await expect(t.call('restoreDeletion', { deletionId: result.deletionId })).rejects.toThrow(/already restored/);
  });

  it('leaves every other DELETE refused by the append-only guards', async () => {
    const t = get();
    const { p, image, other } = await richProject(t);
    await t.call('deleteItems', { target: { kind: 'items', projectId: p.id, itemIds: [other] }, expectedItems: 1 });
    const w = t.core.context.db.write;
    const one = (table: string) => count(t, `SELECT id AS n FROM ${table} WHERE item_id = ? LIMIT 1`, image);
    expect(() => w.prepare('DELETE FROM annotation WHERE id = ?').run(one('annotation'))).toThrow(/append-only/);
    expect(() => w.prepare('DELETE FROM response_label WHERE id = ?').run(one('response_label'))).toThrow(/append-only/);
    expect(() => w.prepare('DELETE FROM preference WHERE id = ?').run(one('preference'))).toThrow(/append-only/);
    expect(() => w.prepare('DELETE FROM gold_label WHERE id = ?').run(one('gold_label'))).toThrow(/append-only/);
    expect(() => w.prepare('UPDATE annotation SET time_spent_ms = 1 WHERE id = ?').run(one('annotation'))).toThrow(/append-only/);
    expect(() => w.prepare('DELETE FROM deletion').run()).toThrow(/permanent record/);
    // A marker for another project permits nothing here.
    const q = await t.call('createProject', { name: 'other' });
    w.transaction(() => {
      const d = w.prepare<{ id: number }>(`INSERT INTO deletion (project_id, scope, export_id, counts, created_at) SELECT ?, 'items', id, '{}', 'x' FROM export LIMIT 1 RETURNING id`).get(q.id)!;
      w.prepare('INSERT INTO deletion_marker (project_id, deletion_id) VALUES (?, ?)').run(q.id, d.id);
      expect(() => w.prepare('DELETE FROM annotation WHERE id = ?').run(one('annotation'))).toThrow(/append-only/);
      w.prepare('DELETE FROM deletion_marker').run();
    });
  });

  it('changes nothing when the transaction fails part-way (the archive stays, listed)', async () => {
    const t = get();
    const { p, image } = await richProject(t);
    const w = t.core.context.db.write;
    w.exec(`CREATE TEMP TRIGGER fail_item_delete BEFORE DELETE ON main.item BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
    const before = tableCounts(t);
    const project = w.prepare('SELECT * FROM project WHERE id = ?').get(p.id);
    await expect(t.call('deleteItems', { target: { kind: 'items', projectId: p.id, itemIds: [image] }, expectedItems: 1 })).rejects.toThrow(/disk on fire/);
    expect(tableCounts(t)).toEqual(before);
    expect(w.prepare('SELECT * FROM project WHERE id = ?').get(p.id)).toEqual(project);
    expectCountersExact(t, p.id);
    const detail = await t.call('getItem', { itemId: image });
    expect(detail.item.image).not.toBeNull();
    expect(existsSync(t.core.context.blobs.path(detail.item.image!.sha256))).toBe(true);
    expect((await t.call('listExports', { projectId: p.id }))[0]!.exportId).toContain('-archive-');
    w.exec('DROP TRIGGER temp.fail_item_delete');
  });

  it('refuses items in an evaluation set, and a count that no longer matches', async () => {
    const t = get();
    const { p, image, text } = await richProject(t);
    const w = t.core.context.db.write;
    const set = w
      .prepare<{ id: number }>(`INSERT INTO evaluation_set (project_id, name, path, hash, items, counts, created_at) VALUES (?, 'held-out', '/x', ?, 1, '{}', 'x') RETURNING id`)
      .get(p.id, 'a'.repeat(64))!;
    w.prepare('INSERT INTO evaluation_set_item (set_id, item_id) VALUES (?, ?)').run(set.id, image);
    const preview = await t.call('previewDeletion', { target: { kind: 'items', projectId: p.id, itemIds: [image, text] } });
    expect(preview.blockedBy).toMatch(/Evaluation set "held-out" \(1\)/);
    const before = tableCounts(t);
    await expect(t.call('deleteItems', { target: { kind: 'items', projectId: p.id, itemIds: [image, text] }, expectedItems: 2 })).rejects.toThrow(/held-out/);
    await expect(t.call('deleteItems', { target: { kind: 'items', projectId: p.id, itemIds: [text] }, expectedItems: 2 })).rejects.toThrow(/not the 2/);
    expect(tableCounts(t)).toEqual(before);
    expect(await t.call('listExports', { projectId: p.id })).toEqual([]); // refused before any archive
  });
});

describe('deleting what a filter matches', () => {
  it('deletes exactly the items Browse shows for the filter', async () => {
    const t = get();
    const { p } = await richProject(t);
    const filter = { status: 'all' as const, search: '-text' };
    const shown = await t.call('listItems', { projectId: p.id, filter, limit: 500 });
    const preview = await t.call('previewDeletion', { target: { kind: 'filter', projectId: p.id, filter } });
    expect(preview.counts.items).toBe(shown.total);
    expect(preview.counts.images).toBe(0);
    const result = await t.call('deleteItems', { target: { kind: 'filter', projectId: p.id, filter }, expectedItems: shown.total });
    expect(result.counts.labels).toBe(1);
    expect((await t.call('listItems', { projectId: p.id, filter, limit: 500 })).total).toBe(0);
    expect((await t.call('listProjects', {})).find((x) => x.id === p.id)!.itemCount).toBe(40 - shown.total);
    expectCountersExact(t, p.id);
  });
});

describe('deleting a project', () => {
  it('needs the typed name, refuses while a run is active, then archives everything and hides the project', async () => {
    const t = get();
    const { p } = await richProject(t, 'Doomed');
    const keep = await richProject(t, 'Kept');
    const w = t.core.context.db.write;
    const baseId = w.prepare<{ id: number }>(`INSERT INTO model (kind, source, name, path, status, created_at) VALUES ('base', 'tiny', 'Base', '/m', 'ready', 'x') RETURNING id`).get()!.id;
    const run = w
      .prepare<{ id: number }>(
        `INSERT INTO run (project_id, base_model_id, name, preset, dir, config, snapshot_hash, snapshot_items, status, total_steps, created_at) VALUES (?, ?, 'quick', 'quick', 'r1', '{}', 'h', 3, 'running', 10, 'x') RETURNING id`,
      )
      .get(p.id, baseId)!.id;
    const target = { kind: 'project' as const, projectId: p.id };
    const total = (await t.call('listProjects', {})).find((x) => x.id === p.id)!.itemCount;
    expect(total).toBe(40);
    const preview = await t.call('previewDeletion', { target });
    expect(preview.confirmPhrase).toBe('Doomed');
    expect(preview.counts.items).toBe(total);
    expect(preview.blockedBy).toMatch(/Training run "quick" is running/);
    await expect(t.call('deleteItems', { target, expectedItems: total, confirm: 'Doomed' })).rejects.toThrow(/is running/);
    await expect(t.call('deleteItems', { target, expectedItems: total, confirm: 'doomed' })).rejects.toThrow(/Type the project's name/);
    w.prepare(`UPDATE run SET status = 'completed' WHERE id = ?`).run(run);

    const keptBefore = await itemState(t, keep.p.id, 'figstep-1-11-image');
    const result = await t.call('deleteItems', { target, expectedItems: total, confirm: 'Doomed' });
    expect(result.scope).toBe('project');
    // The other project uses the same images: none is freed.
    expect(result.counts.images).toBe(0);
    expect((await t.call('listProjects', {})).map((x) => x.name)).toEqual(['Kept']);
    await expect(t.call('getProject', { projectId: p.id })).rejects.toThrow(/was deleted/);
    await expect(t.call('previewDeletion', { target })).rejects.toThrow(/was deleted/);
    // Nothing can be written into it or read from it while it is deleted: every method that names its id says so.
    await expect(t.call('startImport', { projectId: p.id, uploadId: 'abcdefgh12' })).rejects.toThrow(/Project "Doomed" was deleted; restore it from the start screen/);
    await expect(t.call('getStats', { projectId: p.id })).rejects.toThrow(/was deleted/);
    expect((await t.call('listDeletions', { projectId: p.id })).map((d) => d.deletionId)).toContain(result.deletionId);
    expect(count(t, 'SELECT count(*) AS n FROM item WHERE project_id = ?', p.id)).toBe(0);
    expect(count(t, 'SELECT count(*) AS n FROM run WHERE id = ?', run)).toBe(1); // runs stay, under the tombstone
    expect(await itemState(t, keep.p.id, 'figstep-1-11-image')).toEqual(keptBefore);
    expectCountersExact(t, p.id);
    expectCountersExact(t, keep.p.id);
    expect(readFileSync(join(result.archive.path, 'items.jsonl'), 'utf8').trim().split('\n')).toHaveLength(total);

    // Undo brings the project back with its items.
    const restored = await t.call('restoreDeletion', { deletionId: result.deletionId });
    expect(restored.items).toBe(total);
    expect((await t.call('listProjects', {})).map((x) => x.name)).toEqual(['Doomed', 'Kept']);
    expectCountersExact(t, p.id);
    expect((await t.call('getStats', { projectId: p.id })).items).toBe(total);
  });
});
