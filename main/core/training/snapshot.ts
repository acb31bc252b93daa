/**
 * A run's dataset snapshot, through the export service (main/core/export/): `exportSnapshot`
 * writes a new immutable snapshot folder inside the run's folder (and records it as an export),
 * and its hash is recomputed here from the files on disk and checked against the manifest, so
 * the hash the run records provably describes what the worker will read.
 *
 * Previews use the very same item rules (`snapshotItem` over the labels the project's rule picks:
 * gold, else a majority with enough agreement, else excluded; adjudication/resolve.ts) without
 * writing anything, so a preview counts exactly what a snapshot would hold, and how many items
 * the agreement rule left out.
 *
 * Hash (cosmo_rl/snapshot.py `compute_snapshot_hash`): sha256 over the bytes of items.jsonl,
 * then responses.jsonl when present, then the bytes of every regular file directly inside
 * images/, in ascending file-name order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { computeSnapshotHash, exportSnapshot, snapshotItem } from '../export/index.js';
import { projectResolver } from '../adjudication/resolve.js';
import { currentLabels, readProjectItems } from '../export/read-project.js';
import { itemFacts, type ItemFacts, type LabelSourceCounts } from './warnings.js';

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
export async function projectFacts(ctx: CoreContext, projectId: number): Promise<{ facts: ItemFacts[]; labelSource: LabelSourceCounts }> {
  const facts: ItemFacts[] = [];
  const resolver = projectResolver(ctx.db.read, projectId);
  const labelSource: LabelSourceCounts = { gold: 0, majority: 0, excluded: 0, minAgreement: resolver.rules.trainingMinAgreement };
  for await (const page of readProjectItems(ctx.db.read, projectId)) {
    for (const { item, history } of page) {
      if (item.split !== 'train') continue;
      const resolved = resolver.resolve(item.id, currentLabels(history));
      if (resolved.case === 'excluded') labelSource.excluded += 1;
      if (resolved.case !== 'gold' && resolved.case !== 'majority') continue;
      const line = snapshotItem(item, resolved.agg!);
      if (!line.ok) continue;
      const image = item.image ? { width: item.image.width, height: item.image.height } : null;
      facts.push({ ...itemFacts(line.value as unknown as Record<string, unknown>), imageSize: image });
      labelSource[resolved.case] += 1;
    }
  }
  return { facts, labelSource };
}

/** What a written snapshot's manifest says of the label rule's cases (none for older snapshots). */
export function snapshotLabelSource(snapshotDir: string): LabelSourceCounts | undefined {
  const manifest = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8')) as {
    counts?: { label_source?: { gold?: unknown; majority?: unknown; excluded?: unknown } };
    label_rule?: { training_min_agreement?: unknown };
  };
  const s = manifest.counts?.label_source;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  if (!s) return undefined;
  return { gold: n(s.gold), majority: n(s.majority), excluded: n(s.excluded), minAgreement: n(manifest.label_rule?.training_min_agreement) };
}

/** Reads a written snapshot's items.jsonl into facts (what startRun decides on). */
export function snapshotFacts(snapshotDir: string): ItemFacts[] {
  return readFileSync(join(snapshotDir, 'items.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => itemFacts(JSON.parse(l) as Record<string, unknown>));
}
