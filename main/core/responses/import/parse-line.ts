/**
 * One line of a responses file, its shape told from its fields and checked into what the import
 * resolves and stores. The shapes (README.md beside this file):
 *
 * - a response line (`item_id`, `model`, `response`, optional `sample_index`, `params`, `verdicts`);
 * - a preference line (`item_id`, `preference: {a, b, annotator, choice, ...}`);
 * - a TRL preference row (`prompt`, `chosen`, `rejected`): two responses and one vote;
 * - a chat row (`messages`: a user turn, then the assistant turn that is the response).
 *
 * Every refusal names the field; the caller adds file and line.
 */
import { PREFERENCE_CRITERIA, type Role } from '../../../../preload/contract/domain.js';
import { PREFERENCE_CHOICES, type CriteriaVotes, type PreferenceChoice } from '../../../../preload/contract/responses.js';
import { chatExchange, completionText, promptText } from './conversation.js';
import {
  describe,
  isObject,
  parseAnnotator,
  parseCreatedAt,
  parseItemId,
  parseModelName,
  parseParams,
  parseResponseText,
  parseRole,
  parseSampleIndex,
  parseStatus,
  parseTimeSpent,
  parseVerdicts,
  type FieldProblem,
  type ParsedVerdict,
  type JsonObject,
} from './fields.js';

export type LineShape = 'response' | 'preference' | 'trl' | 'chat';

/** How a line names its item: the project's external id, or the prompt's text. */
export type ItemRef = { by: 'id'; externalId: string; field: string } | { by: 'text'; text: string; field: string };

export interface ParsedResponse {
  /** Where on the line the response is, for problems (`response`, `chosen`, `messages`). */
  field: string;
  model: string;
  /** Null: not given, so the response is known by its text (TRL and chat rows). */
  sampleIndex: number | null;
  text: string;
  params: JsonObject;
  verdicts: ParsedVerdict[];
}

/** One side of a vote: a response named by model and sample index, or one of this line's own responses. */
export type Side = { kind: 'ref'; model: string; sampleIndex: number; field: string } | { kind: 'line'; index: number; field: string };

export interface ParsedPreference {
  a: Side;
  b: Side;
  annotator: string;
  role: Role;
  status: 'submitted' | 'retracted';
  /** Refers to the file's a and b (mapped to the canonical order when written). */
  choice: PreferenceChoice;
  criteria: CriteriaVotes;
  blind: boolean;
  left: 'a' | 'b';
  timeSpentMs: number;
  createdAt: string | null;
}

export interface ParsedLine {
  shape: LineShape;
  item: ItemRef;
  responses: ParsedResponse[];
  preference: ParsedPreference | null;
}

export type LineResult = { ok: true; line: ParsedLine } | { ok: false; problems: FieldProblem[] };

/** Who votes when a TRL row does not say. */
export const DEFAULT_ANNOTATOR = 'imported';
/** The model name of a chat row without `model`. */
export const DEFAULT_CHAT_MODEL = 'imported';

export function detectShape(record: JsonObject): LineShape | null {
  if ('preference' in record) return 'preference';
  if ('chosen' in record || 'rejected' in record) return 'trl';
  if ('messages' in record) return 'chat';
  if ('response' in record || 'model' in record || 'item_id' in record) return 'response';
  return null;
}

function choiceOf(value: unknown, field: string, problems: FieldProblem[]): PreferenceChoice {
  if (typeof value === 'string' && (PREFERENCE_CHOICES as readonly string[]).includes(value)) return value as PreferenceChoice;
  problems.push({ field, message: `choice ${describe(value)} is not one of ${PREFERENCE_CHOICES.join(', ')}` });
  return 'tie';
}

function criteriaOf(value: unknown, problems: FieldProblem[]): CriteriaVotes {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push({ field: 'preference.criteria', message: `criteria must be an object such as {"safety": "a"}, not ${describe(value)}` });
    return {};
  }
  const out: CriteriaVotes = {};
  for (const [name, vote] of Object.entries(value)) {
    if (!(PREFERENCE_CRITERIA as readonly string[]).includes(name)) {
      problems.push({ field: `preference.criteria.${name}`, message: `criterion "${name}" is not one of ${PREFERENCE_CRITERIA.join(', ')}` });
      continue;
    }
    out[name as (typeof PREFERENCE_CRITERIA)[number]] = choiceOf(vote, `preference.criteria.${name}`, problems);
  }
  return out;
}

function sideOf(value: unknown, field: string, problems: FieldProblem[]): Side {
  if (!isObject(value)) {
    problems.push({ field, message: `${field} must name a response as {"model": ..., "sample_index": ...}, not ${describe(value)}` });
    return { kind: 'ref', model: '', sampleIndex: 0, field };
  }
  return {
    kind: 'ref',
    model: parseModelName(value.model, `${field}.model`, problems),
    sampleIndex: parseSampleIndex(value.sample_index, `${field}.sample_index`, problems),
    field,
  };
}

function itemById(record: JsonObject, problems: FieldProblem[]): ItemRef {
  if (record.item_id === undefined) problems.push({ field: 'item_id', message: "item_id is required: the item's id in the project" });
  const id = record.item_id === undefined ? null : parseItemId(record.item_id, 'item_id', problems);
  return { by: 'id', externalId: id ?? '', field: 'item_id' };
}

function parseResponseLine(record: JsonObject, problems: FieldProblem[]): ParsedLine {
  const item = itemById(record, problems);
  if (record.model === undefined) problems.push({ field: 'model', message: 'model is required: the name of the model that gave the response' });
  else parseModelName(record.model, 'model', problems);
  if (record.response === undefined) problems.push({ field: 'response', message: "response is required: the model's text" });
  const response: ParsedResponse = {
    field: 'response',
    model: typeof record.model === 'string' ? record.model.trim() : '',
    sampleIndex: parseSampleIndex(record.sample_index, 'sample_index', problems),
    text: record.response === undefined ? '' : parseResponseText(record.response, 'response', problems),
    params: parseParams(record.params, 'params', problems),
    verdicts: parseVerdicts(record.verdicts, problems),
  };
  return { shape: 'response', item, responses: [response], preference: null };
}

function parsePreferenceLine(record: JsonObject, problems: FieldProblem[]): ParsedLine {
  const item = itemById(record, problems);
  const p = record.preference;
  if (!isObject(p)) {
    problems.push({ field: 'preference', message: `preference must be an object ({"a": ..., "b": ..., "annotator": ..., "choice": ...}), not ${describe(p)}` });
    return { shape: 'preference', item, responses: [], preference: null };
  }
  const left = p.left === undefined || p.left === null ? 'a' : p.left;
  if (left !== 'a' && left !== 'b') problems.push({ field: 'preference.left', message: `left ${describe(left)} is not a or b` });
  if (p.blind !== undefined && p.blind !== null && typeof p.blind !== 'boolean') problems.push({ field: 'preference.blind', message: `blind must be true or false, not ${describe(p.blind)}` });
  const preference: ParsedPreference = {
    a: sideOf(p.a, 'preference.a', problems),
    b: sideOf(p.b, 'preference.b', problems),
    annotator: parseAnnotator(p.annotator, 'preference.annotator', problems),
    role: parseRole(p.role, 'preference.role', problems),
    status: parseStatus(p.status, 'preference.status', problems),
    choice: choiceOf(p.choice, 'preference.choice', problems),
    criteria: criteriaOf(p.criteria, problems),
    blind: p.blind === true,
    left: left === 'b' ? 'b' : 'a',
    timeSpentMs: parseTimeSpent(p.time_spent_ms, 'preference.time_spent_ms', problems),
    createdAt: parseCreatedAt(p.created_at, 'preference.created_at', problems),
  };
  return { shape: 'preference', item, responses: [], preference };
}

/** An optional item_id on a TRL or chat row wins over matching the prompt text. */
function itemByIdOrText(record: JsonObject, text: string | null, field: string, problems: FieldProblem[]): ItemRef {
  if (record.item_id !== undefined && record.item_id !== null) return itemById(record, problems);
  return { by: 'text', text: text ?? '', field };
}

function optionalModel(value: unknown, field: string, fallback: string, problems: FieldProblem[]): string {
  return value === undefined || value === null ? fallback : parseModelName(value, field, problems);
}

function parseTrlLine(record: JsonObject, problems: FieldProblem[]): ParsedLine {
  const missing = ['prompt', 'chosen', 'rejected'].filter((name) => record[name] === undefined);
  for (const name of missing) problems.push({ field: name, message: `${name} is required in a preference row (prompt, chosen, rejected)` });
  const prompt = record.prompt === undefined ? null : promptText(record.prompt, 'prompt', problems);
  const chosen = record.chosen === undefined ? null : completionText(record.chosen, 'chosen', problems);
  const rejected = record.rejected === undefined ? null : completionText(record.rejected, 'rejected', problems);
  const item = itemByIdOrText(record, prompt, 'prompt', problems);
  const annotator = record.annotator === undefined || record.annotator === null ? DEFAULT_ANNOTATOR : parseAnnotator(record.annotator, 'annotator', problems);
  const responses: ParsedResponse[] = [
    { field: 'chosen', model: optionalModel(record.chosen_model, 'chosen_model', 'chosen', problems), sampleIndex: null, text: chosen ?? '', params: {}, verdicts: [] },
    { field: 'rejected', model: optionalModel(record.rejected_model, 'rejected_model', 'rejected', problems), sampleIndex: null, text: rejected ?? '', params: {}, verdicts: [] },
  ];
  const preference: ParsedPreference = {
    a: { kind: 'line', index: 0, field: 'chosen' },
    b: { kind: 'line', index: 1, field: 'rejected' },
    annotator,
    role: 'annotator',
    status: 'submitted',
    choice: 'a',
    criteria: {},
    blind: false,
    left: 'a',
    timeSpentMs: 0,
    createdAt: null,
  };
  return { shape: 'trl', item, responses, preference };
}

function parseChatLine(record: JsonObject, problems: FieldProblem[]): ParsedLine {
  const exchange = chatExchange(record.messages, 'messages', problems);
  const item = itemByIdOrText(record, exchange?.prompt ?? null, 'messages', problems);
  const response: ParsedResponse = {
    field: 'messages',
    model: optionalModel(record.model, 'model', DEFAULT_CHAT_MODEL, problems),
    sampleIndex: record.sample_index === undefined || record.sample_index === null ? null : parseSampleIndex(record.sample_index, 'sample_index', problems),
    text: exchange?.response ?? '',
    params: parseParams(record.params, 'params', problems),
    verdicts: parseVerdicts(record.verdicts, problems),
  };
  return { shape: 'chat', item, responses: [response], preference: null };
}

const PARSERS: Record<LineShape, (record: JsonObject, problems: FieldProblem[]) => ParsedLine> = {
  response: parseResponseLine,
  preference: parsePreferenceLine,
  trl: parseTrlLine,
  chat: parseChatLine,
};

export function parseLine(record: JsonObject): LineResult {
  const shape = detectShape(record);
  if (shape === null) {
    return {
      ok: false,
      problems: [
        {
          field: null,
          message:
            'the line is none of the accepted shapes: a response ({"item_id", "model", "response"}), a preference ({"item_id", "preference"}), a TRL row ({"prompt", "chosen", "rejected"}) or a chat ({"messages"})',
        },
      ],
    };
  }
  const problems: FieldProblem[] = [];
  const line = PARSERS[shape](record, problems);
  return problems.length ? { ok: false, problems } : { ok: true, line };
}
