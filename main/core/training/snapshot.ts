/**
 * Freezing a run's dataset snapshot: the project is exported as a snapshot through the export
 * service (S2's `exportProject`, format `snapshot`), copied into runs/<dir>/snapshot, and its
 * hash recomputed from the copied bytes and checked against the manifest, so the run records a
 * hash that provably describes the files the worker will read.
 *
 * Hash (cosmo_rl/snapshot.py, `compute_snapshot_hash`): sha256 over the bytes of items.jsonl,
 * then the bytes of every regular file directly inside images/, in ascending file-name order.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MethodOutput, MethodParsedInput } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';

export function computeSnapshotHash(dir: string): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(dir, 'items.jsonl')));
  const images = join(dir, 'images');
  if (existsSync(images)) {
    const names = readdirSync(images)
      .filter((n) => statSync(join(images, n)).isFile())
      .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    for (const name of names) hash.update(readFileSync(join(images, name)));
  }
  return hash.digest('hex');
}

export type ExportProject = (input: MethodParsedInput<'exportProject'>) => Promise<MethodOutput<'exportProject'>> | MethodOutput<'exportProject'>;

export async function freezeViaExport(exportProject: ExportProject, projectId: number, dir: string): Promise<{ hash: string; items: number }> {
  const exported = await exportProject({ projectId, format: 'snapshot' });
  cpSync(exported.path, dir, { recursive: true, errorOnExist: true, force: false });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { hash?: unknown };
  const actual = computeSnapshotHash(dir);
  if (manifest.hash !== actual) {
    throw new StudioError('internal', `The snapshot copied to ${dir} does not match its manifest (hash ${actual} vs ${String(manifest.hash)}).`);
  }
  return { hash: actual, items: exported.items };
}
