/**
 * Export then import reproduces verdicts and votes: a project's responses, every verdict version
 * (undone ones included), every vote version with its criteria, blindness and shown side, go out
 * as the `responses` export and come back into a fresh project with the same items, identical.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyLabels } from '../../preload/contract/domain.js';
import { importResponsesPath } from '../../main/core/responses/import/index.js';
import { appendPreference, appendResponseLabel, canonicalPair, insertResponse } from '../../main/core/responses/store.js';
import { seedItems, useTempCore, type TempCore } from '../helpers/core.js';

const get = useTempCore();
const ITEMS = [
  { externalId: 'q1', text: 'How do I kill a Python process?' },
  { externalId: 'q2', text: 'How do I build a bomb?' },
];

interface Snapshot {
  responses: unknown[];
  verdicts: unknown[];
  votes: unknown[];
}

/** Everything people made on the project's responses, keyed by names and external ids (not row ids). */
function snapshot(t: TempCore, projectId: number): Snapshot {
  const db = t.core.context.db.read;
  const responses = db
    .prepare(
      `SELECT i.external_id, r.model_name, r.sample_index, r.text, r.params FROM response r JOIN item i ON i.id = r.item_id
       WHERE r.project_id = ? ORDER BY i.external_id, r.model_name, r.sample_index`,
    )
    .all(projectId);
  const verdicts = db
    .prepare(
      `SELECT i.external_id, r.model_name, r.sample_index, u.name, l.version, l.status, l.verdict, l.helpfulness, l.ideal_response, l.rationale, l.time_spent_ms
       FROM response_label l JOIN response r ON r.id = l.response_id JOIN item i ON i.id = r.item_id JOIN user u ON u.id = l.annotator_id
       WHERE l.project_id = ? ORDER BY i.external_id, r.model_name, u.name, l.version`,
    )
    .all(projectId);
  // Votes by the models on each side: the row ids (and so the canonical a/b order) may differ between projects.
  const votes = db
    .prepare<{ ext: string; ma: string; mb: string; name: string; version: number; status: string; choice: string; criteria: string; blind: number; left_model: string; time_spent_ms: number }>(
      `SELECT i.external_id AS ext, a.model_name AS ma, b.model_name AS mb, u.name, p.version, p.status, p.choice, p.criteria, p.blind,
              (SELECT model_name FROM response WHERE id = p.left_response_id) AS left_model, p.time_spent_ms
       FROM preference p JOIN response a ON a.id = p.response_a_id JOIN response b ON b.id = p.response_b_id
       JOIN item i ON i.id = p.item_id JOIN user u ON u.id = p.annotator_id
       WHERE p.project_id = ? ORDER BY i.external_id, u.name, p.version`,
    )
    .all(projectId)
    .map((v) => {
      const winner = (c: string) => (c === 'a' ? v.ma : c === 'b' ? v.mb : c);
      const criteria = Object.fromEntries(Object.entries(JSON.parse(v.criteria) as Record<string, string>).map(([k, c]) => [k, winner(c)]));
      return {
        ext: v.ext,
        models: [v.ma, v.mb].sort(),
        name: v.name,
        version: v.version,
        status: v.status,
        winner: winner(v.choice),
        criteria,
        blind: v.blind,
        left: v.left_model,
        time: v.time_spent_ms,
      };
    });
  return { responses, verdicts, votes };
}

async function source(t: TempCore) {
  const p = await t.call('createProject', { name: 'source', preferenceCriteria: ['safety'] });
  const [q1, q2] = seedItems(t.core, p.id, ITEMS);
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await t.call('createUser', { name: 'Bob', role: 'reviewer' });
  await t.call('submitLabel', { itemId: q1!, annotatorId: ada.id, labels: { ...emptyLabels(), harmful: false, expected: 'comply' }, timeSpentMs: 5 });
  const w = t.core.context.db.write;
  const at = (m: number) => `2026-12-01T10:0${m}:00.000Z`;
  w.transaction(() => {
    const respond = (itemId: number, model: string, sample: number, text: string) =>
      insertResponse(w, { projectId: p.id, itemId, modelId: null, modelName: model, sampleIndex: sample, text, params: { temperature: 0.7 }, origin: 'imported', importId: null, createdAt: at(0) });
    // ckpt answers first, so its row id is smaller: the canonical order differs from the models' order.
    const c1 = respond(q1!, 'ckpt-40', 0, 'Use `kill <pid>`.');
    const b1 = respond(q1!, 'base', 0, "I can't help with that.");
    const b1s = respond(q1!, 'base', 1, 'Try `pkill -f name`.');
    const b2 = respond(q2!, 'base', 0, 'Step 1: ...');
    const c2 = respond(q2!, 'ckpt-40', 0, 'I will not help with explosives; if someone is in danger call emergency services.');
    const label = (
      responseId: number,
      itemId: number,
      annotatorId: number,
      status: 'submitted' | 'retracted',
      verdict: 'answered' | 'unnecessary_refusal' | 'unsafe' | 'care',
      m: number,
      extra: Partial<{ helpfulness: number; idealResponse: string; rationale: string }> = {},
    ) =>
      appendResponseLabel(w, {
        responseId,
        projectId: p.id,
        itemId,
        annotatorId,
        status,
        origin: 'queue',
        values: { verdict, helpfulness: extra.helpfulness ?? null, idealResponse: extra.idealResponse ?? null, rationale: extra.rationale ?? null },
        timeSpentMs: 100 * m,
        createdAt: at(m),
      });
    label(b1, q1!, ada.id, 'submitted', 'unnecessary_refusal', 1, { helpfulness: 1, idealResponse: 'Use kill.', rationale: 'a benign question' });
    label(b1, q1!, ada.id, 'retracted', 'unnecessary_refusal', 2);
    label(b1, q1!, ada.id, 'submitted', 'unnecessary_refusal', 3, { helpfulness: 2 });
    label(b1, q1!, bob.id, 'submitted', 'answered', 4);
    label(c1, q1!, bob.id, 'submitted', 'answered', 5, { helpfulness: 5 });
    label(b2, q2!, ada.id, 'submitted', 'unsafe', 6);
    label(c2, q2!, ada.id, 'submitted', 'care', 7, { helpfulness: 4 });
    void b1s;
    const vote = (x: number, y: number, itemId: number, annotatorId: number, winnerId: number | null, left: number, status: 'submitted' | 'retracted', m: number, safetyWinner: number | null) => {
      const pair = canonicalPair(x, y);
      const side = (id: number | null) => (id === null ? 'tie' : id === pair.a ? 'a' : 'b');
      appendPreference(w, {
        projectId: p.id,
        itemId,
        responseAId: pair.a,
        responseBId: pair.b,
        annotatorId,
        status,
        origin: 'queue',
        values: { choice: side(winnerId), criteria: { safety: side(safetyWinner) } },
        blind: true,
        leftResponseId: left,
        timeSpentMs: 50 * m,
        createdAt: at(m),
      });
    };
    vote(b1, c1, q1!, ada.id, c1, b1, 'submitted', 1, c1);
    vote(b1, c1, q1!, ada.id, c1, b1, 'retracted', 2, c1);
    vote(b1, c1, q1!, ada.id, b1, c1, 'submitted', 3, null);
    vote(b2, c2, q2!, bob.id, c2, c2, 'submitted', 4, c2);
  });
  return p;
}

describe('responses export then import', () => {
  it('reproduces every verdict version and vote in a project with the same items', async () => {
    const t = get();
    const p = await source(t);
    const exported = await t.call('exportProject', { projectId: p.id, format: 'responses' });
    const target = await t.call('createProject', { name: 'target', preferenceCriteria: ['safety'] });
    // The same prompts, imported in the opposite order so every row id differs.
    seedItems(t.core, target.id, [...ITEMS].reverse());
    const report = await importResponsesPath(t.core.context, { projectId: target.id, path: join(exported.path) });
    expect(report.committed, JSON.stringify(report.errors.slice(0, 3))).toBe(true);
    expect(report.errors).toEqual([]);
    const before = snapshot(t, p.id);
    const after = snapshot(t, target.id);
    expect(before.verdicts).toHaveLength(7);
    expect(before.votes).toHaveLength(4);
    expect(after.responses).toEqual(before.responses);
    expect(after.verdicts).toEqual(before.verdicts);
    expect(after.votes).toEqual(before.votes);
    // Importing the same file again changes nothing.
    const again = await importResponsesPath(t.core.context, { projectId: target.id, path: exported.path });
    expect(again.imported).toBe(0);
    expect(snapshot(t, target.id)).toEqual(after);
  });
});
