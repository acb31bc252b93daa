import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerPython } from '../helpers/python.js';
import { emptyLabels, type ItemDetail, type LabelValues } from '../../preload/contract/domain.js';
import { computeSnapshotHash } from '../../main/core/export/index.js';
import { importPath } from '../../main/core/import/index.js';
import { useTempCore, type TempCore } from '../helpers/core.js';

const FIGSTEP = join(__dirname, '../../demo-data/figstep-sample');
const XSTEST = join(__dirname, '../../demo-data/xstest/items.jsonl');
const WITH_LABELS = join(__dirname, '../fixtures/import/with-annotations.jsonl');
const WORKER_DIR = join(__dirname, '../../native-models');

const t = useTempCore();

function labels(patch: Partial<LabelValues>): LabelValues {
  return { ...emptyLabels(), ...patch };
}
const BENIGN = labels({ harmful: false, expected: 'comply', jailbreakType: 'none', crossModalRisk: 'none' });
const HARMFUL = labels({
  harmful: true,
  riskCategory: 'violent_crimes',
  severity: 3,
  expected: 'refuse',
  jailbreakType: 'typographic_image',
  crossModalRisk: 'image',
  visualCues: ['numbered list', 'text in image'],
});

async function details(core: TempCore, projectId: number): Promise<Map<string, ItemDetail>> {
  const { rows } = await core.call('listItems', { projectId, limit: 500 });
  const out = new Map<string, ItemDetail>();
  for (const row of rows) {
    const d = await core.call('getItem', { itemId: row.id });
    out.set(d.item.externalId, d);
  }
  return out;
}

async function idOf(core: TempCore, projectId: number, externalId: string): Promise<number> {
  const { rows } = await core.call('listItems', { projectId, filter: { status: 'all', search: externalId }, limit: 500 });
  return rows.find((r) => r.externalId === externalId)!.id;
}

/** A project with images, imported labels, queue labels from two annotators, an undo and a flag. */
async function labelledProject(core: TempCore) {
  const p = await core.call('createProject', { name: 'Round trip', annotatorsPerItem: 2 });
  await importPath(core.core.context, { projectId: p.id, path: FIGSTEP });
  await importPath(core.core.context, { projectId: p.id, path: WITH_LABELS });
  const ada = (await core.call('listUsers', {})).find((u) => u.name === 'Ada')!;
  const lin = await core.call('createUser', { name: 'Lin', role: 'annotator' });
  const attack = await idOf(core, p.id, 'figstep-1-11-image');
  const plain = await idOf(core, p.id, 'figstep-1-11-text');
  await core.call('submitLabel', { itemId: attack, annotatorId: ada.id, labels: HARMFUL, timeSpentMs: 5000 });
  await core.call('submitLabel', { itemId: attack, annotatorId: lin.id, labels: { ...HARMFUL, severity: 2 }, timeSpentMs: 7000 });
  await core.call('submitLabel', { itemId: plain, annotatorId: lin.id, labels: { ...HARMFUL, jailbreakType: 'none', crossModalRisk: 'text', visualCues: [] }, timeSpentMs: 3000 });
  await core.call('undoLastSubmit', { projectId: p.id, annotatorId: lin.id });
  await core.call('saveAnnotation', { itemId: attack, annotatorId: ada.id, labels: { ...HARMFUL, rationale: 'edited in browse' }, timeSpentMs: 1000 });
  await core.call('setFlag', { itemId: plain, annotatorId: ada.id, flagged: true, note: 'duplicate of the image item?' });
  return p;
}

describe('JSONL export', () => {
  it('round trip: importing the export into a new project reproduces items, labels, history and flags', async () => {
    const source = await labelledProject(t());
    const exported = await t().call('exportProject', { projectId: source.id, format: 'jsonl' });
    expect(exported).toMatchObject({ format: 'jsonl', items: 42, images: 20 });
    expect(exported.path.startsWith(t().core.paths.exports)).toBe(true);
    expect(statSync(exported.path).mode & 0o222).toBe(0);

    const target = await t().call('createProject', { name: 'Copy', annotatorsPerItem: 2 });
    const report = await importPath(t().core.context, { projectId: target.id, path: exported.path });
    expect(report).toMatchObject({ committed: true, imported: 42, images: 20, errors: [] });
    expect(report.labelsImported).toBe(exported.labels);

    const before = await details(t(), source.id);
    const after = await details(t(), target.id);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const strip = (d: ItemDetail) => ({
      item: { ...d.item, id: 0, projectId: 0, createdAt: '' },
      annotations: d.annotations.map((a) => [a.annotatorName, a.version, a.status, a.labels, a.timeSpentMs, a.createdAt]),
      history: d.history.map((a) => [a.annotatorName, a.version, a.status, a.labels, a.timeSpentMs, a.createdAt]),
      flags: d.flags.map((f) => [f.annotatorName, f.note, f.createdAt]),
    });
    for (const [externalId, original] of before) {
      expect(strip(after.get(externalId)!), externalId).toEqual(strip(original));
    }
    const [a, b] = await Promise.all([t().call('getStats', { projectId: source.id }), t().call('getStats', { projectId: target.id })]);
    expect({ ...b, medianTimeSpentMs: b.medianTimeSpentMs }).toEqual(a);
  });

  it('never overwrites: every export is a new folder', async () => {
    const p = await t().call('createProject', { name: 'Twice' });
    await importPath(t().core.context, { projectId: p.id, path: XSTEST });
    const first = await t().call('exportProject', { projectId: p.id, format: 'jsonl' });
    const second = await t().call('exportProject', { projectId: p.id, format: 'jsonl' });
    expect(second.exportId).not.toBe(first.exportId);
    expect(second.sha256).toBe(first.sha256);
    expect(readdirSync(t().core.paths.exports).filter((n) => !n.startsWith('.'))).toHaveLength(2);
    const rows = t().core.context.db.read.prepare<{ id: string; sha256: string }>('SELECT id, sha256 FROM export ORDER BY created_at').all();
    expect(rows.map((r) => r.sha256)).toEqual([first.sha256, second.sha256]);
  });
});

describe('training snapshot', () => {
  it('writes manifest, items in the COSMO-RL format and images; majority labels; unlabelled left out and counted', async () => {
    const p = await labelledProject(t());
    const result = await t().call('exportProject', { projectId: p.id, format: 'snapshot' });
    // labelled: figstep-1-11-image (Ada + Lin), a1 (Ada v2 + Grace), a2 has no label; figstep-1-11-text was undone
    expect(result).toMatchObject({ format: 'snapshot', items: 2, images: 1 });
    const manifest = JSON.parse(readFileSync(join(result.path, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest).sort()).toEqual(['counts', 'created_at', 'format_version', 'hash', 'label_rule', 'label_schema', 'source_project']);
    expect(manifest).toMatchObject({ format_version: 1, hash: result.sha256, source_project: { id: p.id, name: 'Round trip' } });
    // a2 is in the eval split: evaluation items never reach a training snapshot, whatever their labels
    expect(manifest.counts).toMatchObject({ items: 2, images: 1, left_out: { unlabelled: 39, evaluation_split: 1 } });
    expect(manifest.counts.agreement.per_item['figstep-1-11-image']).toEqual({ annotators: 2, harmful_agree: 2, expected_agree: 2 });
    expect(await computeSnapshotHash(result.path)).toBe(result.sha256);

    const lines = readFileSync(join(result.path, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const attack = lines.find((l) => l.id === 'figstep-1-11-image');
    expect(Object.keys(attack)).toEqual(['id', 'task', 'messages', 'harmful', 'expected', 'reference', 'visual_cues', 'category', 'severity', 'jailbreak_type', 'split']);
    expect(attack).toMatchObject({
      task: 'jailbreak',
      harmful: true,
      expected: 'refuse',
      category: 'violent_crimes',
      jailbreak_type: 'typographic_image',
      split: 'train',
      visual_cues: ['numbered list', 'text in image'],
    });
    // severity 3 (Ada, latest edit) vs 2 (Lin): a tie, broken by the most recent label (Ada's edit)
    expect(attack.severity).toBe(3);
    const [image, text] = attack.messages[0].content;
    expect(image.type).toBe('image');
    expect(image.path).toMatch(/^images\/[0-9a-f]{64}\.png$/);
    expect(existsSync(join(result.path, image.path))).toBe(true);
    expect(text.type).toBe('text');
    // a1: Ada (comply_with_care, 10:05) vs Grace (comply, later): tie on expected, the most recent wins
    expect(lines.find((l) => l.id === 'a1')).toMatchObject({ task: 'safety', harmful: false, expected: 'comply', category: null, severity: null });
    for (const f of ['manifest.json', 'items.jsonl', image.path]) expect(statSync(join(result.path, f)).mode & 0o222).toBe(0);
    const row = t().core.context.db.read.prepare<{ sha256: string; format: string }>('SELECT sha256, format FROM export WHERE id = ?').get(result.exportId);
    expect(row).toEqual({ sha256: result.sha256, format: 'snapshot' });
  });

  it('refuses a project with nothing labelled, saying why', async () => {
    const p = await t().call('createProject', { name: 'Empty' });
    await importPath(t().core.context, { projectId: p.id, path: XSTEST });
    await expect(t().call('exportProject', { projectId: p.id, format: 'snapshot' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'project "Empty" has no labelled items to put in a training snapshot (left out: 450 unlabelled)',
    });
    expect(readdirSync(t().core.paths.exports)).toEqual([]);
  });

  const python = workerPython('pydantic, PIL');
  it.skipIf(!python)('is accepted by the trainer: cosmo_rl.snapshot.load_snapshot validates it and the hash matches (needs a Python env with native-models)', async () => {
    const p = await labelledProject(t());
    for (const id of ['figstep-2-4-image', 'figstep-2-4-text']) {
      const ada = (await t().call('listUsers', {})).find((u) => u.name === 'Ada')!;
      await t().call('submitLabel', { itemId: await idOf(t(), p.id, id), annotatorId: ada.id, labels: BENIGN, timeSpentMs: 10 });
    }
    const result = await t().call('exportProject', { projectId: p.id, format: 'snapshot' });
    const script = [
      'import json, sys',
      'from cosmo_rl.snapshot import load_snapshot, compute_snapshot_hash',
      's = load_snapshot(sys.argv[1])',
      'print(json.dumps({"items": len(s.items), "hash": s.manifest.hash, "computed": compute_snapshot_hash(sys.argv[1]), "images": sum(len(i.image_paths) for i in s.items)}))',
    ].join('\n');
    const run = spawnSync(python!, ['-c', script, result.path], { cwd: WORKER_DIR, encoding: 'utf8', env: { ...process.env, PYTHONPATH: WORKER_DIR } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ items: result.items, hash: result.sha256, computed: result.sha256, images: 2 });
  });
});
