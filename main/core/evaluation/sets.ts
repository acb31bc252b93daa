/**
 * Frozen evaluation sets. `freezeEvalSet` writes the project's eval and held-out items into a new
 * immutable folder under <data>/evaluations/ and records it with the ids of its items:
 *
 *   manifest.json   {format_version: 1, kind: "evaluation_set", name, hash, counts, source_project, created_at}
 *   items.jsonl     one item per line: the training snapshot's fields (id, task, messages,
 *                   expected, reference, visual_cues, category, severity, jailbreak_type, split)
 *                   with `harmful` from truth.ts and `harmful_source` (labels | hint | none)
 *   images/<sha256>.<ext>
 *
 * The hash is the training snapshot's (items.jsonl, then images/ in name order), so the worker's
 * `compute_snapshot_hash` checks a set as it checks a snapshot; the item lines are what the
 * worker's `generate --eval` reads.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalSet, type TruthSource } from '../../../preload/contract/evaluation.js';
import type { Item } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { projectResolver } from '../adjudication/resolve.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, writeDurable } from '../export/folder.js';
import { mkdirPrivate } from '../private-files.js';
import { imageFileName } from '../export/jsonl.js';
import { currentLabels, readProjectItems } from '../export/read-project.js';
import { computeSnapshotHash } from '../export/snapshot.js';
import { requireProject } from '../services/lookup.js';
import { parseJson } from '../services/rows.js';
import { itemTruth, type ItemTruth } from './truth.js';

export const EVAL_SET_FORMAT_VERSION = 1;
const SPLIT_NAME: Record<Item['split'], string> = { train: 'train', eval: 'eval', heldout: 'held-out' };

interface EvalSetRow {
  id: number;
  project_id: number;
  name: string;
  path: string;
  hash: string;
  items: number;
  counts: string;
  created_at: string;
}

const Counts = EvalSet.pick({ images: true, truth: true, bySplit: true, byTask: true });

function toEvalSet(row: EvalSetRow): EvalSet {
  const counts = parseJson(Counts, row.counts, `evaluation set ${row.id} counts`);
  return { id: row.id, projectId: row.project_id, name: row.name, path: row.path, hash: row.hash, items: row.items, ...counts, createdAt: row.created_at };
}

export function evalSetLine(item: Item, truth: ItemTruth, reference: string | null, visualCues: string[], severity: number | null, jailbreakType: string | null): string {
  const content: ({ type: 'image'; path: string } | { type: 'text'; text: string })[] = [];
  if (item.image) content.push({ type: 'image', path: `images/${imageFileName(item.image)}` });
  content.push({ type: 'text', text: item.text });
  return JSON.stringify({
    id: item.externalId,
    task: item.task,
    messages: [{ role: 'user', content }],
    harmful: truth.harmful,
    harmful_source: truth.source,
    expected: truth.expected,
    reference,
    visual_cues: visualCues,
    category: truth.category,
    severity,
    jailbreak_type: jailbreakType,
    split: SPLIT_NAME[item.split],
  });
}

export function listEvalSets(ctx: CoreContext, projectId: number): EvalSet[] {
  return ctx.db.read.prepare<EvalSetRow>('SELECT * FROM evaluation_set WHERE project_id = ? ORDER BY id').all(projectId).map(toEvalSet);
}

export async function freezeEvalSet(ctx: CoreContext, projectId: number, name: string): Promise<EvalSet> {
  const project = requireProject(ctx.db.read, projectId);
  if (ctx.db.read.prepare('SELECT 1 FROM evaluation_set WHERE project_id = ? AND name = ?').get(projectId, name)) {
    throw new StudioError('conflict', `project "${project.name}" already has an evaluation set named "${name}"; choose another name`);
  }
  const createdAt = nowIso(ctx);
  const parent = join(ctx.paths.root, 'evaluations');
  await mkdirPrivate(parent);
  const folder = newExportFolder(parent, project.name, 'evalset', ctx.clock.now());
  await beginFolder(folder);
  try {
    await mkdirPrivate(join(folder.temp, 'images'));
    const out = await createExportFile(join(folder.temp, 'items.jsonl'));
    const itemIds: number[] = [];
    const copied = new Set<string>();
    const truthCounts: Record<TruthSource, number> = { labels: 0, hint: 0, none: 0 };
    const bySplit: Record<string, number> = {};
    const byTask: Record<string, number> = {};
    const resolver = projectResolver(ctx.db.read, projectId);
    try {
      for await (const page of readProjectItems(ctx.db.read, projectId)) {
        let chunk = '';
        for (const { item, history } of page) {
          if (item.split === 'train') continue;
          const agg = resolver.resolve(item.id, currentLabels(history)).agg;
          const truth = itemTruth(item, agg);
          const l = agg?.labels;
          chunk += `${evalSetLine(item, truth, l?.referenceAnswer?.trim() ? l.referenceAnswer : null, l?.visualCues ?? [], l?.severity ?? null, l?.jailbreakType ?? null)}\n`;
          itemIds.push(item.id);
          truthCounts[truth.source] += 1;
          bySplit[SPLIT_NAME[item.split]] = (bySplit[SPLIT_NAME[item.split]] ?? 0) + 1;
          byTask[item.task] = (byTask[item.task] ?? 0) + 1;
          if (item.image && !copied.has(item.image.sha256)) {
            copied.add(item.image.sha256);
            await copyFile(ctx.blobs.path(item.image.sha256), join(folder.temp, 'images', imageFileName(item.image)));
          }
        }
        if (chunk) await out.write(chunk);
      }
      await out.sync();
    } finally {
      await out.close();
    }
    if (itemIds.length === 0) {
      throw new StudioError('invalid_input', `project "${project.name}" has no eval or held-out items; make an evaluation split first`);
    }
    const hash = await computeSnapshotHash(folder.temp);
    const counts = { images: copied.size, truth: truthCounts, bySplit, byTask };
    const manifest = {
      format_version: EVAL_SET_FORMAT_VERSION,
      kind: 'evaluation_set',
      name,
      hash,
      counts: { items: itemIds.length, ...counts },
      source_project: { id: project.id, name: project.name },
      created_at: createdAt,
    };
    await writeDurable(join(folder.temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await finishFolder(folder);
    const id = ctx.db.write.transaction(() => {
      const row = ctx.db.write
        .prepare<{ id: number }>('INSERT INTO evaluation_set (project_id, name, path, hash, items, counts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id')
        .get(projectId, name, folder.final, hash, itemIds.length, JSON.stringify(counts), createdAt);
      if (!row) throw new StudioError('internal', 'recording the evaluation set returned no row');
      const add = ctx.db.write.prepare('INSERT INTO evaluation_set_item (set_id, item_id) VALUES (?, ?)');
      for (const itemId of itemIds) add.run(row.id, itemId);
      return row.id;
    });
    ctx.log.info('evaluation set frozen', { projectId, setId: id, items: itemIds.length, hash });
    const row = ctx.db.read.prepare<EvalSetRow>('SELECT * FROM evaluation_set WHERE id = ?').get(id);
    if (!row) throw new StudioError('internal', `evaluation set ${id} vanished`);
    return toEvalSet(row);
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the evaluation set could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
