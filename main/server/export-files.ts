/**
 * Finds an export on disk from the id in a download URL. Every export is a folder directly
 * inside the data dir's exports/ (exports/<id>/: items.jsonl, and images/ when an item has one,
 * for JSONL; manifest.json, items.jsonl and images/ for a snapshot). A folder holding one file
 * (a JSONL or Parquet export without images) is handed out as that file (`<id>.jsonl`), any other
 * as one ustar archive a browser can save (`<id>.tar`).
 * An export id is a plain name, never a path; half-written exports (`.tmp-<id>`) cannot be named.
 */
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StudioError } from '../../preload/contract/errors.js';
import { downloadShape } from '../core/export/download-shape.js';
import { collectEntries, tarSize, tarStream } from './tar.js';

const EXPORT_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

const FILE_TYPES: Record<string, string> = {
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
};

export interface ExportDownload {
  fileName: string;
  contentType: string;
  size: number;
  /** The bytes of the download (the file, or the archive of the folder). */
  open: () => Readable;
}

export async function exportDownload(exportsDir: string, exportId: string): Promise<ExportDownload> {
  if (!EXPORT_ID.test(exportId) || exportId.includes('..')) {
    throw new StudioError('invalid_input', 'An export id is a plain name of letters, digits, _, - and .');
  }
  const path = join(exportsDir, exportId);
  const info = await lstat(path).catch(() => null);
  if (!info?.isDirectory()) throw new StudioError('not_found', `There is no export called ${exportId}`);
  const shape = downloadShape(path, exportId);
  if (shape.kind === 'file') {
    const file = await lstat(shape.path);
    const type = FILE_TYPES[shape.fileName.slice(shape.fileName.lastIndexOf('.'))] ?? 'application/octet-stream';
    return { fileName: shape.fileName, contentType: type, size: file.size, open: () => createReadStream(shape.path) };
  }
  const entries = await collectEntries(path, exportId);
  return { fileName: shape.fileName, contentType: 'application/x-tar', size: tarSize(entries), open: () => tarStream(entries) };
}
