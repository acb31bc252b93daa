/**
 * A run's dataset snapshot, through the export service (main/core/export/): `exportSnapshot`
 * writes a new immutable snapshot folder inside the run's folder (and records it as an export),
 * and its hash is recomputed here from the files on disk and checked against the manifest, so
 * the hash the run records provably describes what the worker will read.
 *
 * Previews use the very same item rules (`snapshotItem` over the aggregated current labels)
 * without writing anything, so a preview counts exactly what a snapshot would hold.
 *
 * Hash (cosmo_rl/snapshot.py `compute_snapshot_hash`): sha256 over the bytes of items.jsonl,
 * then responses.jsonl when present, then the bytes of every regular file directly inside
 * images/, in ascending file-name order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { aggregateLabels, computeSnapshotHash, exportSnapshot, snapshotItem } from '../export/index.js';
import { currentLabels, readProjectItems } from '../export/read-project.js';
import { itemFacts, type ItemFacts } from './warnings.js';

export interface FrozenSnapshot {
  /** The snapshot folder (manifest.json, items.jsonl, images/). */
  path: string;
  hash: string;
  items: number;
}

/** Writes the project's snapshot into a new folder inside `runDir` and checks its hash. */
export async function freezeSnapshot(ctx: CoreContext, projectId: number, runDir: string): Promise<FrozenSnapshot> {
  const exported = await exportSnapshot(ctx, projectId, runDir);
  const manifest = JSON.parse(readFileSync(join(exported.path, 'manifest.json'), 'utf8')) as { hash?: unknown };
  // Recomputed from the files on disk with the export's own hash (one definition of it).
  const actual = await computeSnapshotHash(exported.path);
  if (manifest.hash !== actual || exported.sha256 !== actual) {
    throw new StudioError('internal', `The snapshot in ${exported.path} does not match its manifest (hash ${actual} vs ${String(manifest.hash)}).`);
  }
  return { path: exported.path, hash: actual, items: exported.items };
}

/** The facts of every item a snapshot of the project would hold now, without writing one. */
export async function projectFacts(ctx: CoreContext, projectId: number): Promise<ItemFacts[]> {
  const facts: ItemFacts[] = [];
  for await (const page of readProjectItems(ctx.db.read, projectId)) {
    for (const { item, history } of page) {
      const agg = aggregateLabels(currentLabels(history));
      if (!agg) continue;
      const line = snapshotItem(item, agg);
      if (!line.ok) continue;
      const image = item.image ? { width: item.image.width, height: item.image.height } : null;
      facts.push({ ...itemFacts(line.value as unknown as Record<string, unknown>), imageSize: image });
    }
  }
  return facts;
}

/** Reads a written snapshot's items.jsonl into facts (what startRun decides on). */
export function snapshotFacts(snapshotDir: string): ItemFacts[] {
  return readFileSync(join(snapshotDir, 'items.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => itemFacts(JSON.parse(l) as Record<string, unknown>));
}
