/**
 * One input row (a JSONL object or a CSV record turned into an object) checked and normalised
 * into what the importer stores. Every refusal names the field; the caller adds file and line.
 *
 * Known fields: id, text, image, category, expected, source, task, split, tags, sensitive,
 * source_labels, annotations, flags. Everything else goes to item.extra verbatim.
 */
import { LabelValues, ROLES, SPLITS, TASKS, type Role, type Split, type Task } from '../../../preload/contract/domain.js';

/** Prompts longer than this are refused: a prompt is something a person reads and labels. */
export const MAX_TEXT_BYTES = 100 * 1024;
export const MAX_ID_LENGTH = 256;
export const MAX_TAGS = 100;
/**
 * Deepest nesting of lists and objects kept in a field. SQLite's json_valid() gives up past 1000
 * levels, and JSON.stringify overflows the stack long before a line's size limit is reached.
 */
export const MAX_NESTING = 64;
/** JSON.parse keeps an own `__proto__` key, but assigning or copying it drops it silently. */
const PROTO_KEY = '__proto__';
export const PROTO_KEY_MESSAGE = `a key named "${PROTO_KEY}" cannot be stored (JavaScript objects drop it); rename it`;

export type ImageSpec = { kind: 'path'; path: string } | { kind: 'data'; bytes: Buffer; declaredMime: string };

export interface RowAnnotation {
  annotator: string;
  role: Role;
  version: number;
  status: 'submitted' | 'retracted';
  origin: 'queue' | 'browse' | 'import';
  labels: LabelValues;
  timeSpentMs: number;
  createdAt: string;
}

export interface RowFlag {
  annotator: string;
  role: Role;
  note: string;
  createdAt: string;
}

export interface ValidRow {
  externalId: string;
  text: string;
  image: ImageSpec | null;
  source: string;
  task: Task;
  split: Split;
  tags: string[];
  /** Null when the row does not say; the importer decides from the category. */
  sensitive: boolean | null;
  sourceLabels: Record<string, string>;
  extra: Record<string, unknown>;
  annotations: RowAnnotation[];
  flags: RowFlag[];
}

export interface FieldProblem {
  field: string | null;
  message: string;
}

export type RowResult = { ok: true; row: ValidRow } | { ok: false; problems: FieldProblem[] };

const KNOWN = new Set(['id', 'text', 'image', 'category', 'expected', 'source', 'task', 'split', 'tags', 'sensitive', 'source_labels', 'annotations', 'flags']);
const SPLIT_ALIASES: Record<string, Split> = { 'held-out': 'heldout', held_out: 'heldout', test: 'heldout', validation: 'eval', val: 'eval', dev: 'eval' };
const TRUE_WORDS = new Set(['true', '1', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n']);
const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+)?((?:;[a-z0-9-]+=[^;,]*)*)(;base64)?,/i;
/** Values of `attack` / `jailbreak_type` that mean "no attack". */
const NO_ATTACK = new Set(['', 'none', 'no', 'false', 'null', 'benign']);

/**
 * Checks one field's value without recursion (a row may be nested 100,000 levels deep): too
 * deep, or holding a `__proto__` key somewhere (its path is given).
 */
function structureProblem(field: string, value: unknown): FieldProblem | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: field }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > MAX_NESTING) return { field, message: `nested more than ${MAX_NESTING} levels` };
    if (Array.isArray(next.value)) {
      next.value.forEach((child, index) => stack.push({ value: child, depth, path: `${next.path}[${index}]` }));
      continue;
    }
    for (const [key, child] of Object.entries(next.value)) {
      if (key === PROTO_KEY) return { field, message: `${PROTO_KEY_MESSAGE} (at ${next.path}.${key})` };
      stack.push({ value: child, depth, path: `${next.path}.${key}` });
    }
  }
  return null;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return String(value);
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function parseBool(value: unknown): boolean | null | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return undefined;
}

/** True when the row itself says it is an attack (FigStep's `attack: typographic_image`, or a jailbreak type). */
export function rowIsAttack(record: Record<string, unknown>): boolean {
  for (const key of ['attack', 'jailbreak_type', 'jailbreak']) {
    const value = record[key];
    if (typeof value === 'boolean' && value) return true;
    if (typeof value === 'string' && !NO_ATTACK.has(value.trim().toLowerCase())) return true;
  }
  return false;
}

function parseImage(value: unknown, problems: FieldProblem[]): ImageSpec | null {
  if (isBlank(value)) return null;
  if (typeof value !== 'string') {
    problems.push({ field: 'image', message: `image must be a relative path or a data URI, not ${describe(value)}` });
    return null;
  }
  const trimmed = value.trim();
  const uri = DATA_URI.exec(trimmed);
  if (uri) {
    if (!uri[3]) {
      problems.push({ field: 'image', message: 'a data URI image must be base64-encoded (data:image/png;base64,...)' });
      return null;
    }
    const payload = trimmed.slice(uri[0].length).replace(/\s+/g, '');
    if (payload.length === 0 || payload.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) {
      problems.push({ field: 'image', message: 'the data URI is not valid base64' });
      return null;
    }
    return { kind: 'data', bytes: Buffer.from(payload, 'base64'), declaredMime: (uri[1] ?? '').toLowerCase() };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    problems.push({ field: 'image', message: `image "${trimmed}" is a URL; download it and give a path relative to the imported file` });
    return null;
  }
  return { kind: 'path', path: value };
}

function parseTags(value: unknown, problems: FieldProblem[]): string[] {
  if (isBlank(value)) return [];
  let tags: unknown[];
  if (Array.isArray(value)) tags = value;
  else if (typeof value === 'string')
    tags = value.split(';'); // CSV: tags separated by ";"
  else {
    problems.push({ field: 'tags', message: `tags must be a list of strings, not ${describe(value)}` });
    return [];
  }
  const out: string[] = [];
  for (const tag of tags) {
    if (typeof tag !== 'string') {
      problems.push({ field: 'tags', message: `each tag must be a string, not ${describe(tag)}` });
      return [];
    }
    const clean = tag.trim();
    if (clean && !out.includes(clean)) out.push(clean);
  }
  if (out.length > MAX_TAGS) problems.push({ field: 'tags', message: `${out.length} tags; at most ${MAX_TAGS}` });
  if (out.some((tag) => tag.length > 100)) problems.push({ field: 'tags', message: 'a tag is longer than 100 characters' });
  return out;
}

function parseRole(value: unknown, field: string, problems: FieldProblem[]): Role {
  if (isBlank(value)) return 'annotator';
  if (typeof value === 'string' && (ROLES as readonly string[]).includes(value)) return value as Role;
  problems.push({ field, message: `role ${describe(value)} is not one of ${ROLES.join(', ')}` });
  return 'annotator';
}

function parseTimestamp(value: unknown, field: string, problems: FieldProblem[]): string {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  problems.push({ field, message: `${describe(value)} is not a date and time (ISO 8601)` });
  return '';
}

function parseAnnotations(value: unknown, schema: { riskCategories: readonly string[]; jailbreakTypes: readonly string[] }, problems: FieldProblem[]): RowAnnotation[] {
  if (isBlank(value)) return [];
  if (!Array.isArray(value)) {
    problems.push({ field: 'annotations', message: `annotations must be a list, not ${describe(value)}` });
    return [];
  }
  const out: RowAnnotation[] = [];
  value.forEach((raw, index) => {
    const at = `annotations[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ field: at, message: `each annotation must be an object, not ${describe(raw)}` });
      return;
    }
    const a = raw as Record<string, unknown>;
    const before = problems.length;
    const annotator = typeof a.annotator === 'string' ? a.annotator.trim() : '';
    if (!annotator || annotator.length > 100) problems.push({ field: `${at}.annotator`, message: 'the annotator name must be 1 to 100 characters' });
    const role = parseRole(a.role, `${at}.role`, problems);
    const version = a.version === undefined ? 1 : a.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      problems.push({ field: `${at}.version`, message: `version ${describe(version)} is not a positive whole number` });
    }
    const status = a.status === undefined ? 'submitted' : a.status;
    if (status !== 'submitted' && status !== 'retracted') problems.push({ field: `${at}.status`, message: `status ${describe(status)} is not submitted or retracted` });
    const origin = a.origin === undefined ? 'import' : a.origin;
    if (origin !== 'queue' && origin !== 'browse' && origin !== 'import') problems.push({ field: `${at}.origin`, message: `origin ${describe(origin)} is not queue, browse or import` });
    const time = a.time_spent_ms ?? a.timeSpentMs ?? 0;
    if (typeof time !== 'number' || !Number.isInteger(time) || time < 0 || time > 86_400_000) {
      problems.push({ field: `${at}.time_spent_ms`, message: `time spent ${describe(time)} is not a whole number of milliseconds up to a day` });
    }
    const createdAt = parseTimestamp(a.created_at ?? a.createdAt, `${at}.created_at`, problems);
    const parsed = LabelValues.safeParse(a.labels);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join('.');
        problems.push({ field: `${at}.labels${path ? `.${path}` : ''}`, message: issue.message });
      }
    } else {
      const labels = parsed.data;
      if (labels.riskCategory !== null && !schema.riskCategories.includes(labels.riskCategory)) {
        problems.push({ field: `${at}.labels.riskCategory`, message: `"${labels.riskCategory}" is not in this project's taxonomy` });
      }
      if (labels.jailbreakType !== null && !schema.jailbreakTypes.includes(labels.jailbreakType)) {
        problems.push({ field: `${at}.labels.jailbreakType`, message: `"${labels.jailbreakType}" is not a jailbreak type of this project` });
      }
    }
    if (problems.length > before || !parsed.success) return;
    out.push({
      annotator,
      role,
      version: version as number,
      status: status as RowAnnotation['status'],
      origin: origin as RowAnnotation['origin'],
      labels: parsed.data,
      timeSpentMs: time as number,
      createdAt,
    });
  });
  // Each annotator's versions must be 1..n without gaps, as the history they came from.
  const byAnnotator = new Map<string, number[]>();
  for (const a of out) byAnnotator.set(a.annotator.toLowerCase(), [...(byAnnotator.get(a.annotator.toLowerCase()) ?? []), a.version]);
  for (const [name, versions] of byAnnotator) {
    const sorted = [...versions].sort((x, y) => x - y);
    if (sorted.some((v, i) => v !== i + 1)) {
      problems.push({ field: 'annotations', message: `annotator "${name}" has versions ${sorted.join(', ')}; expected 1 to ${sorted.length} without gaps` });
    }
  }
  out.sort((x, y) => x.version - y.version);
  return out;
}

function parseFlags(value: unknown, problems: FieldProblem[]): RowFlag[] {
  if (isBlank(value)) return [];
  if (!Array.isArray(value)) {
    problems.push({ field: 'flags', message: `flags must be a list, not ${describe(value)}` });
    return [];
  }
  const out: RowFlag[] = [];
  value.forEach((raw, index) => {
    const at = `flags[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ field: at, message: `each flag must be an object, not ${describe(raw)}` });
      return;
    }
    const f = raw as Record<string, unknown>;
    const annotator = typeof f.annotator === 'string' ? f.annotator.trim() : '';
    if (!annotator || annotator.length > 100) {
      problems.push({ field: `${at}.annotator`, message: 'the annotator name must be 1 to 100 characters' });
      return;
    }
    const note = f.note === undefined || f.note === null ? '' : f.note;
    if (typeof note !== 'string' || note.length > 2000) {
      problems.push({ field: `${at}.note`, message: 'a flag note must be text of at most 2000 characters' });
      return;
    }
    const role = parseRole(f.role, `${at}.role`, problems);
    const createdAt = parseTimestamp(f.created_at ?? f.createdAt, `${at}.created_at`, problems);
    if (createdAt) out.push({ annotator, role, note, createdAt });
  });
  return out;
}

export interface RowContext {
  /** Used when the row has no `source`. */
  defaultSource: string;
  riskCategories: readonly string[];
  jailbreakTypes: readonly string[];
  maxTextBytes?: number;
}

export function validateRecord(record: Record<string, unknown>, ctx: RowContext): RowResult {
  const problems: FieldProblem[] = [];
  // Structure first: a field too deep or with a __proto__ key is refused before anything reads it.
  for (const [key, value] of Object.entries(record)) {
    const problem = key === PROTO_KEY ? { field: key, message: PROTO_KEY_MESSAGE } : structureProblem(key, value);
    if (problem) problems.push(problem);
  }
  if (problems.length) return { ok: false, problems };

  let externalId = '';
  const id = record.id;
  if (isBlank(id)) problems.push({ field: 'id', message: 'every row needs an id' });
  else if (typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id))) {
    externalId = String(id).trim();
    if (externalId.includes('\0')) problems.push({ field: 'id', message: 'the id contains a NUL character' });
    else if (externalId.length > MAX_ID_LENGTH) problems.push({ field: 'id', message: `id is ${externalId.length} characters; at most ${MAX_ID_LENGTH}` });
  } else problems.push({ field: 'id', message: `id must be text or a whole number, not ${describe(id)}` });

  const image = parseImage(record.image, problems);

  let text = '';
  const maxTextBytes = ctx.maxTextBytes ?? MAX_TEXT_BYTES;
  if (typeof record.text === 'string') {
    text = record.text;
    const size = Buffer.byteLength(text, 'utf8');
    if (size > maxTextBytes) {
      problems.push({
        field: 'text',
        message: `the prompt is ${size.toLocaleString('en-US')} bytes; the limit is ${maxTextBytes.toLocaleString('en-US')} bytes (${Math.round(maxTextBytes / 1024)} KB)`,
      });
    }
    if (text.includes('\0')) problems.push({ field: 'text', message: 'the prompt contains a NUL character' });
    if (text.trim() === '' && image === null && problems.every((p) => p.field !== 'image')) {
      problems.push({ field: 'text', message: 'the prompt is empty and there is no image' });
    }
  } else if (record.text === undefined || record.text === null) {
    problems.push({ field: 'text', message: 'every row needs a text (the prompt)' });
  } else problems.push({ field: 'text', message: `text must be a string, not ${describe(record.text)}` });

  let task: Task = rowIsAttack(record) ? 'jailbreak' : 'safety';
  if (!isBlank(record.task)) {
    if (typeof record.task === 'string' && (TASKS as readonly string[]).includes(record.task.trim())) task = record.task.trim() as Task;
    else problems.push({ field: 'task', message: `task ${describe(record.task)} is not one of ${TASKS.join(', ')}` });
  }

  let split: Split = 'train';
  if (!isBlank(record.split)) {
    const word = typeof record.split === 'string' ? record.split.trim().toLowerCase() : '';
    if ((SPLITS as readonly string[]).includes(word)) split = word as Split;
    else if (SPLIT_ALIASES[word]) split = SPLIT_ALIASES[word];
    else problems.push({ field: 'split', message: `split ${describe(record.split)} is not one of ${SPLITS.join(', ')}` });
  }

  let sensitive: boolean | null = null;
  if (!isBlank(record.sensitive)) {
    const parsed = parseBool(record.sensitive);
    if (parsed === undefined || parsed === null) problems.push({ field: 'sensitive', message: `sensitive ${describe(record.sensitive)} is not true or false` });
    else sensitive = parsed;
  }

  let source = ctx.defaultSource;
  if (!isBlank(record.source)) {
    const value = scalarText(record.source);
    if (value === null || value.length > 1000) problems.push({ field: 'source', message: 'source must be text of at most 1000 characters' });
    else source = value;
  }

  const sourceLabels: Record<string, string> = {};
  if (!isBlank(record.source_labels)) {
    const labels = record.source_labels;
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
      problems.push({ field: 'source_labels', message: `source_labels must be an object of strings, not ${describe(labels)}` });
    } else {
      for (const [key, value] of Object.entries(labels)) {
        const textValue = scalarText(value);
        if (textValue === null) problems.push({ field: `source_labels.${key}`, message: `must be text, not ${describe(value)}` });
        else sourceLabels[key] = textValue;
      }
    }
  }
  for (const key of ['category', 'expected'] as const) {
    const value = record[key];
    if (isBlank(value)) continue;
    const textValue = scalarText(value);
    if (textValue === null || textValue.length > 200) problems.push({ field: key, message: `${key} must be text of at most 200 characters, not ${describe(value)}` });
    else sourceLabels[key] = textValue;
  }

  const tags = parseTags(record.tags, problems);
  const annotations = parseAnnotations(record.annotations, ctx, problems);
  const flags = parseFlags(record.flags, problems);

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!KNOWN.has(key)) extra[key] = value;

  if (problems.length) return { ok: false, problems };
  return { ok: true, row: { externalId, text, image, source, task, split, tags, sensitive, sourceLabels, extra, annotations, flags } };
}
