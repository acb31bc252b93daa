/**
 * Rows of an items file as plain objects, one at a time, with the line each starts on:
 * JSONL (one JSON object per line, blank lines ignored) or CSV (header row, RFC 4180).
 * A row that cannot be read yields a problem instead; a file that cannot be read at all yields
 * a fatal problem and ends.
 */
import { CsvRecordReader } from './csv.js';
import { excerpt } from './excerpt.js';
import { readLines } from './lines.js';
import { PROTO_KEY_MESSAGE } from './row.js';
import type { ImportSource } from './source.js';

const PROTO_KEY = '__proto__';

export type SourceRecord =
  | { kind: 'row'; line: number; record: Record<string, unknown>; excerpt: string }
  | { kind: 'problem'; line: number; field: string | null; message: string; excerpt?: string }
  | { kind: 'fatal'; line: number | null; field: string | null; message: string }
  /** Lines read so far, for progress. */
  | { kind: 'progress'; lines: number };

/** The columns a CSV must have. */
export const REQUIRED_CSV_COLUMNS = ['id', 'text'] as const;
/** CSV columns whose cells hold JSON (so an export re-imported through CSV keeps them). */
const JSON_COLUMNS = new Set(['annotations', 'flags', 'source_labels']);

export interface RecordOptions {
  maxLineBytes: number;
  /** The columns a CSV must have (default: REQUIRED_CSV_COLUMNS; a field mapping names others). */
  requiredColumns?: readonly string[];
}

async function* jsonlRecords(source: ImportSource, options: RecordOptions): AsyncGenerator<SourceRecord> {
  let rows = 0;
  let lines = 0;
  for await (const raw of readLines(source.file, { maxLineBytes: options.maxLineBytes })) {
    lines = raw.line;
    if ((lines & 1023) === 0) yield { kind: 'progress', lines };
    if (raw.text === null) {
      yield { kind: 'problem', line: raw.line, field: null, message: raw.problem };
      rows += 1;
      continue;
    }
    if (raw.text.trim() === '') continue;
    rows += 1;
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      yield { kind: 'problem', line: raw.line, field: null, message: `not valid JSON: ${detail}`, excerpt: excerpt(raw.text) };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { kind: 'problem', line: raw.line, field: null, message: 'each line must be one JSON object ({...})', excerpt: excerpt(raw.text) };
      continue;
    }
    yield { kind: 'row', line: raw.line, record: value as Record<string, unknown>, excerpt: excerpt(raw.text) };
  }
  yield { kind: 'progress', lines };
  if (rows === 0) yield { kind: 'fatal', line: null, field: null, message: `${source.displayName} is empty: it has no items to import` };
}

async function* csvRecords(source: ImportSource, options: RecordOptions): AsyncGenerator<SourceRecord> {
  const reader = new CsvRecordReader();
  let header: string[] | null = null;
  let rows = 0;
  let lines = 0;
  for await (const raw of readLines(source.file, { maxLineBytes: options.maxLineBytes })) {
    lines = raw.line;
    if ((lines & 1023) === 0) yield { kind: 'progress', lines };
    if (raw.text === null) {
      if (header === null) {
        yield { kind: 'fatal', line: raw.line, field: null, message: `the header row cannot be read: ${raw.problem}` };
        return;
      }
      yield { kind: 'problem', line: raw.line, field: null, message: raw.problem };
      continue;
    }
    if (!reader.open && raw.text.trim() === '') continue;
    const step = reader.push(raw.text, raw.line);
    if (step === null) continue;
    if ('error' in step) {
      if (header === null) {
        yield { kind: 'fatal', line: step.error.line, field: null, message: `the header row is not valid CSV: ${step.error.message}` };
        return;
      }
      yield { kind: 'problem', line: step.error.line, field: null, message: `not valid CSV: ${step.error.message}` };
      continue;
    }
    const { line, fields } = step.record;
    if (header === null) {
      header = fields.map((name) => name.trim());
      const seen = new Set<string>();
      for (const name of header) {
        if (name === '') {
          yield { kind: 'fatal', line, field: null, message: 'the header row has an empty column name' };
          return;
        }
        if (seen.has(name)) {
          yield { kind: 'fatal', line, field: name, message: `the header row names the column "${name}" twice` };
          return;
        }
        seen.add(name);
      }
      if (seen.has(PROTO_KEY)) {
        yield { kind: 'fatal', line, field: PROTO_KEY, message: PROTO_KEY_MESSAGE };
        return;
      }
      const required = options.requiredColumns ?? REQUIRED_CSV_COLUMNS;
      const missing = required.filter((name) => !seen.has(name));
      if (missing.length) {
        yield {
          kind: 'fatal',
          line,
          field: missing[0]!,
          message: `the header row has no "${missing.join('", "')}" column (required: ${required.join(', ')})`,
        };
        return;
      }
      continue;
    }
    rows += 1;
    // The row as CSV again (one line even when a cell held line breaks, which excerpt escapes).
    const shown = excerpt(fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(','));
    if (fields.length !== header.length) {
      yield { kind: 'problem', line, field: null, message: `the row has ${fields.length} fields but the header has ${header.length} columns`, excerpt: shown };
      continue;
    }
    const record: Record<string, unknown> = {};
    let bad = false;
    for (let i = 0; i < header.length; i++) {
      const name = header[i]!;
      const cell = fields[i]!;
      if (JSON_COLUMNS.has(name) && cell.trim() !== '') {
        try {
          record[name] = JSON.parse(cell);
        } catch {
          yield { kind: 'problem', line, field: name, message: `the ${name} cell must hold JSON`, excerpt: shown };
          bad = true;
          break;
        }
      } else {
        record[name] = cell;
      }
    }
    if (!bad) yield { kind: 'row', line, record, excerpt: shown };
  }
  const end = reader.end();
  if (end && 'error' in end) yield { kind: 'problem', line: end.error.line, field: null, message: `not valid CSV: ${end.error.message}` };
  yield { kind: 'progress', lines };
  if (header === null) yield { kind: 'fatal', line: null, field: null, message: `${source.displayName} is empty: it has no header row and no items` };
  else if (rows === 0) yield { kind: 'fatal', line: null, field: null, message: `${source.displayName} has a header row but no items` };
}

export function readRecords(source: ImportSource, options: RecordOptions): AsyncGenerator<SourceRecord> {
  return source.format === 'csv' ? csvRecords(source, options) : jsonlRecords(source, options);
}
