/**
 * Reads a project's responses for the exports, a page at a time in (item, response) order,
 * each with its whole verdict history and every vote version that involves it, letting the
 * event loop run between pages so a large export does not stall the UI.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { Role } from '../../../preload/contract/domain.js';
import { CriteriaVotes, GenerationParams, type LabelOrigin, type PreferenceChoice, type ResponseOrigin, type Verdict } from '../../../preload/contract/responses.js';
import { parseJson } from '../services/rows.js';

export interface ExportVerdict {
  id: number;
  annotatorId: number;
  annotator: string;
  role: Role;
  version: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  verdict: Verdict;
  helpfulness: number | null;
  idealResponse: string | null;
  rationale: string | null;
  timeSpentMs: number;
  createdAt: string;
}

/** Which response of the item a vote side is, as the response file names it. */
export interface ResponseRef {
  responseId: number;
  model: string;
  sampleIndex: number;
}

export interface ExportVote {
  id: number;
  itemExternalId: string;
  /** Canonical order: a.responseId < b.responseId; `choice` refers to these two. */
  a: ResponseRef;
  b: ResponseRef;
  annotatorId: number;
  annotator: string;
  role: Role;
  version: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  choice: PreferenceChoice;
  criteria: CriteriaVotes;
  blind: boolean;
  leftResponseId: number;
  timeSpentMs: number;
  createdAt: string;
}

export interface ExportResponse {
  id: number;
  itemId: number;
  itemExternalId: string;
  model: string;
  sampleIndex: number;
  text: string;
  params: Record<string, unknown>;
  origin: ResponseOrigin;
  createdAt: string;
  /** Every verdict version, oldest first. */
  history: ExportVerdict[];
  /** Every version of every vote on a pair this response is in, oldest first. */
  votes: ExportVote[];
}

interface ResponseSql {
  id: number;
  item_id: number;
  external_id: string;
  model_name: string;
  sample_index: number;
  text: string;
  params: string;
  origin: ResponseOrigin;
  created_at: string;
}

interface VerdictSql {
  id: number;
  response_id: number;
  annotator_id: number;
  name: string;
  role: string;
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

interface VoteSql {
  id: number;
  external_id: string;
  a_id: number;
  a_model: string;
  a_sample: number;
  b_id: number;
  b_model: string;
  b_sample: number;
  annotator_id: number;
  name: string;
  role: string;
  version: number;
  status: 'submitted' | 'retracted';
  origin: LabelOrigin;
  choice: PreferenceChoice;
  criteria: string;
  blind: number;
  left_response_id: number;
  time_spent_ms: number;
  created_at: string;
}

const PAGE = 1000;

const VOTE_SELECT = `SELECT p.id, i.external_id, ra.id AS a_id, ra.model_name AS a_model, ra.sample_index AS a_sample,
    rb.id AS b_id, rb.model_name AS b_model, rb.sample_index AS b_sample, p.annotator_id, u.name, u.role, p.version, p.status,
    p.origin, p.choice, p.criteria, p.blind, p.left_response_id, p.time_spent_ms, p.created_at
  FROM preference p JOIN user u ON u.id = p.annotator_id JOIN item i ON i.id = p.item_id
  JOIN response ra ON ra.id = p.response_a_id JOIN response rb ON rb.id = p.response_b_id`;

export function toExportVote(v: VoteSql): ExportVote {
  return {
    id: v.id,
    itemExternalId: v.external_id,
    a: { responseId: v.a_id, model: v.a_model, sampleIndex: v.a_sample },
    b: { responseId: v.b_id, model: v.b_model, sampleIndex: v.b_sample },
    annotatorId: v.annotator_id,
    annotator: v.name,
    role: v.role as Role,
    version: v.version,
    status: v.status,
    origin: v.origin,
    choice: v.choice,
    criteria: parseJson(CriteriaVotes, v.criteria, `preference ${v.id} criteria`),
    blind: v.blind === 1,
    leftResponseId: v.left_response_id,
    timeSpentMs: v.time_spent_ms,
    createdAt: v.created_at,
  };
}

export async function* readProjectResponses(db: ReadableDB, projectId: number): AsyncGenerator<ExportResponse[]> {
  const responsesPage = db.prepare<ResponseSql>(
    `SELECT r.id, r.item_id, i.external_id, r.model_name, r.sample_index, r.text, r.params, r.origin, r.created_at
     FROM response r JOIN item i ON i.id = r.item_id
     WHERE r.project_id = ? AND r.item_id >= ? AND (r.item_id > ? OR r.id > ?) ORDER BY r.item_id, r.id LIMIT ${PAGE}`,
  );
  const verdicts = db.prepare<VerdictSql>(
    `SELECT l.id, l.response_id, l.annotator_id, u.name, u.role, l.version, l.status, l.origin, l.verdict, l.helpfulness,
       l.ideal_response, l.rationale, l.time_spent_ms, l.created_at
     FROM response_label l JOIN user u ON u.id = l.annotator_id
     WHERE l.project_id = ? AND l.item_id BETWEEN ? AND ? ORDER BY l.id`,
  );
  const votes = db.prepare<VoteSql>(`${VOTE_SELECT} WHERE p.project_id = ? AND p.item_id BETWEEN ? AND ? ORDER BY p.id`);
  let afterItem = 0;
  let afterId = 0;
  for (;;) {
    // Keyset on (item, id) spelled out: SQLite serves it from response_item (40x faster than a row value here).
    const rows = responsesPage.all(projectId, afterItem, afterItem, afterId);
    if (rows.length === 0) return;
    const firstItem = rows[0]!.item_id;
    const lastItem = rows[rows.length - 1]!.item_id;
    const byId = new Map<number, ExportResponse>();
    const page = rows.map((r) => {
      const entry: ExportResponse = {
        id: r.id,
        itemId: r.item_id,
        itemExternalId: r.external_id,
        model: r.model_name,
        sampleIndex: r.sample_index,
        text: r.text,
        params: parseJson(GenerationParams, r.params, `response ${r.id} params`),
        origin: r.origin,
        createdAt: r.created_at,
        history: [],
        votes: [],
      };
      byId.set(r.id, entry);
      return entry;
    });
    for (const v of verdicts.all(projectId, firstItem, lastItem)) {
      byId.get(v.response_id)?.history.push({
        id: v.id,
        annotatorId: v.annotator_id,
        annotator: v.name,
        role: v.role as Role,
        version: v.version,
        status: v.status,
        origin: v.origin,
        verdict: v.verdict,
        helpfulness: v.helpfulness,
        idealResponse: v.ideal_response,
        rationale: v.rationale,
        timeSpentMs: v.time_spent_ms,
        createdAt: v.created_at,
      });
    }
    for (const row of votes.all(projectId, firstItem, lastItem)) {
      const vote = toExportVote(row);
      byId.get(vote.a.responseId)?.votes.push(vote);
      byId.get(vote.b.responseId)?.votes.push(vote);
    }
    yield page;
    afterItem = lastItem;
    afterId = rows[rows.length - 1]!.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every vote version of the project in the order they were made. */
export async function* readProjectVotes(db: ReadableDB, projectId: number): AsyncGenerator<ExportVote[]> {
  const page = db.prepare<VoteSql>(`${VOTE_SELECT} WHERE p.project_id = ? AND p.id > ? ORDER BY p.id LIMIT ${PAGE}`);
  let after = 0;
  for (;;) {
    const rows = page.all(projectId, after);
    if (rows.length === 0) return;
    yield rows.map(toExportVote);
    after = rows[rows.length - 1]!.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function voteKey(v: ExportVote): string {
  return `${v.a.responseId}:${v.b.responseId}:${v.annotatorId}`;
}
