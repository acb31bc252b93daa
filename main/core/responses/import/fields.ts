/**
 * Small checks shared by every line shape of a responses file. Each refusal names the field (the
 * caller adds file and line), and says what would have been accepted.
 */
import { ROLES, type Role } from '../../../../preload/contract/domain.js';
import { VERDICTS, type ResponseLabelValues } from '../../../../preload/contract/responses.js';

export interface FieldProblem {
  field: string | null;
  message: string;
}

export const MAX_MODEL_NAME = 200;
export const MAX_ANNOTATOR_NAME = 100;
/** A response is something a person reads and judges; longer ones are refused. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_TIME_MS = 86_400_000;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return String(value);
}

/** A short quote of a text for a message (prompts can be long). */
export function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > 60 ? `${flat.slice(0, 60)}...` : flat}"`;
}

/** An item's external id: text, or a whole number written without quotes. */
export function parseItemId(value: unknown, field: string, problems: FieldProblem[]): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  problems.push({ field, message: `${field} must be the item's id (text or a whole number), not ${describe(value)}` });
  return null;
}

export function parseModelName(value: unknown, field: string, problems: FieldProblem[]): string {
  if (typeof value === 'string' && value.trim() !== '' && value.trim().length <= MAX_MODEL_NAME) return value.trim();
  problems.push({ field, message: `${field} must be the model's name (1 to ${MAX_MODEL_NAME} characters), not ${describe(value)}` });
  return '';
}

export function parseSampleIndex(value: unknown, field: string, problems: FieldProblem[]): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1_000_000) return value;
  problems.push({ field, message: `${field} ${describe(value)} is not a whole number from 0` });
  return 0;
}

export function parseResponseText(value: unknown, field: string, problems: FieldProblem[]): string {
  if (typeof value !== 'string') {
    problems.push({ field, message: `${field} must be the response's text, not ${describe(value)}` });
    return '';
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_RESPONSE_BYTES) problems.push({ field, message: `the response is longer than ${MAX_RESPONSE_BYTES} bytes` });
  return value;
}

export function parseParams(value: unknown, field: string, problems: FieldProblem[]): JsonObject {
  if (value === undefined || value === null) return {};
  if (isObject(value)) return value;
  problems.push({ field, message: `${field} must be an object of generation parameters, not ${describe(value)}` });
  return {};
}

export function parseAnnotator(value: unknown, field: string, problems: FieldProblem[]): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name && name.length <= MAX_ANNOTATOR_NAME) return name;
  problems.push({ field, message: `the annotator name must be 1 to ${MAX_ANNOTATOR_NAME} characters, not ${describe(value)}` });
  return '';
}

export function parseRole(value: unknown, field: string, problems: FieldProblem[]): Role {
  if (value === undefined || value === null || value === '') return 'annotator';
  if (typeof value === 'string' && (ROLES as readonly string[]).includes(value)) return value as Role;
  problems.push({ field, message: `role ${describe(value)} is not one of ${ROLES.join(', ')}` });
  return 'annotator';
}

export function parseTimeSpent(value: unknown, field: string, problems: FieldProblem[]): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TIME_MS) return value;
  problems.push({ field, message: `time spent ${describe(value)} is not a whole number of milliseconds up to a day` });
  return 0;
}

export function parseStatus(value: unknown, field: string, problems: FieldProblem[]): 'submitted' | 'retracted' {
  if (value === undefined || value === null) return 'submitted';
  if (value === 'submitted' || value === 'retracted') return value;
  problems.push({ field, message: `status ${describe(value)} is not submitted or retracted` });
  return 'submitted';
}

/** Null when absent (the import's own time is used); our export writes ISO 8601. */
export function parseCreatedAt(value: unknown, field: string, problems: FieldProblem[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  problems.push({ field, message: `${describe(value)} is not a date and time (ISO 8601)` });
  return null;
}

function optionalText(value: unknown, field: string, max: number, problems: FieldProblem[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.length <= max) return value;
  problems.push({ field, message: typeof value === 'string' ? `${field} is longer than ${max} characters` : `${field} must be text, not ${describe(value)}` });
  return null;
}

export interface ParsedVerdict {
  annotator: string;
  role: Role;
  status: 'submitted' | 'retracted';
  values: ResponseLabelValues;
  timeSpentMs: number;
  createdAt: string | null;
}

function parseVerdict(raw: unknown, at: string, problems: FieldProblem[]): ParsedVerdict | null {
  if (!isObject(raw)) {
    problems.push({ field: at, message: `each verdict must be an object, not ${describe(raw)}` });
    return null;
  }
  const before = problems.length;
  const annotator = parseAnnotator(raw.annotator, `${at}.annotator`, problems);
  const verdict = raw.verdict;
  if (typeof verdict !== 'string' || !(VERDICTS as readonly string[]).includes(verdict)) {
    problems.push({ field: `${at}.verdict`, message: `verdict ${describe(verdict)} is not one of ${VERDICTS.join(', ')}` });
  }
  const help = raw.helpfulness;
  if (help !== undefined && help !== null && !(typeof help === 'number' && Number.isInteger(help) && help >= 1 && help <= 5)) {
    problems.push({ field: `${at}.helpfulness`, message: `helpfulness ${describe(help)} is not a whole number from 1 to 5` });
  }
  const idealResponse = optionalText(raw.ideal_response, `${at}.ideal_response`, 50_000, problems);
  const rationale = optionalText(raw.rationale, `${at}.rationale`, 20_000, problems);
  const role = parseRole(raw.role, `${at}.role`, problems);
  const status = parseStatus(raw.status, `${at}.status`, problems);
  const timeSpentMs = parseTimeSpent(raw.time_spent_ms, `${at}.time_spent_ms`, problems);
  const createdAt = parseCreatedAt(raw.created_at, `${at}.created_at`, problems);
  if (problems.length > before) return null;
  return {
    annotator,
    role,
    status,
    values: { verdict: verdict as ResponseLabelValues['verdict'], helpfulness: (help as number | null | undefined) ?? null, idealResponse, rationale },
    timeSpentMs,
    createdAt,
  };
}

/** `verdicts: [...]`, kept in file order: each becomes the next version of its annotator's verdict. */
export function parseVerdicts(value: unknown, problems: FieldProblem[]): ParsedVerdict[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ field: 'verdicts', message: `verdicts must be a list, not ${describe(value)}` });
    return [];
  }
  const out: ParsedVerdict[] = [];
  value.forEach((raw, index) => {
    const verdict = parseVerdict(raw, `verdicts[${index}]`, problems);
    if (verdict) out.push(verdict);
  });
  return out;
}
