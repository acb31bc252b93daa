/**
 * JSONL export: every item of a project with its source fields, its full label history
 * (annotator name and role, version, status, origin, labels, time spent, created_at) and its
 * flags, one JSON object per line, images copied beside it as images/<sha256>.<ext>. The
 * format is the importer's: importing the file into another project reproduces the same items,
 * labels and history (tests/integration/export.test.ts checks it field by field).
 *
 *   exports/<export id>/items.jsonl, exports/<export id>/images/...
 */
import { join } from 'node:path';
import type { ExportResult } from '../../../preload/contract/domain.js';
import type { ExportFilters } from '../../../preload/contract/export-history.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, sha256File } from './folder.js';
import { activeFilters } from './item-filters.js';
import { imageFileName, walkItems } from './item-walk.js';
import type { ExportItem } from './read-project.js';
import { recordExport } from './record.js';

/** Fields the importer reads itself; an `extra` key with one of these names cannot be written back. */
const RESERVED = new Set(['id', 'text', 'image', 'source', 'task', 'split', 'tags', 'sensitive', 'category', 'expected', 'source_labels', 'annotations', 'flags']);

export { imageFileName };

/** What the item exports (jsonl, parquet, hf) take besides the project. */
export interface ItemExportOptions {
  filters?: ExportFilters | undefined;
}

export function exportLine({ item, history, flags }: ExportItem): string {
  const { category, expected, ...otherSourceLabels } = item.sourceLabels;
  const record: Record<string, unknown> = {
    id: item.externalId,
    text: item.text,
    image: item.image ? `images/${imageFileName(item.image)}` : null,
    source: item.source,
    task: item.task,
    split: item.split,
    tags: item.tags,
    sensitive: item.sensitive,
  };
  if (category !== undefined) record.category = category;
  if (expected !== undefined) record.expected = expected;
  if (Object.keys(otherSourceLabels).length > 0) record.source_labels = otherSourceLabels;
  for (const [key, value] of Object.entries(item.extra)) if (!RESERVED.has(key)) record[key] = value;
  record.annotations = history.map((a) => ({
    annotator: a.annotator,
    role: a.role,
    version: a.version,
    status: a.status,
    origin: a.origin,
    labels: a.labels,
    time_spent_ms: a.timeSpentMs,
    created_at: a.createdAt,
  }));
  record.flags = flags.map((f) => ({ annotator: f.annotator, role: f.role, note: f.note, created_at: f.createdAt }));
  return JSON.stringify(record);
}

/** Writes a new JSONL export of the project (the items the filters keep) into a new folder under `outDir` (default: the data dir's exports/). */
export async function exportJsonl(ctx: CoreContext, projectId: number, outDir: string = ctx.paths.exports, options: ItemExportOptions = {}): Promise<ExportResult> {
  const project = requireProjectRow(ctx.db.read, projectId);
  const filters = activeFilters(options.filters);
  const folder = newExportFolder(outDir, project.name, 'jsonl', ctx.clock.now());
  await beginFolder(folder);
  try {
    const file = join(folder.temp, 'items.jsonl');
    const out = await createExportFile(file);
    let counts;
    try {
      counts = await walkItems(ctx, projectId, filters, folder.temp, async (page) => {
        await out.write(page.map((entry) => `${exportLine(entry)}\n`).join(''));
      });
      await out.sync();
    } finally {
      await out.close();
    }
    const sha256 = await sha256File(file);
    await finishFolder(folder);
    const result: ExportResult = { exportId: folder.exportId, format: 'jsonl', path: join(folder.final, 'items.jsonl'), sha256, ...counts };
    recordExport(ctx, projectId, result, { ...counts }, nowIso(ctx), filters);
    ctx.log.info('export written', { projectId, exportId: folder.exportId, format: 'jsonl', items: counts.items });
    return result;
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the export could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
