/**
 * The training dataset snapshot (DESIGN.md), read by the trainer's
 * native-models/cosmo_rl/snapshot.py `load_snapshot`, whose field names, message structure and
 * hash definition this file follows exactly:
 *
 *   exports/<export id>/manifest.json   {format_version: 1, hash, counts, label_schema, source_project, created_at}
 *   exports/<export id>/items.jsonl     one item per line (COSMO-RL.md "Data each training item needs")
 *   exports/<export id>/responses.jsonl the responses to those items with their current verdicts
 *                                       and votes (snapshot-responses.ts); empty when there are none
 *   exports/<export id>/images/<sha256>.<ext>
 *
 * hash = sha256 over the bytes of items.jsonl, then the bytes of responses.jsonl (when present),
 * then the bytes of every file in images/ in ascending file-name order (no separators;
 * manifest.json is not hashed). An empty or missing responses.jsonl adds nothing, so a snapshot
 * without responses hashes as snapshots did before the file existed.
 *
 * Only labelled items of the `train` split go in (eval and held-out items are for evaluations).
 * The label is decided by the project's rule (adjudication/resolve.ts): the gold label, else the
 * majority of the current labels (aggregate.ts) when enough annotators agree, else the item is
 * excluded; the manifest records the rule (`label_rule`) and how many items each case covered
 * (`counts.label_source`). Everything left out is counted by reason in counts.left_out, so
 * nothing is dropped silently. The folder is new for every export and its files are read-only.
 */
import { createHash } from 'node:crypto';
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportResult, Item, Split } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProject } from '../services/lookup.js';
import type { AggregatedLabels } from './aggregate.js';
import { describeRule, projectResolver } from '../adjudication/resolve.js';
import { constraintLines, constraintProblem } from './constraints.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, hashFileInto, newExportFolder, writeDurable } from './folder.js';
import { mkdirPrivate } from '../private-files.js';
import { imageFileName } from './jsonl.js';
import { currentLabels, readProjectItems } from './read-project.js';
import { recordExport } from './record.js';
import { writeSnapshotResponses, type SnapshotResponseCounts } from './snapshot-responses.js';

export const SNAPSHOT_FORMAT_VERSION = 1;
/** The trainer's image processor refuses smaller sides and more extreme aspect ratios. */
export const MIN_IMAGE_SIDE = 28;
export const MAX_ASPECT_RATIO = 200;

const SNAPSHOT_SPLIT: Record<Split, 'train' | 'eval' | 'held-out'> = { train: 'train', eval: 'eval', heldout: 'held-out' };

export type LeftOutReason = 'evaluation_split' | 'unlabelled' | 'low_agreement' | 'missing_harmful' | 'missing_reference' | 'invalid_constraints' | 'image_unusable';

export interface SnapshotItem {
  id: string;
  task: Item['task'];
  messages: { role: 'user'; content: ({ type: 'image'; path: string } | { type: 'text'; text: string })[] }[];
  harmful: boolean | null;
  expected: 'comply' | 'comply_with_care' | 'refuse' | null;
  reference: string | string[] | null;
  visual_cues: string[];
  category: string | null;
  severity: number | null;
  jailbreak_type: string | null;
  split: 'train' | 'eval' | 'held-out';
}

/** The snapshot line for an item and its aggregated labels, or why it cannot be trained on. */
export function snapshotItem(item: Item, agg: AggregatedLabels): { ok: true; value: SnapshotItem } | { ok: false; reason: LeftOutReason } {
  // Evaluation items (eval / held-out) never reach a training snapshot, so no run can train on
  // the prompts its evaluation measures it on.
  if (item.split !== 'train') return { ok: false, reason: 'evaluation_split' };
  const l = agg.labels;
  if ((item.task === 'safety' || item.task === 'jailbreak') && l.harmful === null) return { ok: false, reason: 'missing_harmful' };
  let reference: string | string[] | null = l.referenceAnswer?.trim() ? l.referenceAnswer : null;
  if ((item.task === 'knowledge' || item.task === 'general') && reference === null) return { ok: false, reason: 'missing_reference' };
  if (item.task === 'instruction') {
    const constraints = reference === null ? [] : constraintLines(reference);
    if (constraints.length === 0 || constraints.some((c) => constraintProblem(c) !== null)) return { ok: false, reason: 'invalid_constraints' };
    reference = constraints;
  }
  const content: SnapshotItem['messages'][number]['content'] = [];
  if (item.image) {
    const { width, height } = item.image;
    if (Math.min(width, height) < MIN_IMAGE_SIDE || Math.max(width, height) / Math.min(width, height) > MAX_ASPECT_RATIO) {
      return { ok: false, reason: 'image_unusable' };
    }
    content.push({ type: 'image', path: `images/${imageFileName(item.image)}` });
  }
  content.push({ type: 'text', text: item.text });
  return {
    ok: true,
    value: {
      id: item.externalId,
      task: item.task,
      messages: [{ role: 'user', content }],
      harmful: l.harmful,
      expected: l.expected,
      reference,
      visual_cues: l.visualCues,
      category: l.riskCategory,
      severity: l.severity,
      jailbreak_type: l.jailbreakType,
      split: SNAPSHOT_SPLIT[item.split],
    },
  };
}

/** The snapshot hash of a folder (see the file comment); the same as the trainer's compute_snapshot_hash. */
export async function computeSnapshotHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFileInto(hash, join(dir, 'items.jsonl'));
  try {
    await hashFileInto(hash, join(dir, 'responses.jsonl'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let names: string[] = [];
  try {
    const entries = await readdir(join(dir, 'images'), { withFileTypes: true });
    names = entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    names = [];
  }
  names.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  for (const name of names) await hashFileInto(hash, join(dir, 'images', name));
  return hash.digest('hex');
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Writes a new dataset snapshot of the project into a new folder under `outDir` (default: exports/). */
export async function exportSnapshot(ctx: CoreContext, projectId: number, outDir: string = ctx.paths.exports): Promise<ExportResult> {
  const project = requireProject(ctx.db.read, projectId);
  const createdAt = nowIso(ctx);
  const folder = newExportFolder(outDir, project.name, 'snapshot', ctx.clock.now());
  await beginFolder(folder);
  try {
    await mkdirPrivate(join(folder.temp, 'images'));
    const out = await createExportFile(join(folder.temp, 'items.jsonl'));
    const copied = new Set<string>();
    const leftOut: Record<LeftOutReason, number> = { evaluation_split: 0, unlabelled: 0, low_agreement: 0, missing_harmful: 0, missing_reference: 0, invalid_constraints: 0, image_unusable: 0 };
    const byTask: Record<string, number> = {};
    const bySplit: Record<string, number> = {};
    const perItem: Record<string, { annotators: number; harmful_agree: number; expected_agree: number }> = {};
    let multiAnnotator = 0;
    let fullAgreement = 0;
    let items = 0;
    let labels = 0;
    const included = new Set<number>();
    const resolver = projectResolver(ctx.db.read, projectId);
    const labelSource = { gold: 0, majority: 0, excluded: 0 };
    try {
      for await (const page of readProjectItems(ctx.db.read, projectId)) {
        let chunk = '';
        for (const { item, history } of page) {
          const current = currentLabels(history);
          if (item.split !== 'train') {
            leftOut.evaluation_split += 1;
            continue;
          }
          const resolved = resolver.resolve(item.id, current);
          if (resolved.case === 'unlabelled' || resolved.case === 'excluded') {
            leftOut[resolved.case === 'excluded' ? 'low_agreement' : 'unlabelled'] += 1;
            if (resolved.case === 'excluded') labelSource.excluded += 1;
            continue;
          }
          const agg = resolved.agg!;
          const line = snapshotItem(item, agg);
          if (!line.ok) {
            leftOut[line.reason] += 1;
            continue;
          }
          chunk += `${JSON.stringify(line.value)}\n`;
          items += 1;
          labelSource[resolved.case] += 1;
          labels += current.length;
          included.add(item.id);
          bump(byTask, item.task);
          bump(bySplit, line.value.split);
          if (agg.annotators > 1) {
            multiAnnotator += 1;
            perItem[item.externalId] = { annotators: agg.annotators, harmful_agree: agg.agreement.harmful, expected_agree: agg.agreement.expected };
            if (agg.agreement.harmful === agg.annotators && agg.agreement.expected === agg.annotators) fullAgreement += 1;
          }
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
    if (items === 0) {
      const why = Object.entries(leftOut)
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${n} ${reason.replace(/_/g, ' ')}`);
      throw new StudioError('invalid_input', `project "${project.name}" has no labelled items to put in a training snapshot${why.length ? ` (left out: ${why.join(', ')})` : ''}`);
    }
    const responsesOut = await createExportFile(join(folder.temp, 'responses.jsonl'));
    let responseCounts: SnapshotResponseCounts;
    try {
      responseCounts = await writeSnapshotResponses(ctx.db.read, projectId, included, responsesOut);
      await responsesOut.sync();
    } finally {
      await responsesOut.close();
    }
    const hash = await computeSnapshotHash(folder.temp);
    const counts = {
      items,
      images: copied.size,
      labels,
      left_out: leftOut,
      responses: responseCounts.responses,
      response_verdicts: responseCounts.verdicts,
      response_votes: responseCounts.votes,
      responses_left_out: { item_not_in_snapshot: responseCounts.left_out },
      by_task: byTask,
      by_split: bySplit,
      label_source: labelSource,
      agreement: {
        rule: describeRule(resolver.rules),
        items_with_several_annotators: multiAnnotator,
        full_agreement: fullAgreement,
        per_item: perItem,
      },
    };
    const manifest = {
      format_version: SNAPSHOT_FORMAT_VERSION,
      hash,
      counts,
      label_schema: project.labelSchema,
      label_rule: { description: describeRule(resolver.rules), training_min_agreement: resolver.rules.trainingMinAgreement },
      source_project: { id: project.id, name: project.name, guidelines_sha256: createHash('sha256').update(project.guidelines).digest('hex') },
      created_at: createdAt,
    };
    await writeDurable(join(folder.temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await finishFolder(folder);
    const result: ExportResult = {
      exportId: folder.exportId,
      format: 'snapshot',
      path: folder.final,
      sha256: hash,
      items,
      labels,
      images: copied.size,
      responses: responseCounts.responses,
      preferences: responseCounts.votes,
    };
    recordExport(ctx, projectId, result, { items, labels, images: copied.size, left_out: leftOut, responses: responseCounts.responses }, createdAt);
    ctx.log.info('snapshot written', { projectId, exportId: folder.exportId, items, hash });
    return result;
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the snapshot could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
