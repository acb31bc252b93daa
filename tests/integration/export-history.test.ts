/**
 * Export history, filters and the table formats on real SQLite: every export is listed with who
 * made it and its filters, downloads again byte for byte, a JSONL without images is a .jsonl;
 * split / annotator / agreement filters pick the right items; the Parquet file reads back with
 * pyarrow and the Hugging Face folder loads with `datasets.load_dataset(folder)`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import { importPath } from '../../main/core/import/index.js';
import { exportDownload } from '../../main/server/export-files.js';
import { useTempCore, type TempCore } from '../helpers/core.js';
import { workerPython } from '../helpers/python.js';

const t = useTempCore();

function labels(patch: Partial<LabelValues>): LabelValues {
  return { ...emptyLabels(), ...patch };
}
const SAFE = labels({ harmful: false, expected: 'comply', jailbreakType: 'none', crossModalRisk: 'none' });
const HARMFUL = labels({ harmful: true, riskCategory: 'violent_crimes', severity: 3, expected: 'refuse', jailbreakType: 'none', crossModalRisk: 'none' });

/**
 * Six text items: a1..a3 train, e1..e2 eval, h1 heldout. Ada and Lin agree on a1 (rationales
 * differ), disagree on a2 and e1; only Ada labels a3; nobody labels e2 and h1.
 */
async function project(core: TempCore) {
  const p = await core.call('createProject', { name: 'Filters', annotatorsPerItem: 2, description: 'Six prompts for the export tests.' });
  const file = join(core.dataDir, 'six.jsonl');
  const rows = [
    { id: 'a1', text: 'first train prompt', split: 'train', tags: ['x'] },
    { id: 'a2', text: 'second train prompt', split: 'train' },
    { id: 'a3', text: 'third train prompt', split: 'train' },
    { id: 'e1', text: 'first eval prompt', split: 'eval' },
    { id: 'e2', text: 'second eval prompt', split: 'eval' },
    { id: 'h1', text: 'held-out prompt', split: 'heldout' },
  ];
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  await importPath(core.core.context, { projectId: p.id, path: file });
  const ada = await core.call('createUser', { name: 'Ada', role: 'annotator' });
  const lin = await core.call('createUser', { name: 'Lin', role: 'annotator' });
  const { rows: listed } = await core.call('listItems', { projectId: p.id, limit: 50 });
  const id = (ext: string) => listed.find((r) => r.externalId === ext)!.id;
  const label = (item: string, who: number, values: LabelValues) => core.call('saveAnnotation', { itemId: id(item), annotatorId: who, labels: values, timeSpentMs: 1000 });
  await label('a1', ada.id, { ...SAFE, rationale: 'fine' });
  await label('a1', lin.id, { ...SAFE, rationale: 'harmless question' });
  await label('a2', ada.id, SAFE);
  await label('a2', lin.id, HARMFUL);
  await label('e1', ada.id, HARMFUL);
  await label('e1', lin.id, SAFE);
  await label('a3', ada.id, HARMFUL);
  return { p, ada, lin };
}

function ids(file: string): string[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id)
    .sort();
}

async function bytesOf(download: Awaited<ReturnType<typeof exportDownload>>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of download.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('export history', () => {
  it('lists every export with who, filters and counts, and downloads each again byte for byte', async () => {
    const { p, ada } = await project(t());
    const all = await t().call('exportProject', { projectId: p.id, format: 'jsonl' });
    const evalOnly = await t().call('exportProject', { projectId: p.id, format: 'jsonl', filters: { split: 'eval' }, userId: ada.id });
    const history = await t().call('listExports', { projectId: p.id });
    expect(history.map((h) => h.exportId)).toEqual([evalOnly.exportId, all.exportId]);
    expect(history[0]).toMatchObject({
      format: 'jsonl',
      createdBy: 'Ada',
      filters: { split: 'eval' },
      counts: { items: 2, images: 0 },
      sha256: evalOnly.sha256,
      fileName: `${evalOnly.exportId}.jsonl`,
      available: true,
    });
    expect(history[1]).toMatchObject({ createdBy: null, filters: {}, counts: { items: 6 }, path: all.path });

    // No images: the download is the JSONL itself, the same bytes as on disk, with the recorded hash.
    const download = await exportDownload(t().core.paths.exports, evalOnly.exportId);
    expect(download.fileName).toBe(`${evalOnly.exportId}.jsonl`);
    expect(download.contentType).toMatch(/^application\/jsonl/);
    const bytes = await bytesOf(download);
    expect(bytes.equals(readFileSync(evalOnly.path))).toBe(true);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(history[0]!.sha256);
    expect(download.size).toBe(bytes.length);
  });

  it('filters by split, by annotator and by agreement', async () => {
    const { p } = await project(t());
    const run = async (filters: object) => ids((await t().call('exportProject', { projectId: p.id, format: 'jsonl', filters })).path);
    expect(await run({ split: 'train' })).toEqual(['a1', 'a2', 'a3']);
    expect(await run({ split: 'heldout' })).toEqual(['h1']);
    expect(await run({ annotator: 'lin' })).toEqual(['a1', 'a2', 'e1']);
    // Same judgements with different rationales agree; single labels are neither.
    expect(await run({ agreement: 'agree' })).toEqual(['a1']);
    expect(await run({ agreement: 'disagree' })).toEqual(['a2', 'e1']);
    expect(await run({ agreement: 'disagree', split: 'train', annotator: 'Ada' })).toEqual(['a2']);
    // A format that writes the whole project refuses filters instead of ignoring them.
    await expect(t().call('exportProject', { projectId: p.id, format: 'responses', filters: { split: 'eval' } })).rejects.toThrow(/filters apply to the jsonl, parquet and hf exports/);
  });

  it('writes a Hugging Face folder that datasets.load_dataset reads, with a dataset card', async () => {
    const { p } = await project(t());
    const hf = await t().call('exportProject', { projectId: p.id, format: 'hf' });
    expect(hf).toMatchObject({ format: 'hf', items: 6, images: 0, path: join(t().core.paths.exports, hf.exportId) });
    const card = readFileSync(join(hf.path, 'README.md'), 'utf8');
    expect(card.startsWith('---\nlicense: other\npretty_name: "Filters"\nconfigs:\n')).toBe(true);
    expect(card).toContain('  - split: eval\n    path: data/eval.jsonl');
    expect(card).toContain('Six prompts for the export tests.');
    expect(card).toContain('2 annotators per item');
    const python = workerPython('datasets');
    if (!python) return;
    const script = `
import json, sys
from datasets import load_dataset
ds = load_dataset(sys.argv[1])
out = {s: {"rows": ds[s].num_rows, "columns": ds[s].column_names, "first": ds[s][0]} for s in ds}
out["features"] = {k: str(v) for k, v in ds["train"].features.items()}
print(json.dumps(out))
`;
    const loaded = JSON.parse(execFileSync(python, ['-c', script, hf.path], { encoding: 'utf8', env: { ...process.env, HF_DATASETS_OFFLINE: '1', HF_HOME: join(t().dataDir, 'hf-home') } })) as Record<
      string,
      { rows: number; columns: string[]; first: Record<string, unknown> }
    > & { features: Record<string, string> };
    expect(loaded.train!.rows).toBe(3);
    expect(loaded.eval!.rows).toBe(2);
    expect(loaded.heldout!.rows).toBe(1);
    expect(loaded.train!.columns).toEqual(['id', 'text', 'image', 'source', 'task', 'split', 'tags', 'sensitive', 'category', 'labels', 'annotators', 'agreement']);
    expect(loaded.train!.first).toMatchObject({ id: 'a1', text: 'first train prompt', image: null, tags: ['x'], annotators: 2, agreement: 'agree', sensitive: false });
    const first = JSON.parse(loaded.train!.first.labels as string) as { annotator: string; labels: LabelValues }[];
    expect(first.map((l) => l.annotator).sort()).toEqual(['Ada', 'Lin']);
    expect(loaded.features).toMatchObject({ annotators: "Value('int32')", sensitive: "Value('bool')" });
  }, 120_000);

  it('writes a Parquet table pyarrow reads back', async () => {
    const python = workerPython('pyarrow');
    if (!python) return;
    const { p } = await project(t());
    const parquet = await t().call('exportProject', { projectId: p.id, format: 'parquet', filters: { split: 'train' } });
    expect(parquet).toMatchObject({ format: 'parquet', items: 3 });
    expect(parquet.path.endsWith('/items.parquet')).toBe(true);
    expect(createHash('sha256').update(readFileSync(parquet.path)).digest('hex')).toBe(parquet.sha256);
    const script = `
import json, sys
import pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
print(json.dumps({"schema": {f.name: str(f.type) for f in t.schema}, "rows": t.to_pylist()}))
`;
    const table = JSON.parse(execFileSync(python, ['-c', script, parquet.path], { encoding: 'utf8' })) as { schema: Record<string, string>; rows: Record<string, unknown>[] };
    expect(table.schema).toMatchObject({ id: 'string', tags: 'list<element: string>', sensitive: 'bool', annotators: 'int32' });
    expect(table.rows.map((r) => r.id)).toEqual(['a1', 'a2', 'a3']);
    expect(table.rows.map((r) => r.agreement)).toEqual(['agree', 'disagree', 'single']);
    const download = await exportDownload(t().core.paths.exports, parquet.exportId);
    expect(download.fileName).toBe(`${parquet.exportId}.parquet`);
    expect((await bytesOf(download)).equals(readFileSync(parquet.path))).toBe(true);
  }, 60_000);
});
