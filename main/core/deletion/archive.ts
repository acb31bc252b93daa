/**
 * The archive a deletion writes before it removes anything: a new export folder (registered in
 * the export history, downloadable from the Export tab like any export) holding exactly the items
 * being deleted, in the formats the importers read, so importing it back restores them:
 *
 *   exports/<id>-archive-…/items.jsonl      the JSONL export's lines: items, every label version, flags
 *   exports/<id>-archive-…/responses.jsonl  the responses export's lines: responses, every verdict and vote version
 *   exports/<id>-archive-…/extras.jsonl     what no importer reads, kept as stored rows: gold versions,
 *                                           gold checks, automatic verdicts, response flags, send-back records
 *   exports/<id>-archive-…/images/          every image of those items
 *
 * Every file is flushed, the folder is renamed into place and its parent flushed, and the line
 * counts are checked against what is being deleted, before the export row is written; only then
 * may the deletion run. The history records it as a jsonl export (its id says "archive").
 */
import { copyFile, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExportResult } from '../../../preload/contract/domain.js';
import type { DeletionArchive, DeletionCounts } from '../../../preload/contract/deletion.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, sha256File } from '../export/folder.js';
import { imageFileName } from '../export/item-walk.js';
import { exportLine } from '../export/jsonl.js';
import { readProjectItems } from '../export/read-project.js';
import { readProjectResponses, readProjectVotes } from '../export/read-responses.js';
import { recordExport, recordExportCreator } from '../export/record.js';
import { preferenceLine, responseLine } from '../export/responses.js';
import { mkdirPrivate } from '../private-files.js';
import type { ResolvedScope } from './scope.js';

/** What the archive holds, to compare with what the deletion removes. */
export interface ArchiveTally {
  items: number;
  labels: number;
  responses: number;
  verdicts: number;
  votes: number;
  extras: number;
}

/** The tables extras.jsonl keeps, each with the rows that belong to the items (`?` = the item ids JSON). */
const EXTRA_TABLES: { kind: string; sql: string }[] = [
  { kind: 'gold_label', sql: `SELECT g.*, i.external_id AS item_external_id FROM gold_label g JOIN item i ON i.id = g.item_id WHERE g.item_id IN (SELECT value FROM json_each(?)) ORDER BY g.id` },
  { kind: 'gold_check', sql: `SELECT g.*, i.external_id AS item_external_id FROM gold_check g JOIN item i ON i.id = g.item_id WHERE g.item_id IN (SELECT value FROM json_each(?)) ORDER BY g.item_id` },
  {
    kind: 'response_gold',
    sql: `SELECT g.*, i.external_id AS item_external_id, r.model_name, r.sample_index FROM response_gold g JOIN item i ON i.id = g.item_id JOIN response r ON r.id = g.response_id
          WHERE g.item_id IN (SELECT value FROM json_each(?)) ORDER BY g.id`,
  },
  {
    kind: 'preference_gold',
    sql: `SELECT g.*, i.external_id AS item_external_id, ra.model_name AS a_model, ra.sample_index AS a_sample_index, rb.model_name AS b_model, rb.sample_index AS b_sample_index
          FROM preference_gold g JOIN item i ON i.id = g.item_id JOIN response ra ON ra.id = g.response_a_id JOIN response rb ON rb.id = g.response_b_id
          WHERE g.item_id IN (SELECT value FROM json_each(?)) ORDER BY g.id`,
  },
  {
    kind: 'auto_verdict',
    sql: `SELECT v.*, i.external_id AS item_external_id, r.model_name, r.sample_index FROM response_auto_verdict v JOIN response r ON r.id = v.response_id JOIN item i ON i.id = r.item_id
          WHERE r.item_id IN (SELECT value FROM json_each(?)) ORDER BY v.response_id, v.tier, v.verifier`,
  },
  {
    kind: 'response_flag',
    sql: `SELECT f.*, i.external_id AS item_external_id, r.model_name, r.sample_index FROM response_flag f JOIN response r ON r.id = f.response_id JOIN item i ON i.id = r.item_id
          WHERE r.item_id IN (SELECT value FROM json_each(?)) ORDER BY f.response_id, f.annotator_id`,
  },
  {
    kind: 'send_back',
    sql: `SELECT s.*, a.item_id, a.version, i.external_id AS item_external_id FROM send_back_annotation s JOIN annotation a ON a.id = s.annotation_id JOIN item i ON i.id = a.item_id
          WHERE a.item_id IN (SELECT value FROM json_each(?)) ORDER BY s.annotation_id`,
  },
];

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes one file a chunk at a time and flushes it; returns how many lines went in. */
async function writeLines(path: string, fill: (write: (lines: string[]) => Promise<void>) => Promise<void>): Promise<number> {
  const out = await createExportFile(path);
  let lines = 0;
  try {
    await fill(async (chunk) => {
      if (chunk.length === 0) return;
      lines += chunk.length;
      await out.write(chunk.map((line) => `${line}\n`).join(''));
    });
    await out.sync();
  } finally {
    await out.close();
  }
  return lines;
}

async function writeItems(ctx: CoreContext, resolved: ResolvedScope, dir: string, tally: ArchiveTally): Promise<number> {
  const ids = new Set(resolved.itemIds);
  const copied = new Set<string>();
  tally.items = await writeLines(join(dir, 'items.jsonl'), async (write) => {
    for await (const page of readProjectItems(ctx.db.read, resolved.project.id)) {
      const kept = page.filter((entry) => ids.has(entry.item.id));
      for (const entry of kept) {
        tally.labels += entry.history.length;
        const image = entry.item.image;
        if (image && !copied.has(image.sha256)) {
          if (copied.size === 0) await mkdirPrivate(join(dir, 'images'));
          copied.add(image.sha256);
          await copyFile(ctx.blobs.path(image.sha256), join(dir, 'images', imageFileName(image)));
        }
      }
      await write(kept.map(exportLine));
    }
  });
  return copied.size;
}

async function writeResponses(ctx: CoreContext, resolved: ResolvedScope, dir: string, tally: ArchiveTally): Promise<void> {
  const ids = new Set(resolved.itemIds);
  const responseIds = new Set<number>();
  await writeLines(join(dir, 'responses.jsonl'), async (write) => {
    for await (const page of readProjectResponses(ctx.db.read, resolved.project.id)) {
      const kept = page.filter((r) => ids.has(r.itemId));
      for (const r of kept) {
        responseIds.add(r.id);
        tally.verdicts += r.history.length;
      }
      tally.responses += kept.length;
      await write(kept.map((r) => responseLine(resolved.project.name, r)));
    }
    // Votes after every response, as the responses export writes them.
    for await (const page of readProjectVotes(ctx.db.read, resolved.project.id)) {
      const kept = page.filter((v) => responseIds.has(v.a.responseId));
      tally.votes += kept.length;
      await write(kept.map((v) => preferenceLine(resolved.project.name, v)));
    }
  });
}

async function writeExtras(ctx: CoreContext, resolved: ResolvedScope, dir: string, tally: ArchiveTally): Promise<void> {
  tally.extras = await writeLines(join(dir, 'extras.jsonl'), async (write) => {
    for (const { kind, sql } of EXTRA_TABLES) {
      const rows = ctx.db.read.prepare<Record<string, unknown>>(sql).all(resolved.idsJson);
      await write(rows.map((row) => JSON.stringify({ kind, ...row })));
    }
  });
}

/** Throws unless the archive holds exactly what the counts say is going. */
function checkTally(tally: ArchiveTally, counts: DeletionCounts): void {
  const expected: [keyof ArchiveTally, number][] = [
    ['items', counts.items],
    ['labels', counts.labels],
    ['responses', counts.responses],
    ['verdicts', counts.verdicts],
    ['votes', counts.votes],
  ];
  for (const [key, want] of expected) {
    if (tally[key] !== want)
      throw new StudioError('conflict', `The archive holds ${tally[key]} ${key} but ${want} would be deleted (the project changed while it was written); nothing was deleted, try again.`);
  }
}

export interface WrittenArchive extends DeletionArchive {
  tally: ArchiveTally;
}

/** Writes and registers the archive of what `resolved` covers; throws (leaving nothing behind) unless it is complete and on disk. */
export async function writeArchive(ctx: CoreContext, resolved: ResolvedScope, counts: DeletionCounts, userId?: number): Promise<WrittenArchive> {
  const folder = newExportFolder(ctx.paths.exports, resolved.project.name, 'archive', ctx.clock.now());
  await beginFolder(folder);
  const tally: ArchiveTally = { items: 0, labels: 0, responses: 0, verdicts: 0, votes: 0, extras: 0 };
  let images: number;
  try {
    images = await writeItems(ctx, resolved, folder.temp, tally);
    await writeResponses(ctx, resolved, folder.temp, tally);
    await writeExtras(ctx, resolved, folder.temp, tally);
    checkTally(tally, counts);
    await finishFolder(folder);
    await syncDirectory(dirname(folder.final));
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `The archive could not be written, so nothing was deleted: ${error instanceof Error ? error.message : String(error)}`);
  }
  const itemsFile = join(folder.final, 'items.jsonl');
  const sha256 = await sha256File(itemsFile);
  const result: ExportResult = { exportId: folder.exportId, format: 'jsonl', path: itemsFile, sha256, items: tally.items, labels: tally.labels, images };
  recordExport(
    ctx,
    resolved.project.id,
    result,
    { items: tally.items, labels: tally.labels, images, responses: tally.responses, verdicts: tally.verdicts, preferences: tally.votes, extras: tally.extras },
    nowIso(ctx),
  );
  if (userId !== undefined) recordExportCreator(ctx, folder.exportId, userId);
  const files = ['items.jsonl', 'responses.jsonl', 'extras.jsonl', ...(images > 0 ? ['images/'] : [])];
  ctx.log.info('deletion archive written', { projectId: resolved.project.id, exportId: folder.exportId, items: tally.items });
  return { exportId: folder.exportId, path: folder.final, files, sha256, tally };
}
