/**
 * previewImport: the first rows of an upload, read exactly as the import will read them (same
 * source resolution, same line reader, same CSV parser), every column seen, and the guessed field
 * mapping. It only reads: nothing is stored, no image is decoded, the upload stays as it was.
 */
import { createReadStream } from 'node:fs';
import type { ImportPreview } from '../../../preload/contract/import-preview.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { excerpt } from './excerpt.js';
import { guessMapping } from './mapping.js';
import { readRecords } from './records.js';
import { resolveSource } from './source.js';

/** Rows a preview shows. */
export const PREVIEW_ROWS = 10;
/** Characters a preview cell shows (a data URI or a long prompt is cut). */
const CELL_CHARS = 120;
/** A line longer than this is not previewed (the import reads it and judges it). */
const PREVIEW_LINE_BYTES = 64 * 1024 * 1024;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    if (/^data:[^,]{0,100},/.test(value)) return excerpt(`${value.slice(0, value.indexOf(',') + 1)}… (${value.length.toLocaleString('en-US')} characters)`, CELL_CHARS);
    return excerpt(value, CELL_CHARS);
  }
  return excerpt(JSON.stringify(value), CELL_CHARS);
}

export async function previewImport(path: string, displayName: string): Promise<ImportPreview> {
  const resolved = await resolveSource(path, displayName);
  if (!resolved.ok) throw new StudioError('invalid_input', resolved.message, [{ file: resolved.file, line: null, field: null, message: resolved.message }]);
  const { source } = resolved;
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows: Record<string, string>[] = [];
  const problems: ImportPreview['problems'] = [];
  // Required columns are the mapping's business here: the preview reads any header.
  const records = readRecords(source, { maxLineBytes: PREVIEW_LINE_BYTES, requiredColumns: [] });
  try {
    for await (const entry of records) {
      if (entry.kind === 'progress') continue;
      if (entry.kind === 'fatal') {
        problems.push({ file: source.displayName, line: entry.line, field: entry.field, message: entry.message });
        break;
      }
      if (entry.kind === 'problem') {
        problems.push({ file: source.displayName, line: entry.line, field: entry.field, message: entry.message, ...(entry.excerpt !== undefined ? { excerpt: entry.excerpt } : {}) });
      } else {
        const shown: Record<string, string> = {};
        for (const [key, value] of Object.entries(entry.record)) {
          if (!seen.has(key)) {
            seen.add(key);
            columns.push(key);
          }
          shown[key] = cell(value);
        }
        rows.push(shown);
      }
      if (rows.length + problems.length >= PREVIEW_ROWS) break;
    }
  } finally {
    await records.return(undefined);
  }
  return { file: source.displayName, format: source.format, columns, rows, mapping: guessMapping(columns), embeddedImages: await countDataUris(source.file), problems };
}

const DATA_IMAGE = Buffer.from('data:image/');

/** Occurrences of `data:image/` in the file, read in chunks (a match across two chunks counts once). */
export async function countDataUris(file: string): Promise<number> {
  let count = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    for (let at = buf.indexOf(DATA_IMAGE); at >= 0; at = buf.indexOf(DATA_IMAGE, at + DATA_IMAGE.length)) count += 1;
    // Keep a tail shorter than the pattern, so a match split between chunks is found once.
    carry = buf.subarray(Math.max(0, buf.length - (DATA_IMAGE.length - 1)));
  }
  return count;
}
