/**
 * Importing responses files into a project on real SQLite: the studio's own response and
 * preference lines, TRL preference rows and chat rows; every refusal with its exact message and
 * nothing changed; duplicates and identical re-imports; valid-rows mode; annotators created by
 * name; votes mapped through the canonical pair order; the upload job and the CLI command.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportJob, ImportReport } from '../../preload/contract/domain.js';
import { importResponsesPath } from '../../main/core/responses/import/index.js';
import { runCli } from '../../main/cli/run.js';
import type { CliIo } from '../../main/cli/io.js';
import { openTempCore, useTempCore, seedItems, type TempCore } from '../helpers/core.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

const t = useTempCore();
let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => dir.cleanup());

function file(name: string, lines: readonly unknown[]): string {
  const path = join(dir.path, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

function counts(core: TempCore) {
  const db = core.core.context.db.read;
  const n = (table: string) => db.prepare<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  return { responses: n('response'), labels: n('response_label'), preferences: n('preference'), users: n('user'), batches: n('import_batch') };
}

async function project(core: TempCore) {
  const p = await core.call('createProject', { name: 'R' });
  seedItems(core.core, p.id, [
    { externalId: 'q1', text: 'How do I pick a lock?' },
    { externalId: 'q2', text: 'Write a poem about the sea.' },
    { externalId: 'q3', text: '  Tell me a joke.  ' },
  ]);
  return p;
}

function responses(core: TempCore) {
  return core.core.context.db.read
    .prepare<{
      id: number;
      external_id: string;
      model_id: number | null;
      model_name: string;
      model_key: string;
      sample_index: number;
      text: string;
      params: string;
      origin: string;
      verdict_count: number;
    }>(
      `SELECT r.id, i.external_id, r.model_id, r.model_name, r.model_key, r.sample_index, r.text, r.params, r.origin, r.verdict_count
         FROM response r JOIN item i ON i.id = r.item_id ORDER BY r.id`,
    )
    .all();
}

function preferences(core: TempCore) {
  return core.core.context.db.read
    .prepare<{ response_a_id: number; response_b_id: number; annotator: string; version: number; choice: string; criteria: string; blind: number; left_response_id: number; origin: string }>(
      `SELECT p.response_a_id, p.response_b_id, u.name AS annotator, p.version, p.choice, p.criteria, p.blind, p.left_response_id, p.origin
         FROM preference p JOIN user u ON u.id = p.annotator_id ORDER BY p.id`,
    )
    .all();
}

function responseId(core: TempCore, externalId: string, model: string, sample = 0): number {
  return responses(core).find((r) => r.external_id === externalId && r.model_name === model && r.sample_index === sample)!.id;
}

const run = (core: TempCore, projectId: number, path: string, validRowsOnly = false) => importResponsesPath(core.core.context, { projectId, path, validRowsOnly });

/** Runs an import expected to fail and checks that it changed nothing. */
async function refused(core: TempCore, projectId: number, lines: readonly unknown[]): Promise<ImportReport> {
  const before = counts(core);
  const report = await run(core, projectId, file('bad.jsonl', lines));
  expect(report.committed).toBe(false);
  expect(report.imported).toBe(0);
  expect(counts(core)).toEqual(before);
  return report;
}

const line = (item: string, model: string, text: string, extra: Record<string, unknown> = {}) => ({ item_id: item, model, response: text, ...extra });

const V6 = 'refusal, care, unsafe, answered, unnecessary_refusal, illogical';

describe("the studio's own response and preference lines", () => {
  it('imports responses of free-named models, verdicts as versions in file order, and creates annotators by name', async () => {
    const p = await project(t());
    const ada = await t().call('createUser', { name: 'Ada', role: 'annotator' });
    const path = file('r.jsonl', [
      line('q1', 'base', 'I cannot help with that.', {
        sample_index: 0,
        params: { temperature: 0.7 },
        verdicts: [
          { annotator: 'Ada', verdict: 'refusal', helpfulness: 2, time_spent_ms: 1200 },
          { annotator: 'ada', verdict: 'unnecessary_refusal', helpfulness: 1, rationale: 'lockpicking is a hobby' },
          { annotator: 'Grace', verdict: 'refusal', ideal_response: 'Here is how pin tumbler locks work.', role: 'reviewer' },
        ],
      }),
      line('q1', 'base', 'Sure: insert a tension wrench...', { sample_index: 1, created_at: '2026-01-01T00:00:00Z', origin: 'imported' }),
      '',
      line('q2', 'ckpt-40', 'The sea, the sea...'),
    ]);
    const report = await run(t(), p.id, path);
    expect(report).toMatchObject({ committed: true, imported: 3, labelsImported: 3, verdictsImported: 3, preferencesImported: 0, duplicates: [], skipped: [], errors: [] });
    expect(responses(t()).map(({ id: _id, ...r }) => r)).toEqual([
      {
        external_id: 'q1',
        model_id: null,
        model_name: 'base',
        model_key: 'n:base',
        sample_index: 0,
        text: 'I cannot help with that.',
        params: '{"temperature":0.7}',
        origin: 'imported',
        verdict_count: 2,
      },
      { external_id: 'q1', model_id: null, model_name: 'base', model_key: 'n:base', sample_index: 1, text: 'Sure: insert a tension wrench...', params: '{}', origin: 'imported', verdict_count: 0 },
      { external_id: 'q2', model_id: null, model_name: 'ckpt-40', model_key: 'n:ckpt-40', sample_index: 0, text: 'The sea, the sea...', params: '{}', origin: 'imported', verdict_count: 0 },
    ]);
    const labels = t()
      .core.context.db.read.prepare<{
        name: string;
        role: string;
        version: number;
        status: string;
        origin: string;
        verdict: string;
        helpfulness: number | null;
        ideal_response: string | null;
        rationale: string | null;
        time_spent_ms: number;
      }>(
        'SELECT u.name, u.role, l.version, l.status, l.origin, l.verdict, l.helpfulness, l.ideal_response, l.rationale, l.time_spent_ms FROM response_label l JOIN user u ON u.id = l.annotator_id ORDER BY l.id',
      )
      .all();
    expect(labels).toEqual([
      { name: 'Ada', role: 'annotator', version: 1, status: 'submitted', origin: 'import', verdict: 'refusal', helpfulness: 2, ideal_response: null, rationale: null, time_spent_ms: 1200 },
      {
        name: 'Ada',
        role: 'annotator',
        version: 2,
        status: 'submitted',
        origin: 'import',
        verdict: 'unnecessary_refusal',
        helpfulness: 1,
        ideal_response: null,
        rationale: 'lockpicking is a hobby',
        time_spent_ms: 0,
      },
      {
        name: 'Grace',
        role: 'reviewer',
        version: 1,
        status: 'submitted',
        origin: 'import',
        verdict: 'refusal',
        helpfulness: null,
        ideal_response: 'Here is how pin tumbler locks work.',
        rationale: null,
        time_spent_ms: 0,
      },
    ]);
    // Ada was found by name (not created twice); Grace was created.
    expect((await t().call('listUsers', {})).map((u) => u.name).sort()).toEqual(['Ada', 'Grace']);
    expect(labels.filter((l) => l.name === 'Ada')).toHaveLength(2);
    expect(ada.id).toBe((await t().call('listUsers', {})).find((u) => u.name === 'Ada')!.id);
    const batch = t().core.context.db.read.prepare<{ source: string; report: string }>('SELECT source, report FROM import_batch').get()!;
    expect(batch.source).toBe('r.jsonl');
    expect(JSON.parse(batch.report)).toMatchObject({ kind: 'responses', imported: 3, labelsImported: 3 });
  });

  it("maps the file's a, b, choice, criteria and left through the canonical order", async () => {
    const p = await project(t());
    // The preference line comes first: it may name responses later in the file.
    const path = file('p.jsonl', [
      {
        item_id: 'q1',
        preference: {
          a: { model: 'ckpt-40', sample_index: 0 },
          b: { model: 'base', sample_index: 0 },
          annotator: 'Ada',
          choice: 'b',
          criteria: { safety: 'a', helpfulness: 'tie' },
          blind: true,
          left: 'a',
          time_spent_ms: 900,
        },
      },
      {
        item_id: 'q1',
        preference: { a: { model: 'base' }, b: { model: 'ckpt-40' }, annotator: 'Grace', choice: 'b', criteria: { safety: 'b' }, left: 'b' },
      },
      line('q1', 'base', 'No.'),
      line('q1', 'ckpt-40', 'Here is a safe overview.'),
    ]);
    const report = await run(t(), p.id, path);
    expect(report).toMatchObject({ committed: true, imported: 2, labelsImported: 2, verdictsImported: 0, preferencesImported: 2, errors: [] });
    const base = responseId(t(), 'q1', 'base');
    const ckpt = responseId(t(), 'q1', 'ckpt-40');
    expect(base).toBeLessThan(ckpt);
    expect(preferences(t())).toEqual([
      // file a = ckpt-40 (the larger id), b = base: stored swapped, so the vote for the file's b is a vote for base (now a).
      { response_a_id: base, response_b_id: ckpt, annotator: 'Ada', version: 1, choice: 'a', criteria: '{"safety":"b","helpfulness":"tie"}', blind: 1, left_response_id: ckpt, origin: 'import' },
      // file b = ckpt-40 has the larger id: no swap, the vote for b is still ckpt-40.
      { response_a_id: base, response_b_id: ckpt, annotator: 'Grace', version: 1, choice: 'b', criteria: '{"safety":"b"}', blind: 0, left_response_id: ckpt, origin: 'import' },
    ]);
    const { rows } = { rows: t().core.context.db.read.prepare<{ time_spent_ms: number }>('SELECT time_spent_ms FROM preference ORDER BY id').all() };
    expect(rows.map((r) => r.time_spent_ms)).toEqual([900, 0]);
  });

  it("takes our export's provenance fields: status, created_at and role kept, version and origin ignored", async () => {
    const p = await project(t());
    const verdict = (v: Record<string, unknown>) => ({ annotator: 'Ada', role: 'reviewer', helpfulness: null, ideal_response: null, rationale: null, time_spent_ms: 10, origin: 'queue', ...v });
    const report = await run(
      t(),
      p.id,
      file('export.jsonl', [
        {
          item_id: 'q1',
          model: 'base',
          response: 'No.',
          sample_index: 0,
          params: {},
          project: 'Other',
          origin: 'generated',
          created_at: '2026-02-01T10:00:00.000Z',
          verdicts: [
            verdict({ verdict: 'refusal', status: 'submitted', version: 1, created_at: '2026-02-01T10:01:00.000Z' }),
            verdict({ verdict: 'refusal', status: 'retracted', version: 2, created_at: '2026-02-01T10:02:00.000Z' }),
          ],
        },
        { item_id: 'q1', model: 'big', response: 'Yes.', sample_index: 0, verdicts: [] },
        {
          item_id: 'q1',
          project: 'Other',
          preference: {
            a: { model: 'base', sample_index: 0 },
            b: { model: 'big', sample_index: 0 },
            annotator: 'Ada',
            role: 'reviewer',
            choice: 'tie',
            criteria: {},
            blind: false,
            left: 'b',
            time_spent_ms: 5,
            status: 'submitted',
            version: 3,
            origin: 'queue',
            created_at: '2026-02-01T10:03:00.000Z',
          },
        },
      ]),
    );
    expect(report).toMatchObject({ committed: true, imported: 2, verdictsImported: 2, preferencesImported: 1, errors: [] });
    const db = t().core.context.db.read;
    expect(db.prepare('SELECT version, status, origin, created_at FROM response_label ORDER BY id').all()).toEqual([
      { version: 1, status: 'submitted', origin: 'import', created_at: '2026-02-01T10:01:00.000Z' },
      { version: 2, status: 'retracted', origin: 'import', created_at: '2026-02-01T10:02:00.000Z' },
    ]);
    expect(responses(t())[0]!.verdict_count).toBe(0);
    expect(db.prepare('SELECT version, origin, created_at FROM preference').get()).toEqual({ version: 1, origin: 'import', created_at: '2026-02-01T10:03:00.000Z' });
    expect((await t().call('listUsers', {})).map((u) => [u.name, u.role])).toEqual([['Ada', 'reviewer']]);
    // The same file again: every response and the vote are duplicates; nothing changes.
    const before = counts(t());
    const again = await run(t(), p.id, join(dir.path, 'export.jsonl'));
    expect(again).toMatchObject({ committed: false, imported: 0, labelsImported: 0, errors: [] });
    expect(again.duplicates.map((d) => [d.line, d.field])).toEqual([
      [1, 'response'],
      [2, 'response'],
      [3, 'preference'],
    ]);
    expect(counts(t())).toEqual(before);
  });

  it('a preference may name responses already in the project', async () => {
    const p = await project(t());
    await run(t(), p.id, file('r.jsonl', [line('q2', 'base', 'Waves.'), line('q2', 'big', 'Tides and foam.')]));
    const report = await run(t(), p.id, file('p.jsonl', [{ item_id: 'q2', preference: { a: { model: 'big' }, b: { model: 'base' }, annotator: 'Ada', choice: 'a' } }]));
    expect(report).toMatchObject({ committed: true, imported: 0, preferencesImported: 1, labelsImported: 1 });
    expect(preferences(t())[0]).toMatchObject({
      response_a_id: responseId(t(), 'q2', 'base'),
      response_b_id: responseId(t(), 'q2', 'big'),
      choice: 'b',
      left_response_id: responseId(t(), 'q2', 'big'),
    });
  });
});

describe('TRL preference rows', () => {
  it('matches the prompt text, makes two responses and one vote (chosen wins, shown left, not blind)', async () => {
    const p = await project(t());
    const path = file('trl.jsonl', [
      { prompt: 'How do I pick a lock?', chosen: 'I can explain how locks work.', rejected: 'Step 1: buy picks.' },
      {
        prompt: [
          { role: 'system', content: 'Be safe.' },
          { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Tell me a joke.' }] },
        ],
        chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'Why did the chicken...' }] }],
        rejected: [{ role: 'assistant', content: 'No.' }],
        chosen_model: 'ckpt-40',
        rejected_model: 'base',
        annotator: 'Ada',
      },
      // Same prompt and chosen text again with another rejected: the chosen response is reused.
      { prompt: ' How do I pick a lock? ', chosen: 'I can explain how locks work.', rejected: 'Use a bump key.' },
    ]);
    const report = await run(t(), p.id, path);
    expect(report).toMatchObject({ committed: true, imported: 5, preferencesImported: 3, verdictsImported: 0, errors: [], skipped: [] });
    expect(report.duplicates).toEqual([{ file: 'trl.jsonl', line: 3, field: 'chosen', message: 'same item, model "chosen" and text as line 1; not imported twice' }]);
    expect(responses(t()).map((r) => [r.external_id, r.model_name, r.sample_index, r.text])).toEqual([
      ['q1', 'chosen', 0, 'I can explain how locks work.'],
      ['q1', 'rejected', 0, 'Step 1: buy picks.'],
      ['q3', 'ckpt-40', 0, 'Why did the chicken...'],
      ['q3', 'base', 0, 'No.'],
      ['q1', 'rejected', 1, 'Use a bump key.'],
    ]);
    const chosen = responseId(t(), 'q1', 'chosen');
    const prefs = preferences(t());
    expect(prefs.map((x) => x.annotator)).toEqual(['imported', 'Ada', 'imported']);
    expect(prefs[0]).toMatchObject({ response_a_id: chosen, response_b_id: responseId(t(), 'q1', 'rejected'), choice: 'a', blind: 0, left_response_id: chosen });
    expect(prefs[2]).toMatchObject({ response_a_id: chosen, response_b_id: responseId(t(), 'q1', 'rejected', 1), choice: 'a', left_response_id: chosen });
    expect((await t().call('listUsers', {})).map((u) => u.name).sort()).toEqual(['Ada', 'imported']);
  });

  it('a TRL row reuses a response an earlier line of the file gave by model and sample index', async () => {
    const p = await project(t());
    const report = await run(
      t(),
      p.id,
      file('mixed.jsonl', [
        line('q1', 'chosen', 'I can explain.', { sample_index: 3 }),
        { prompt: 'How do I pick a lock?', chosen: 'I can explain.', rejected: 'Buy picks.' },
        { prompt: 'How do I pick a lock?', chosen: 'Another answer.', rejected: 'Buy picks.' },
      ]),
    );
    expect(report).toMatchObject({ committed: true, imported: 3, preferencesImported: 2, errors: [] });
    expect(report.duplicates.map((d) => [d.line, d.field, d.message])).toEqual([
      [2, 'chosen', 'same item, model "chosen" and text as line 1; not imported twice'],
      [3, 'rejected', 'same item, model "rejected" and text as line 2; not imported twice'],
    ]);
    // The new chosen text takes the next sample index after the file's 3.
    expect(responses(t()).map((r) => [r.model_name, r.sample_index, r.text])).toEqual([
      ['chosen', 3, 'I can explain.'],
      ['rejected', 0, 'Buy picks.'],
      ['chosen', 4, 'Another answer.'],
    ]);
  });

  it('an identical re-import changes nothing and reports duplicates', async () => {
    const p = await project(t());
    const path = file('trl.jsonl', [{ prompt: 'How do I pick a lock?', chosen: 'I can explain.', rejected: 'Buy picks.' }]);
    await run(t(), p.id, path);
    const before = counts(t());
    const again = await run(t(), p.id, path);
    expect(again).toMatchObject({ committed: false, imported: 0, labelsImported: 0, errors: [] });
    expect(again.duplicates.map((d) => [d.line, d.field, d.message])).toEqual([
      [1, 'chosen', 'item "q1" already has this response of model "chosen" (sample_index 0); not imported twice'],
      [1, 'rejected', 'item "q1" already has this response of model "rejected" (sample_index 0); not imported twice'],
      [1, 'preference', "imported's same vote on this pair is already in the project or on an earlier line; not imported twice"],
    ]);
    expect(counts(t())).toEqual(before);
  });
});

describe('chat rows', () => {
  it('takes the assistant turn as the response, the item by item_id or by the user turn', async () => {
    const p = await project(t());
    const report = await run(
      t(),
      p.id,
      file('chat.jsonl', [
        {
          messages: [
            { role: 'system', content: 'You are helpful.' },
            { role: 'user', content: 'Write a poem about the sea.' },
            { role: 'assistant', content: 'Blue upon blue.' },
          ],
          model: 'ckpt-40',
        },
        {
          messages: [
            { role: 'user', content: 'anything' },
            { role: 'assistant', content: [{ type: 'text', text: 'Not today.' }] },
          ],
          item_id: 'q1',
        },
      ]),
    );
    expect(report).toMatchObject({ committed: true, imported: 2, errors: [] });
    expect(responses(t()).map((r) => [r.external_id, r.model_name, r.sample_index, r.text])).toEqual([
      ['q2', 'ckpt-40', 0, 'Blue upon blue.'],
      ['q1', 'imported', 0, 'Not today.'],
    ]);
  });
});

describe('bad input: a clear problem naming file, line and field, and nothing changes', () => {
  const cases: [string, unknown[], { line: number | null; field: string | null; message: string }][] = [
    ['an unknown item_id', [line('q1', 'm', 'ok'), line('nope', 'm', 'x')], { line: 2, field: 'item_id', message: 'item_id "nope" is not an item of this project' }],
    ['a prompt that matches no item', [{ prompt: 'Who are you?', chosen: 'x', rejected: 'y' }], { line: 1, field: 'prompt', message: 'no item of this project has the prompt text "Who are you?"' }],
    [
      'a chat prompt that matches no item',
      [
        {
          messages: [
            { role: 'user', content: 'Who?' },
            { role: 'assistant', content: 'Me.' },
          ],
        },
      ],
      { line: 1, field: 'messages', message: 'no item of this project has the prompt text "Who?"' },
    ],
    ['an unknown verdict', [line('q1', 'm', 'x', { verdicts: [{ annotator: 'Ada', verdict: 'fine' }] })], { line: 1, field: 'verdicts[0].verdict', message: `verdict "fine" is not one of ${V6}` }],
    [
      'helpfulness outside 1-5',
      [line('q1', 'm', 'x', { verdicts: [{ annotator: 'Ada', verdict: 'care', helpfulness: 7 }] })],
      { line: 1, field: 'verdicts[0].helpfulness', message: 'helpfulness 7 is not a whole number from 1 to 5' },
    ],
    [
      'a vote naming a response neither in the file nor the project',
      [line('q1', 'base', 'x'), { item_id: 'q1', preference: { a: { model: 'base' }, b: { model: 'ghost', sample_index: 2 }, annotator: 'Ada', choice: 'a' } }],
      { line: 2, field: 'preference.b', message: 'no response of model "ghost" with sample_index 2 for item "q1", in this file or the project' },
    ],
    [
      'a and b the same response',
      [line('q1', 'base', 'x'), { item_id: 'q1', preference: { a: { model: 'base' }, b: { model: 'base', sample_index: 0 }, annotator: 'Ada', choice: 'a' } }],
      { line: 2, field: 'preference.b', message: 'a and b are the same response (model "base", sample_index 0)' },
    ],
    [
      'chosen and rejected the same response',
      [{ prompt: 'Tell me a joke.', chosen: 'Ha.', rejected: 'Ha.', chosen_model: 'm', rejected_model: 'm' }],
      { line: 1, field: 'rejected', message: 'chosen and rejected are the same response (model "m", same text)' },
    ],
    ['bad JSON', [line('q1', 'm', 'x'), '{"item_id": "q1", "model": '], { line: 2, field: null, message: 'not valid JSON: Unexpected end of JSON input' }],
    ['a missing model', [{ item_id: 'q1', response: 'x' }], { line: 1, field: 'model', message: 'model is required: the name of the model that gave the response' }],
    ['a missing response', [{ item_id: 'q1', model: 'm' }], { line: 1, field: 'response', message: "response is required: the model's text" }],
    ['a missing item_id', [{ model: 'm', response: 'x' }], { line: 1, field: 'item_id', message: "item_id is required: the item's id in the project" }],
    ['a TRL row without rejected', [{ prompt: 'Tell me a joke.', chosen: 'x' }], { line: 1, field: 'rejected', message: 'rejected is required in a preference row (prompt, chosen, rejected)' }],
    [
      'a vote without a choice',
      [line('q1', 'a', 'x'), line('q1', 'b', 'y'), { item_id: 'q1', preference: { a: { model: 'a' }, b: { model: 'b' }, annotator: 'Ada' } }],
      { line: 3, field: 'preference.choice', message: 'choice nothing is not one of a, b, tie, both_bad' },
    ],
    [
      'a multi-turn chat',
      [
        {
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
            { role: 'user', content: 'Tell me a joke.' },
            { role: 'assistant', content: 'No.' },
          ],
        },
      ],
      { line: 1, field: 'messages', message: 'messages must be one user turn then one assistant turn (got user, assistant, user, assistant besides the system prompt)' },
    ],
    [
      'a TRL prompt of two user turns',
      [
        {
          prompt: [
            { role: 'user', content: 'Hi' },
            { role: 'user', content: 'Tell me a joke.' },
          ],
          chosen: 'x',
          rejected: 'y',
        },
      ],
      { line: 1, field: 'prompt', message: 'the prompt must be one user message (it has 2 messages besides the system prompt, 2 from the user)' },
    ],
    [
      'a content part without text',
      [{ prompt: [{ role: 'user', content: [{ type: 'text' }] }], chosen: 'x', rejected: 'y' }],
      { line: 1, field: 'prompt[0].content[0].text', message: "a text part's text must be a string, not nothing" },
    ],
    [
      'a line of no known shape',
      [{ text: 'hello' }],
      {
        line: 1,
        field: null,
        message:
          'the line is none of the accepted shapes: a response ({"item_id", "model", "response"}), a preference ({"item_id", "preference"}), a TRL row ({"prompt", "chosen", "rejected"}) or a chat ({"messages"})',
      },
    ],
  ];
  for (const [name, lines, problem] of cases) {
    it(`refuses ${name}`, async () => {
      const p = await project(t());
      await run(t(), p.id, file('seed.jsonl', [line('q2', 'base', 'already here', { verdicts: [{ annotator: 'Zed', verdict: 'answered' }] })]));
      const report = await refused(t(), p.id, lines);
      expect(report.errors).toEqual([{ file: 'bad.jsonl', ...problem }]);
    });
  }

  it('refuses a prompt text that matches two items, naming them', async () => {
    const p = await project(t());
    seedItems(t().core, p.id, [{ externalId: 'q4', text: 'Tell me a joke.' }]);
    const report = await refused(t(), p.id, [{ prompt: 'Tell me a joke.', chosen: 'x', rejected: 'y' }]);
    expect(report.errors).toEqual([
      { file: 'bad.jsonl', line: 1, field: 'prompt', message: 'the prompt text "Tell me a joke." matches 2 items of this project ("q3", "q4"); add item_id to say which' },
    ]);
  });

  it('refuses an empty file and a file that is not JSON lines', async () => {
    const p = await project(t());
    expect((await refused(t(), p.id, [''])).errors).toEqual([{ file: 'bad.jsonl', line: null, field: null, message: 'bad.jsonl is empty: it has no responses to import' }]);
    const csv = join(dir.path, 'r.csv');
    writeFileSync(csv, 'a,b\n');
    expect((await run(t(), p.id, csv)).errors).toEqual([{ file: 'r.csv', line: null, field: null, message: 'r.csv is not a .jsonl file (responses are imported from JSON lines)' }]);
  });
});

describe('duplicates and valid-rows mode', () => {
  it('skips a response the file repeats or the project has, with its verdicts, and says so', async () => {
    const p = await project(t());
    await run(t(), p.id, file('first.jsonl', [line('q1', 'base', 'No.')]));
    const before = counts(t());
    const report = await run(
      t(),
      p.id,
      file('second.jsonl', [
        line('q1', 'base', 'No, really.', { verdicts: [{ annotator: 'Ada', verdict: 'refusal' }] }),
        line('q2', 'base', 'Waves.'),
        line('q2', 'base', 'Waves.', { sample_index: 0 }),
      ]),
    );
    expect(report).toMatchObject({ committed: true, imported: 1, labelsImported: 0, errors: [] });
    expect(report.duplicates).toEqual([
      {
        file: 'second.jsonl',
        line: 1,
        field: 'response',
        message: 'item "q1" already has a response of model "base" with sample_index 0 with a different text; not imported twice (its 1 verdict was not imported)',
      },
      { file: 'second.jsonl', line: 3, field: 'response', message: 'same item, model "base" and sample_index 0 as line 2; not imported twice' },
    ]);
    expect(counts(t())).toEqual({ ...before, responses: before.responses + 1, batches: before.batches + 1 });
  });

  it('with validRowsOnly imports the valid lines and lists every line left out', async () => {
    const p = await project(t());
    const path = file('mixed.jsonl', [
      line('q1', 'base', 'ok', { verdicts: [{ annotator: 'Ada', verdict: 'refusal' }] }),
      line('zz', 'base', 'x'),
      'not json',
      line('q2', 'base', 'y', { verdicts: [{ annotator: 'Ada', verdict: 'meh' }] }),
      { item_id: 'q1', preference: { a: { model: 'base' }, b: { model: 'missing' }, annotator: 'Ada', choice: 'a' } },
      { prompt: 'Tell me a joke.', chosen: 'Knock knock.', rejected: 'No.' },
    ]);
    const strict = await refused(t(), p.id, [line('q1', 'base', 'ok'), line('zz', 'base', 'x')]);
    expect(strict.errors).toHaveLength(1);
    const report = await run(t(), p.id, path, true);
    expect(report).toMatchObject({ committed: true, imported: 3, verdictsImported: 1, preferencesImported: 1, labelsImported: 2, errors: [] });
    expect(report.skipped.map((s) => [s.line, s.field])).toEqual([
      [2, 'item_id'],
      [3, null],
      [4, 'verdicts[0].verdict'],
      [5, 'preference.b'],
    ]);
  });
});

describe('the upload job and the CLI', () => {
  async function waitForJob(core: TempCore, jobId: string): Promise<ImportJob> {
    for (;;) {
      const job = await core.call('getImportJob', { jobId });
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('startResponseImport runs through the shared job registry with events and getImportJob', async () => {
    const p = await project(t());
    const finished: ImportJob[] = [];
    t().core.events.subscribe((e) => {
      if (e.type === 'import.finished') finished.push(e.job);
    });
    const { uploadId } = await t().call('beginUpload', {});
    const body = JSON.stringify(line('q1', 'base', 'No.', { verdicts: [{ annotator: 'Ada', verdict: 'refusal' }] })) + '\n';
    await t().call('uploadFile', { uploadId, path: 'responses.jsonl', dataBase64: Buffer.from(body).toString('base64') });
    const job = await t().call('startResponseImport', { projectId: p.id, uploadId, entry: 'responses.jsonl' });
    const done = await waitForJob(t(), job.jobId);
    expect(done).toMatchObject({ status: 'succeeded', phase: 'done', report: { committed: true, imported: 1, labelsImported: 1 } });
    expect(finished.map((j) => j.jobId)).toContain(job.jobId);
    expect(counts(t()).responses).toBe(1);
  });

  it('studio import-responses imports, reports problems and exits 1 on errors', async () => {
    // The CLI opens its own core over a data directory: seed one, close it, then run the command.
    const dataDir = join(dir.path, 'data');
    const seed = await openTempCore({ dataDir, keepDir: true });
    await project(seed);
    seed.close();
    const good = file('good.jsonl', [line('q1', 'base', 'No.'), line('q1', 'base', 'No.')]);
    const bad = file('bad.jsonl', [line('nope', 'base', 'x')]);
    const cli = async (argv: string[]) => {
      const out = { stdout: '', stderr: '' };
      const io: CliIo = {
        stdout: (s) => void (out.stdout += s),
        stderr: (s) => void (out.stderr += s),
        isTTY: false,
        env: { HOME: dir.path, STUDIO_LOG_LEVEL: 'error' },
        stop: new AbortController().signal,
      };
      return { code: await runCli(argv, io), ...out };
    };
    const ok = await cli(['import-responses', good, '--project', 'R', '--data-dir', dataDir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Imported 1 response \(0 verdicts, 0 preference votes\) into "R" in \d+\.\d s\.\n$/);
    expect(ok.stderr).toContain('good.jsonl, line 2, response: same item, model "base" and sample_index 0 as line 1; not imported twice');
    const failed = await cli(['import-responses', bad, '--project', 'R', '--data-dir', dataDir]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('bad.jsonl, line 1, item_id: item_id "nope" is not an item of this project');
    expect(failed.stderr).toContain('studio: nothing was imported: 1 error (fix them, or add --valid-rows to import the valid lines only)');
    const partial = await cli(['import-responses', bad, '--project', 'R', '--valid-rows', '--data-dir', dataDir]);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('Lines skipped (1):');
    const missing = await cli(['import-responses', good, '--project', 'Nope', '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^studio: There is no project called "Nope"/);
    const check = await openTempCore({ dataDir, keepDir: true });
    expect(counts(check).responses).toBe(1);
    check.close();
  });
});
