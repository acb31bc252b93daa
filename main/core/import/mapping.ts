/**
 * The field mapping of an import: which source columns are the item's id, text and image. The
 * preview guesses it from the column names; the import applies it to every row before the row is
 * checked. A column the mapping replaces (a `text` column when another column is the text) is
 * kept under `source_<name>` in the item's extra fields, never silently dropped.
 */
import type { ImportMapping, MappedField } from '../../../preload/contract/import-preview.js';

/** Column names tried for each field, best first (compared case-insensitively). */
const GUESSES: Record<MappedField, readonly string[]> = {
  id: ['id', 'item_id', 'uid', 'uuid', 'key', 'idx', 'index', 'question_id', 'prompt_id', 'sample_id'],
  text: ['text', 'prompt', 'question', 'instruction', 'query', 'input', 'content', 'goal', 'behavior', 'behaviour', 'message'],
  image: ['image', 'image_path', 'img', 'image_file', 'file_name', 'filename', 'path', 'picture'],
};

export function guessMapping(columns: readonly string[]): Record<MappedField, string | null> {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const pick = (field: MappedField): string | null => {
    for (const name of GUESSES[field]) {
      const hit = lower.get(name);
      if (hit !== undefined) return hit;
    }
    return null;
  };
  return { id: pick('id'), text: pick('text'), image: pick('image') };
}

/** The mapping's entries that rename something (a field mapped to its own name changes nothing). */
function renames(mapping: ImportMapping | undefined): [MappedField, string][] {
  if (!mapping) return [];
  return (['id', 'text', 'image'] as const).flatMap((field) => {
    const column = mapping[field];
    return column !== undefined && column !== field ? [[field, column] as [MappedField, string]] : [];
  });
}

export function hasRenames(mapping: ImportMapping | undefined): boolean {
  return renames(mapping).length > 0;
}

/** The row as the importer reads it: mapped columns under the field names. */
export function applyMapping(record: Record<string, unknown>, mapping: ImportMapping | undefined): Record<string, unknown> {
  const moves = renames(mapping);
  if (moves.length === 0) return record;
  const out: Record<string, unknown> = { ...record };
  const sources = new Set(moves.map(([, column]) => column));
  for (const [, column] of moves) delete out[column];
  for (const [field, column] of moves) {
    if (field in record && !sources.has(field)) out[`source_${field}`] = record[field];
    if (column in record) out[field] = record[column];
    else delete out[field];
  }
  return out;
}

/** The columns a CSV must have under this mapping (id and text, or the columns mapped to them). */
export function requiredColumns(mapping: ImportMapping | undefined): string[] {
  return [mapping?.id ?? 'id', mapping?.text ?? 'text'];
}
