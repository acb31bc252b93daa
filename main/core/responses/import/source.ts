/**
 * The responses file to import: a JSONL file (.jsonl, .ndjson, or .json with one object a line),
 * or a folder (an upload) holding exactly one such file at its top.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

export type ResponseSource = { ok: true; file: string; displayName: string } | { ok: false; file: string; message: string };

const EXTENSIONS = new Set(['.jsonl', '.ndjson', '.json']);

export async function resolveResponseSource(path: string, display?: string): Promise<ResponseSource> {
  const name = display ?? basename(path);
  let info;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, file: name, message: `${display ?? path} does not exist` };
  }
  if (info.isFile()) {
    if (!EXTENSIONS.has(extname(path).toLowerCase())) return { ok: false, file: name, message: `${name} is not a .jsonl file (responses are imported from JSON lines)` };
    return { ok: true, file: path, displayName: name };
  }
  if (!info.isDirectory()) return { ok: false, file: name, message: `${display ?? path} is neither a file nor a folder` };
  const files = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && EXTENSIONS.has(extname(e.name).toLowerCase()));
  if (files.length !== 1) {
    const message = files.length === 0 ? `${name} holds no .jsonl file of responses` : `${name} holds several .jsonl files (${files.map((f) => f.name).join(', ')}); choose one`;
    return { ok: false, file: name, message };
  }
  return { ok: true, file: join(path, files[0]!.name), displayName: files[0]!.name };
}
