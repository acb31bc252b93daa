/**
 * Writing and reading responses, verdicts and preferences. Every write in the studio goes through
 * these functions (imports, the labelling and pairwise queues, edits from browse): the verdict and
 * preference rows are append-only, and triggers (db/migrations/0006_responses.ts) keep the heads,
 * response.verdict_count / complete and per-annotator progress exact in the same transaction.
 */
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import {
  CriteriaVotes,
  GenerationParams,
  type LabelOrigin,
  type ModelResponse,
  type Preference,
  type PreferenceValues,
  type ResponseLabel,
  type ResponseLabelValues,
  type ResponseOrigin,
  type Verdict,
} from '../../../preload/contract/responses.js';
import { parseJson } from '../services/rows.js';

/** The identity a response's model has in the uniqueness (item, model, sample index). */
export function modelKey(model: { modelId: number } | { modelName: string }): string {
  return 'modelId' in model ? `m:${model.modelId}` : `n:${model.modelName}`;
}

export interface InsertResponse {
  projectId: number;
  itemId: number;
  modelId: number | null;
  modelName: string;
  sampleIndex: number;
  text: string;
  params: Record<string, unknown>;
  origin: ResponseOrigin;
  importId: number | null;
  createdAt: string;
}

/** Inserts one response and returns its id. Call inside a transaction; a duplicate throws SQLite's UNIQUE error. */
export function insertResponse(db: WritableDB, r: InsertResponse): number {
  const key = r.modelId === null ? modelKey({ modelName: r.modelName }) : modelKey({ modelId: r.modelId });
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO response (project_id, item_id, model_id, model_name, model_key, sample_index, text, params, origin, import_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(r.projectId, r.itemId, r.modelId, r.modelName, key, r.sampleIndex, r.text, JSON.stringify(r.params), r.origin, r.importId, r.createdAt);
  if (!row) throw new StudioError('internal', 'inserting the response returned no row');
  return row.id;
}

/** The columns a bulk import stages its new responses in (a TEMP table of the writer connection, rows in file order). */
export const RESPONSE_STAGE_COLUMNS = 'item_id, model_name, model_key, sample_index, text, params';

/**
 * Moves staged imported responses of free-named models into the project with one INSERT ... SELECT
 * (no per-row JavaScript), in stage order. The stage's model_key must be modelKey({ modelName }).
 * Call inside a transaction; a duplicate throws SQLite's UNIQUE error. Returns how many went in.
 */
export function insertStagedResponses(db: WritableDB, stage: string, r: { projectId: number; importId: number; createdAt: string }): number {
  return db
    .prepare(
      `INSERT INTO response (project_id, item_id, model_id, model_name, model_key, sample_index, text, params, origin, import_id, created_at)
       SELECT ?, item_id, NULL, model_name, model_key, sample_index, text, params, 'imported', ?, ? FROM temp.${stage} ORDER BY rowid`,
    )
    .run(r.projectId, r.importId, r.createdAt).changes;
}

export interface AppendResponseLabel {
  responseId: number;
  projectId: number;
  itemId: number;
  annotatorId: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  values: ResponseLabelValues;
  timeSpentMs: number;
  createdAt: string;
}

/** Appends the next verdict version for (response, annotator) and returns its id. Call inside a transaction. */
export function appendResponseLabel(db: WritableDB, l: AppendResponseLabel): number {
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO response_label (response_id, project_id, item_id, annotator_id, version, status, origin, verdict,
         helpfulness, ideal_response, rationale, time_spent_ms, created_at)
       VALUES (@responseId, @projectId, @itemId, @annotatorId,
         1 + COALESCE((SELECT version FROM response_label_head WHERE response_id = @responseId AND annotator_id = @annotatorId), 0),
         @status, @origin, @verdict, @helpfulness, @idealResponse, @rationale, @timeSpentMs, @createdAt)
       RETURNING id`,
    )
    .get({
      responseId: l.responseId,
      projectId: l.projectId,
      itemId: l.itemId,
      annotatorId: l.annotatorId,
      status: l.status,
      origin: l.origin,
      verdict: l.values.verdict,
      helpfulness: l.values.helpfulness,
      idealResponse: l.values.idealResponse,
      rationale: l.values.rationale,
      timeSpentMs: l.timeSpentMs,
      createdAt: l.createdAt,
    });
  if (!row) throw new StudioError('internal', 'appending the verdict returned no row');
  return row.id;
}

/** Two response ids in the order the preference table stores them, and where `choice` points. */
export function canonicalPair(firstId: number, secondId: number): { a: number; b: number; swapped: boolean } {
  if (firstId === secondId) throw new StudioError('invalid_input', `a preference needs two different responses (got ${firstId} twice)`);
  return firstId < secondId ? { a: firstId, b: secondId, swapped: false } : { a: secondId, b: firstId, swapped: true };
}

export interface AppendPreference {
  projectId: number;
  itemId: number;
  /** Canonical order (canonicalPair): responseAId < responseBId. */
  responseAId: number;
  responseBId: number;
  annotatorId: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  values: PreferenceValues;
  blind: boolean;
  leftResponseId: number;
  timeSpentMs: number;
  createdAt: string;
}

/** Appends the next vote version for (pair, annotator) and returns its id. Call inside a transaction. */
export function appendPreference(db: WritableDB, p: AppendPreference): number {
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO preference (project_id, item_id, response_a_id, response_b_id, annotator_id, version, status, origin,
         choice, criteria, blind, left_response_id, time_spent_ms, created_at)
       VALUES (@projectId, @itemId, @a, @b, @annotatorId,
         1 + COALESCE((SELECT version FROM preference_head WHERE response_a_id = @a AND response_b_id = @b AND annotator_id = @annotatorId), 0),
         @status, @origin, @choice, @criteria, @blind, @left, @timeSpentMs, @createdAt)
       RETURNING id`,
    )
    .get({
      projectId: p.projectId,
      itemId: p.itemId,
      a: p.responseAId,
      b: p.responseBId,
      annotatorId: p.annotatorId,
      status: p.status,
      origin: p.origin,
      choice: p.values.choice,
      criteria: JSON.stringify(p.values.criteria),
      blind: p.blind ? 1 : 0,
      left: p.leftResponseId,
      timeSpentMs: p.timeSpentMs,
      createdAt: p.createdAt,
    });
  if (!row) throw new StudioError('internal', 'appending the preference returned no row');
  return row.id;
}

// ---------------------------------------------------------------- rows -> contract shapes

export interface ResponseRow {
  id: number;
  project_id: number;
  item_id: number;
  model_id: number | null;
  model_name: string;
  sample_index: number;
  text: string;
  params: string;
  origin: ResponseOrigin;
  created_at: string;
  verdict_count: number;
  flag_count: number;
}

/** Columns for ResponseRow: `FROM response r`. */
export const RESPONSE_COLUMNS = `r.id, r.project_id, r.item_id, r.model_id, r.model_name, r.sample_index, r.text, r.params,
  r.origin, r.created_at, r.verdict_count, r.flag_count`;

export function toModelResponse(row: ResponseRow): ModelResponse {
  return {
    id: row.id,
    projectId: row.project_id,
    itemId: row.item_id,
    modelId: row.model_id,
    modelName: row.model_name,
    sampleIndex: row.sample_index,
    text: row.text,
    params: parseJson(GenerationParams, row.params, `response ${row.id} params`),
    origin: row.origin,
    createdAt: row.created_at,
    verdictCount: row.verdict_count,
    flagged: row.flag_count > 0,
  };
}

export interface ResponseLabelRow {
  id: number;
  response_id: number;
  annotator_id: number;
  annotator_name: string;
  version: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  verdict: Verdict;
  helpfulness: number | null;
  ideal_response: string | null;
  rationale: string | null;
  time_spent_ms: number;
  created_at: string;
}

/** Columns for ResponseLabelRow: `FROM response_label l JOIN user u ON u.id = l.annotator_id`. */
export const RESPONSE_LABEL_COLUMNS = `l.id, l.response_id, l.annotator_id, u.name AS annotator_name, l.version, l.status, l.origin,
  l.verdict, l.helpfulness, l.ideal_response, l.rationale, l.time_spent_ms, l.created_at`;

export function toResponseLabel(row: ResponseLabelRow): ResponseLabel {
  return {
    id: row.id,
    responseId: row.response_id,
    annotatorId: row.annotator_id,
    annotatorName: row.annotator_name,
    version: row.version,
    status: row.status,
    origin: row.origin,
    values: { verdict: row.verdict, helpfulness: row.helpfulness, idealResponse: row.ideal_response, rationale: row.rationale },
    timeSpentMs: row.time_spent_ms,
    createdAt: row.created_at,
  };
}

export interface PreferenceRow {
  id: number;
  item_id: number;
  response_a_id: number;
  response_b_id: number;
  annotator_id: number;
  annotator_name: string;
  version: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  choice: PreferenceValues['choice'];
  criteria: string;
  blind: number;
  left_response_id: number;
  time_spent_ms: number;
  created_at: string;
}

/** Columns for PreferenceRow: `FROM preference p JOIN user u ON u.id = p.annotator_id`. */
export const PREFERENCE_COLUMNS = `p.id, p.item_id, p.response_a_id, p.response_b_id, p.annotator_id, u.name AS annotator_name,
  p.version, p.status, p.origin, p.choice, p.criteria, p.blind, p.left_response_id, p.time_spent_ms, p.created_at`;

export function toPreference(row: PreferenceRow): Preference {
  return {
    id: row.id,
    itemId: row.item_id,
    responseAId: row.response_a_id,
    responseBId: row.response_b_id,
    annotatorId: row.annotator_id,
    annotatorName: row.annotator_name,
    version: row.version,
    status: row.status,
    origin: row.origin,
    values: { choice: row.choice, criteria: parseJson(CriteriaVotes, row.criteria, `preference ${row.id} criteria`) },
    blind: row.blind === 1,
    leftResponseId: row.left_response_id,
    timeSpentMs: row.time_spent_ms,
    createdAt: row.created_at,
  };
}

/** Fetch-or-throw: a missing response id is a not_found the user sees. */
export function requireResponseRow(db: ReadableDB, responseId: number): ResponseRow {
  const row = db.prepare<ResponseRow>(`SELECT ${RESPONSE_COLUMNS} FROM response r WHERE r.id = ?`).get(responseId);
  if (!row) throw new StudioError('not_found', `no response with id ${responseId}`);
  return row;
}
