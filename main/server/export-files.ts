/**
 * Finds an export on disk from the id in a download URL. An export id is a plain name (letters,
 * digits, `_`, `-`, `.`), never a path; it names either a JSONL file or a snapshot directory
 * directly inside the data dir's exports/ folder. Snapshot directories are handed out as a ustar
 * archive (one download a browser can save), JSONL files as they are.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../preload/contract/errors.js';
import { collectEntries, tarSize, type TarEntry } from './tar.js';

const EXPORT_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

export type ExportDownload =
  | { kind: 'file'; path: string; fileName: string; size: number }
  | { kind: 'archive'; entries: TarEntry[]; fileName: string; size: number };

async function kindOf(path: string): Promise<'file' | 'directory' | null> {
  try {
    const info = await lstat(path);
    if (info.isFile()) return 'file';
    if (info.isDirectory()) return 'directory';
    return null;
  } catch {
    return null;
  }
}

export async function exportDownload(exportsDir: string, exportId: string): Promise<ExportDownload> {
  if (!EXPORT_ID.test(exportId) || exportId.includes('..')) {
    throw new StudioError('invalid_input', 'An export id is a plain name of letters, digits, _, - and .');
  }
  for (const candidate of [exportId, `${exportId}.jsonl`]) {
    const path = join(exportsDir, candidate);
    const kind = await kindOf(path);
    if (kind === 'file') {
      const info = await lstat(path);
      return { kind: 'file', path, fileName: candidate.endsWith('.jsonl') ? candidate : `${candidate}.jsonl`, size: info.size };
    }
    if (kind === 'directory') {
      const entries = await collectEntries(path, exportId);
      return { kind: 'archive', entries, fileName: `${exportId}.tar`, size: tarSize(entries) };
    }
  }
  throw new StudioError('not_found', `There is no export called ${exportId}`);
}
