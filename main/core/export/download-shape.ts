/**
 * What a download of an export is: the one file itself when the export folder holds a single
 * file (a JSONL or Parquet export without images), else the folder as one .tar archive.
 */
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

export type DownloadShape = { kind: 'file'; path: string; fileName: string } | { kind: 'tar'; fileName: string };

export function downloadShape(folder: string, exportId: string): DownloadShape {
  const entries = readdirSync(folder, { withFileTypes: true });
  const only = entries.length === 1 ? entries[0]! : null;
  if (only?.isFile()) return { kind: 'file', path: join(folder, only.name), fileName: `${exportId}${extname(only.name)}` };
  return { kind: 'tar', fileName: `${exportId}.tar` };
}
