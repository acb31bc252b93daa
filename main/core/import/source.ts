/**
 * What is being imported: a JSONL or CSV file, or a folder holding images and one sidecar
 * (items.jsonl preferred, else the only .jsonl or .csv at its top). Image paths in the rows are
 * resolved against the folder of the items file.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

export type SourceFormat = 'jsonl' | 'csv';

export interface ImportSource {
  format: SourceFormat;
  /** Absolute path of the items file. */
  file: string;
  /** Folder that image paths are relative to (and must stay inside). */
  root: string;
  /** The name used in problems (relative to what the user chose). */
  displayName: string;
}

export type SourceResult = { ok: true; source: ImportSource } | { ok: false; file: string; message: string };

const FORMATS: Record<string, SourceFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl', '.csv': 'csv' };

export function formatOf(file: string): SourceFormat | null {
  return FORMATS[extname(file).toLowerCase()] ?? null;
}

/** `display`: how to name `path` in problems (default: its base name; for a folder, its sidecar's name). */
export async function resolveSource(path: string, display?: string): Promise<SourceResult> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, file: display ?? basename(path), message: `${display ?? path} does not exist` };
  }
  if (info.isFile()) {
    const format = formatOf(path);
    const name = display ?? basename(path);
    if (!format) return { ok: false, file: name, message: `${name} is not a .jsonl or .csv file` };
    return { ok: true, source: { format, file: path, root: dirname(path), displayName: name } };
  }
  if (!info.isDirectory()) return { ok: false, file: display ?? basename(path), message: `${display ?? path} is neither a file nor a folder` };
  const entries = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && formatOf(e.name) !== null && !e.name.startsWith('.'));
  const preferred = entries.find((e) => e.name === 'items.jsonl') ?? (entries.length === 1 ? entries[0] : undefined);
  const folderName = display ?? `the folder ${basename(path)}`;
  if (!preferred) {
    const message =
      entries.length === 0
        ? `${folderName} has no items.jsonl (or other .jsonl / .csv) describing its images`
        : `${folderName} has several item files (${entries.map((e) => e.name).join(', ')}); name the one to import items.jsonl or choose it`;
    return { ok: false, file: display ?? basename(path), message };
  }
  const file = join(path, preferred.name);
  return { ok: true, source: { format: formatOf(file)!, file, root: path, displayName: preferred.name } };
}
