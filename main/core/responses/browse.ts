/**
 * Responses in browse: one item's responses with every annotator's verdicts and the votes
 * between them (the item drawer), and a project's responses as a filtered, paginated list.
 *
 * "Current" follows the rule of prompt labels: each annotator's latest version, when it is
 * submitted (an undone verdict or vote is not current). A response is in disagreement when its
 * current verdicts are not all the same.
 *
 * List filters and the indexes that serve them: the project (response_browse_project, 0007: pages
 * in id order without a sort), the model name
 * (response_browse_model, 0007), a verdict (response_label_head_verdict, 0007),
 * disagreement (response.disagreement kept by triggers, response_browse_disagreement, 0007), search
 * (the items' trigram index for 3+ characters; the response text is a LIKE scan of the project's
 * responses). tests/perf/responses-browse.perf.ts prints the timings on 100,000 responses.
 */
import type { ReadableDB, SqlValue } from '../../../db/handles.js';
import type { MethodOutput, MethodParsedInput, StudioHandlers } from '../../../preload/contract/api.js';
import type { ItemResponse, ItemResponses, ResponseFilter, ResponseListRow } from '../../../preload/contract/response-browse.js';
import type { Preference, ResponseLabel, Verdict } from '../../../preload/contract/responses.js';
import type { CoreContext } from '../context.js';
import { ftsPhrase, MIN_INDEXED_SEARCH } from '../services/items.js';
import { requireItemRow, requireProjectRow } from '../services/lookup.js';
import { PREFERENCE_COLUMNS, RESPONSE_COLUMNS, RESPONSE_LABEL_COLUMNS, toModelResponse, toPreference, toResponseLabel, type PreferenceRow, type ResponseLabelRow, type ResponseRow } from './store.js';

/** How much of a prompt and of a response a list row carries. */
export const SNIPPET_CHARS = 240;

/** The latest version per key, kept only when submitted; in the order the versions were made. */
export function currentVersions<T extends { id: number; version: number; status: 'submitted' | 'retracted' }>(history: readonly T[], key: (v: T) => string): T[] {
  const latest = new Map<string, T>();
  for (const v of history) {
    const seen = latest.get(key(v));
    if (!seen || v.version > seen.version) latest.set(key(v), v);
  }
  return [...latest.values()].filter((v) => v.status === 'submitted').sort((a, b) => a.id - b.id);
}

export function disagrees(verdicts: readonly { verdict: Verdict }[]): boolean {
  return new Set(verdicts.map((v) => v.verdict)).size > 1;
}

export function itemResponses(db: ReadableDB, itemId: number): ItemResponses {
  requireItemRow(db, itemId);
  const responses = db.prepare<ResponseRow>(`SELECT ${RESPONSE_COLUMNS} FROM response r WHERE r.item_id = ? ORDER BY r.id`).all(itemId);
  const labels = db
    .prepare<ResponseLabelRow>(`SELECT ${RESPONSE_LABEL_COLUMNS} FROM response_label l JOIN user u ON u.id = l.annotator_id WHERE l.item_id = ? ORDER BY l.id`)
    .all(itemId)
    .map(toResponseLabel);
  const voteHistory = db.prepare<PreferenceRow>(`SELECT ${PREFERENCE_COLUMNS} FROM preference p JOIN user u ON u.id = p.annotator_id WHERE p.item_id = ? ORDER BY p.id`).all(itemId).map(toPreference);
  const byResponse = new Map<number, ResponseLabel[]>();
  for (const label of labels) {
    const list = byResponse.get(label.responseId);
    if (list) list.push(label);
    else byResponse.set(label.responseId, [label]);
  }
  const out: ItemResponse[] = responses.map((row) => {
    const history = byResponse.get(row.id) ?? [];
    const verdicts = currentVersions(history, (l) => String(l.annotatorId));
    return { response: toModelResponse(row), verdicts, history, disagreement: disagrees(verdicts.map((v) => v.values)) };
  });
  const votes = currentVersions<Preference>(voteHistory, (p) => `${p.responseAId}:${p.responseBId}:${p.annotatorId}`);
  return { itemId, responses: out, votes, voteHistory };
}

function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function responseWhere(projectId: number, filter: ResponseFilter): { clauses: string[]; params: SqlValue[] } {
  const clauses = ['r.project_id = ?'];
  const params: SqlValue[] = [projectId];
  if (filter.model !== undefined) {
    clauses.push('r.model_name = ?');
    params.push(filter.model);
  }
  if (filter.verdict !== undefined) {
    clauses.push(`r.id IN (SELECT response_id FROM response_label_head WHERE project_id = ? AND verdict = ? AND status = 'submitted')`);
    params.push(projectId, filter.verdict);
  }
  // response.disagreement is kept by triggers (0007); "agreement" needs at least one verdict.
  if (filter.disagreement === true) clauses.push('r.disagreement = 1');
  if (filter.disagreement === false) clauses.push('r.disagreement = 0 AND r.verdict_count > 0');
  const search = filter.search?.trim() ?? '';
  if (search.length > 0) {
    // The prompt through the items' trigram index (3+ characters, as listItems), else a LIKE over
    // the project's items; the response text has no index: a LIKE over the project's responses.
    const pattern = likePattern(search);
    if ([...search].length >= MIN_INDEXED_SEARCH) {
      clauses.push("(r.item_id IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?) OR r.text LIKE ? ESCAPE '\\')");
      params.push(ftsPhrase(search), pattern);
    } else {
      clauses.push("(r.item_id IN (SELECT id FROM item WHERE project_id = ? AND (text LIKE ? ESCAPE '\\' OR external_id LIKE ? ESCAPE '\\')) OR r.text LIKE ? ESCAPE '\\')");
      params.push(projectId, pattern, pattern, pattern);
    }
  }
  return { clauses, params };
}

interface ListSqlRow {
  id: number;
  item_id: number;
  external_id: string;
  item_text: string;
  text: string;
  model_name: string;
  sample_index: number;
  flag_count: number;
}

interface HeadSqlRow {
  response_id: number;
  annotator_id: number;
  annotator_name: string;
  verdict: Verdict;
}

export function listResponses(db: ReadableDB, input: MethodParsedInput<'listResponses'>): MethodOutput<'listResponses'> {
  requireProjectRow(db, input.projectId);
  const { clauses, params } = responseWhere(input.projectId, input.filter);
  const where = clauses.join(' AND ');
  const { verdict, model, disagreement, search } = input.filter;
  // A verdict alone is counted on its covering index (4 ms instead of 33 ms on 100,000 responses):
  // every head belongs to a response of its project.
  const total =
    verdict !== undefined && model === undefined && disagreement === undefined && !search?.trim()
      ? (db.prepare<{ n: number }>(`SELECT count(DISTINCT response_id) AS n FROM response_label_head WHERE project_id = ? AND verdict = ? AND status = 'submitted'`).get(input.projectId, verdict)?.n ??
        0)
      : (db.prepare<{ n: number }>(`SELECT count(*) AS n FROM response r WHERE ${where}`).get(...params)?.n ?? 0);
  const page = db
    .prepare<ListSqlRow>(
      `SELECT r.id, r.item_id, i.external_id, substr(i.text, 1, ${SNIPPET_CHARS}) AS item_text, substr(r.text, 1, ${SNIPPET_CHARS}) AS text,
         r.model_name, r.sample_index, r.flag_count
       FROM (SELECT r.id FROM response r WHERE ${where} ORDER BY r.id LIMIT ? OFFSET ?) p
       JOIN response r ON r.id = p.id JOIN item i ON i.id = r.item_id ORDER BY r.id`,
    )
    .all(...params, input.limit, input.offset);
  const heads = new Map<number, ResponseListRow['verdicts']>();
  if (page.length > 0) {
    const rows = db
      .prepare<HeadSqlRow>(
        `SELECT h.response_id, h.annotator_id, u.name AS annotator_name, h.verdict
         FROM response_label_head h JOIN user u ON u.id = h.annotator_id
         WHERE h.response_id IN (SELECT value FROM json_each(?)) AND h.status = 'submitted' ORDER BY h.label_id`,
      )
      .all(JSON.stringify(page.map((r) => r.id)));
    for (const h of rows) {
      const list = heads.get(h.response_id) ?? [];
      list.push({ annotatorId: h.annotator_id, annotatorName: h.annotator_name, verdict: h.verdict });
      heads.set(h.response_id, list);
    }
  }
  const models = db
    .prepare<{ name: string; n: number }>('SELECT model_name AS name, count(*) AS n FROM response WHERE project_id = ? GROUP BY model_name ORDER BY model_name')
    .all(input.projectId)
    .map((m) => ({ name: m.name, responses: m.n }));
  return {
    total,
    rows: page.map((r) => {
      const verdicts = heads.get(r.id) ?? [];
      return {
        id: r.id,
        itemId: r.item_id,
        itemExternalId: r.external_id,
        itemText: r.item_text,
        text: r.text,
        modelName: r.model_name,
        sampleIndex: r.sample_index,
        verdicts,
        disagreement: disagrees(verdicts),
        flagged: r.flag_count > 0,
      };
    }),
    models,
  };
}

export function responseBrowseHandlers(ctx: CoreContext): Pick<StudioHandlers, 'getItemResponses' | 'listResponses'> {
  return {
    getItemResponses: ({ itemId }) => itemResponses(ctx.db.read, itemId),
    listResponses: (input) => listResponses(ctx.db.read, input),
  };
}
