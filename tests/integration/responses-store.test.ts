/**
 * The responses data model (migration 0006) at the storage level: append-only verdict and
 * preference versions, heads, counters and completeness kept by triggers, and the checks that
 * refuse rows which do not belong together.
 */
import { describe, expect, it } from 'vitest';
import { useTempCore, seedCount } from '../helpers/core.js';
import { appendPreference, appendResponseLabel, canonicalPair, insertResponse } from '../../main/core/responses/store.js';

const get = useTempCore();
const at = '2026-12-01T00:00:00.000Z';

async function setup() {
  const t = get();
  const project = await t.call('createProject', { name: 'p', annotatorsPerItem: 2 });
  const [itemId, otherItem] = seedCount(t.core, project.id, 2);
  const ada = await t.call('createUser', { name: 'Ada', role: 'annotator' });
  const bob = await t.call('createUser', { name: 'Bob', role: 'annotator' });
  const w = t.core.context.db.write;
  const respond = (modelName: string, item = itemId!, sampleIndex = 0) =>
    w.transaction(() =>
      insertResponse(w, { projectId: project.id, itemId: item, modelId: null, modelName, sampleIndex, text: `${modelName} says`, params: {}, origin: 'imported', importId: null, createdAt: at }),
    );
  return { t, w, project, itemId: itemId!, otherItem: otherItem!, ada, bob, respond };
}

describe('responses store', () => {
  it('keeps verdict heads, counts and completeness exact through submit, retract and a second annotator', async () => {
    const { t, w, project, itemId, ada, bob, respond } = await setup();
    const r = respond('m1');
    const label = (annotatorId: number, status: 'submitted' | 'retracted') =>
      w.transaction(() =>
        appendResponseLabel(w, {
          responseId: r,
          projectId: project.id,
          itemId,
          annotatorId,
          status,
          origin: 'queue',
          values: { verdict: 'refusal', helpfulness: 2, idealResponse: null, rationale: null },
          timeSpentMs: 5,
          createdAt: at,
        }),
      );
    const state = () => t.core.context.db.read.prepare<{ verdict_count: number; complete: number }>('SELECT verdict_count, complete FROM response WHERE id = ?').get(r);
    const progress = (a: number) => t.core.context.db.read.prepare<{ done: number; open_done: number }>('SELECT done, open_done FROM response_progress WHERE annotator_id = ?').get(a);
    label(ada.id, 'submitted');
    expect(state()).toEqual({ verdict_count: 1, complete: 0 });
    expect(progress(ada.id)).toEqual({ done: 1, open_done: 1 });
    label(bob.id, 'submitted');
    expect(state()).toEqual({ verdict_count: 2, complete: 1 });
    expect(progress(ada.id)).toEqual({ done: 1, open_done: 0 });
    label(ada.id, 'retracted');
    expect(state()).toEqual({ verdict_count: 1, complete: 0 });
    expect(progress(ada.id)).toEqual({ done: 0, open_done: 0 });
    expect(progress(bob.id)).toEqual({ done: 1, open_done: 1 });
    const versions = t.core.context.db.read.prepare<{ version: number }>('SELECT version FROM response_label WHERE annotator_id = ? ORDER BY id').all(ada.id);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(() => w.exec("UPDATE response_label SET verdict = 'unsafe'")).toThrow(/append-only/);
    expect(() => w.exec('DELETE FROM response_label')).toThrow(/append-only/);
  });

  it('refuses a second response for the same (item, model, sample) and a verdict outside the six', async () => {
    const { w, project, itemId, ada, respond } = await setup();
    const r = respond('m1');
    expect(() => respond('m1')).toThrow(/UNIQUE/);
    expect(respond('m1', itemId, 1)).toBeGreaterThan(r);
    expect(() =>
      w.transaction(() =>
        appendResponseLabel(w, {
          responseId: r,
          projectId: project.id,
          itemId,
          annotatorId: ada.id,
          status: 'submitted',
          origin: 'queue',
          values: { verdict: 'good' as never, helpfulness: null, idealResponse: null, rationale: null },
          timeSpentMs: 0,
          createdAt: at,
        }),
      ),
    ).toThrow(/CHECK/);
  });

  it('stores a preference in canonical order and refuses responses to different items', async () => {
    const { t, w, project, itemId, otherItem, ada, respond } = await setup();
    const r1 = respond('m1');
    const r2 = respond('m2');
    const elsewhere = respond('m3', otherItem);
    const pair = canonicalPair(r2, r1);
    expect(pair).toEqual({ a: r1, b: r2, swapped: true });
    const vote = (choice: 'a' | 'b', status: 'submitted' | 'retracted' = 'submitted') =>
      w.transaction(() =>
        appendPreference(w, {
          projectId: project.id,
          itemId,
          responseAId: pair.a,
          responseBId: pair.b,
          annotatorId: ada.id,
          status,
          origin: 'queue',
          values: { choice, criteria: { safety: 'a' } },
          blind: true,
          leftResponseId: r2,
          timeSpentMs: 10,
          createdAt: at,
        }),
      );
    vote('b');
    vote('b', 'retracted');
    const head = t.core.context.db.read.prepare<{ version: number; status: string }>('SELECT version, status FROM preference_head').get();
    expect(head).toEqual({ version: 2, status: 'retracted' });
    expect(() =>
      w.transaction(() =>
        appendPreference(w, {
          projectId: project.id,
          itemId,
          responseAId: r1,
          responseBId: elsewhere,
          annotatorId: ada.id,
          status: 'submitted',
          origin: 'queue',
          values: { choice: 'a', criteria: {} },
          blind: true,
          leftResponseId: r1,
          timeSpentMs: 0,
          createdAt: at,
        }),
      ),
    ).toThrow(/same|item/);
    expect(() => canonicalPair(r1, r1)).toThrow(/two different/);
  });
});
