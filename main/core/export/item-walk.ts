/**
 * The loop every item export shares: the project's items a page at a time, those the filters
 * keep, each image copied once into the export's images/ folder (made only when an item has one,
 * so an export without images is a single file and downloads as that file).
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Item } from '../../../preload/contract/domain.js';
import type { ExportFilters } from '../../../preload/contract/export-history.js';
import type { CoreContext } from '../context.js';
import { MIME_EXTENSION } from '../images/sniff.js';
import { mkdirPrivate } from '../private-files.js';
import { keepsItem } from './item-filters.js';
import { readProjectItems, type ExportItem } from './read-project.js';

export interface WalkCounts {
  items: number;
  labels: number;
  images: number;
}

export function imageFileName(image: NonNullable<Item['image']>): string {
  return `${image.sha256}.${MIME_EXTENSION[image.mime]}`;
}

/** Calls `page` with each page of kept items (after their images are copied); returns the counts. */
export async function walkItems(ctx: CoreContext, projectId: number, filters: ExportFilters, exportDir: string, page: (entries: ExportItem[]) => Promise<void>): Promise<WalkCounts> {
  const copied = new Set<string>();
  const counts: WalkCounts = { items: 0, labels: 0, images: 0 };
  for await (const all of readProjectItems(ctx.db.read, projectId)) {
    const kept = all.filter((entry) => keepsItem(entry, filters));
    for (const entry of kept) {
      counts.items += 1;
      counts.labels += entry.history.length;
      const image = entry.item.image;
      if (image && !copied.has(image.sha256)) {
        if (copied.size === 0) await mkdirPrivate(join(exportDir, 'images'));
        copied.add(image.sha256);
        await copyFile(ctx.blobs.path(image.sha256), join(exportDir, 'images', imageFileName(image)));
      }
    }
    if (kept.length) await page(kept);
  }
  counts.images = copied.size;
  return counts;
}
