/**
 * previewImport and the field mapping on real SQLite: the preview shows the first rows and a
 * guessed mapping and writes nothing; the import applies the mapping chosen; the report shows the
 * offending line's text (cut, control characters escaped); embedded images count.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ImportJob } from '../../preload/contract/domain.js';
import { useTempCore, type TempCore } from '../helpers/core.js';

const t = useTempCore();

async function waitForJob(core: TempCore, jobId: string): Promise<ImportJob> {
  for (;;) {
    const job = await core.call('getImportJob', { jobId });
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function upload(core: TempCore, path: string, text: string): Promise<string> {
  const { uploadId } = await core.call('beginUpload', {});
  await core.call('uploadFile', { uploadId, path, dataBase64: Buffer.from(text, 'utf8').toString('base64') });
  return uploadId;
}

/** Row counts of the tables an import writes. */
function written(core: TempCore): Record<string, number> {
  const db = core.core.context.db.read;
  const count = (table: string) => db.prepare<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  return { item: count('item'), blob: count('blob'), import: count('import_batch'), annotation: count('annotation'), user: count('user') };
}

const CSV = ['uid,prompt,picture,lang', 'q1,How do I bake bread?,,en', 'q2,"Say ""hi""",,fr', 'q3,Third question,,de'].join('\n');

describe('import preview and field mapping', () => {
  it('shows the first rows and a guessed mapping, and writes nothing', async () => {
    const p = await t().call('createProject', { name: 'Preview' });
    const uploadId = await upload(t(), 'questions.csv', CSV);
    const before = written(t());
    const preview = await t().call('previewImport', { uploadId, entry: 'questions.csv' });
    expect(preview).toMatchObject({ file: 'questions.csv', format: 'csv', columns: ['uid', 'prompt', 'picture', 'lang'], mapping: { id: 'uid', text: 'prompt', image: 'picture' }, problems: [] });
    expect(preview.rows).toHaveLength(3);
    expect(preview.rows[1]).toEqual({ uid: 'q2', prompt: 'Say "hi"', picture: '', lang: 'fr' });
    expect(written(t())).toEqual(before);
    expect((await t().call('listItems', { projectId: p.id })).rows).toHaveLength(0);
  });

  it('caps the preview at ten rows, cuts long cells and shows a data URI by its kind and length', async () => {
    const lines = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify({ question: `q${i} ${'x'.repeat(300)}`, key: `k${i}`, img: i === 0 || i === 20 ? `data:image/png;base64,${'A'.repeat(5000)}` : null }),
    );
    const uploadId = await upload(t(), 'rows.jsonl', lines.join('\n'));
    const preview = await t().call('previewImport', { uploadId, entry: 'rows.jsonl' });
    expect(preview.rows).toHaveLength(10);
    expect(preview.mapping).toEqual({ id: 'key', text: 'question', image: 'img' });
    expect([...preview.rows[0]!.question!].length).toBe(121);
    expect(preview.rows[0]!.img).toBe('data:image/png;base64,… (5,022 characters)');
    // The whole file is scanned for embedded images, not only the rows shown.
    expect(preview.embeddedImages).toBe(2);
  });

  it('imports with the chosen mapping; a displaced column is kept, not dropped', async () => {
    const p = await t().call('createProject', { name: 'Mapped' });
    const file = ['{"key": "k1", "question": "What is 2+2?", "text": "arithmetic"}', '{"key": "k2", "question": "Name a colour", "text": "general"}'].join('\n');
    const uploadId = await upload(t(), 'mapped.jsonl', file);
    const job = await t().call('startImport', { projectId: p.id, uploadId, entry: 'mapped.jsonl', mapping: { id: 'key', text: 'question' } });
    const done = await waitForJob(t(), job.jobId);
    expect(done.report).toMatchObject({ committed: true, imported: 2, errors: [] });
    const { rows } = await t().call('listItems', { projectId: p.id });
    const item = (await t().call('getItem', { itemId: rows.find((r) => r.externalId === 'k1')!.id })).item;
    expect(item).toMatchObject({ externalId: 'k1', text: 'What is 2+2?', extra: { source_text: 'arithmetic' } });
    expect(item.extra).not.toHaveProperty('question');
  });

  it('a CSV mapped to other columns needs those columns, not id and text', async () => {
    const p = await t().call('createProject', { name: 'CSV' });
    const uploadId = await upload(t(), 'questions.csv', CSV);
    const job = await t().call('startImport', { projectId: p.id, uploadId, entry: 'questions.csv', mapping: { id: 'uid', text: 'prompt' } });
    const done = await waitForJob(t(), job.jobId);
    expect(done.report).toMatchObject({ committed: true, imported: 3, errors: [] });
    const unmapped = await waitForJob(t(), (await t().call('startImport', { projectId: p.id, uploadId: await upload(t(), 'q.csv', CSV), entry: 'q.csv' })).jobId);
    expect(unmapped.report!.errors[0]!.message).toContain('the header row has no "id", "text" column');
  });

  it("the report shows the offending line's text, cut and with control characters escaped", async () => {
    const p = await t().call('createProject', { name: 'Report' });
    // A raw U+202E is valid inside a JSON string; a raw BEL is not (line 3 is not JSON).
    const bad = `{"id": "b1", "text": 42, "note": "rtl\u202e ${'y'.repeat(400)}"}`;
    const file = ['{"id": "ok", "text": "fine"}', bad, '{not json\u0007 at all'].join('\n');
    const uploadId = await upload(t(), 'bad.jsonl', file);
    const done = await waitForJob(t(), (await t().call('startImport', { projectId: p.id, uploadId, entry: 'bad.jsonl' })).jobId);
    expect(done.report!.committed).toBe(false);
    const [typeError, jsonError] = done.report!.errors;
    expect(typeError).toMatchObject({ line: 2, field: 'text' });
    expect(typeError!.excerpt!.startsWith('{"id": "b1", "text": 42, "note": "rtl\\u202e yyy')).toBe(true);
    expect(typeError!.excerpt!.endsWith('…')).toBe(true);
    expect(jsonError).toMatchObject({ line: 3, excerpt: '{not json\\u0007 at all' });
    expect((await t().call('listItems', { projectId: p.id })).rows).toHaveLength(0);
  });

  it('counts embedded (data URI) images in the report', async () => {
    const p = await t().call('createProject', { name: 'Embedded' });
    const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const png2 = await sharp({ create: { width: 5, height: 3, channels: 3, background: '#993366' } })
      .png()
      .toBuffer();
    const file = [
      JSON.stringify({ id: 'i1', text: 'one', image: `data:image/png;base64,${png.toString('base64')}` }),
      JSON.stringify({ id: 'i2', text: 'two', image: `data:image/png;base64,${png2.toString('base64')}` }),
      JSON.stringify({ id: 'i3', text: 'three' }),
    ].join('\n');
    const uploadId = await upload(t(), 'embedded.jsonl', file);
    expect((await t().call('previewImport', { uploadId, entry: 'embedded.jsonl' })).embeddedImages).toBe(2);
    const done = await waitForJob(t(), (await t().call('startImport', { projectId: p.id, uploadId, entry: 'embedded.jsonl' })).jobId);
    expect(done.report).toMatchObject({ committed: true, imported: 3, images: 2 });
  });
});
