/**
 * Finds an export on disk from the id in a download URL. Every export is a folder directly
 * inside the data dir's exports/ (exports/<id>/: items.jsonl and images/ for JSONL; manifest.json,
 * items.jsonl and images/ for a snapshot), handed out as one ustar archive a browser can save.
 * An export id is a plain name, never a path; half-written exports (`.tmp-<id>`) cannot be named.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../preload/contract/errors.js';
import { collectEntries, tarSize, type TarEntry } from './tar.js';

const EXPORT_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

export interface ExportDownload {
  entries: TarEntry[];
  fileName: string;
  size: number;
}

export async function exportDownload(exportsDir: string, exportId: string): Promise<ExportDownload> {
  if (!EXPORT_ID.test(exportId) || exportId.includes('..')) {
    throw new StudioError('invalid_input', 'An export id is a plain name of letters, digits, _, - and .');
  }
  const path = join(exportsDir, exportId);
  const info = await lstat(path).catch(() => null);
  if (!info?.isDirectory()) throw new StudioError('not_found', `There is no export called ${exportId}`);
  const entries = await collectEntries(path, exportId);
  return { entries, fileName: `${exportId}.tar`, size: tarSize(entries) };
}
