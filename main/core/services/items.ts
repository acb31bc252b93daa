/**
 * Browse: filtered, paginated item lists and single items with every annotator's labels.
 * Each filter maps to an index (see db/migrations/0001_initial.ts); search of 3+ characters
 * uses the FTS5 trigram index, shorter strings a LIKE scan (a trigram index cannot serve them).
 */
import type { StudioHandlers, MethodParsedInput } from '../../../preload/contract/api.js';
import type { ExpectedBehaviour, ItemFilter, ItemRow } from '../../../preload/contract/domain.js';
import type { ReadableDB, SqlValue } from '../../../db/handles.js';
import type { CoreContext } from '../context.js';
import { itemDetail, itemRowsByIds } from './item-detail.js';
import { requireProjectRow } from './lookup.js';
import { toImage, type ItemSqlRow } from './rows.js';

type ItemHandlers = Pick<StudioHandlers, 'listItems' | 'getItem'>;

interface Where {
  /** `item i`, or the search index joined to it when searching. */
  from: string;
  clauses: string[];
  params: SqlValue[];
  /** Id order; driven by the search index when searching, so a page stops after `limit` matches. */
  orderBy: string;
}

/** The quoted FTS5 phrase for a literal substring (double quotes doubled). */
export function ftsPhrase(search: string): string {
  return `"${search.replace(/"/g, '""')}"`;
}

function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Trigram tokens are 3 characters (code points): shorter searches cannot use the index. */
export const MIN_INDEXED_SEARCH = 3;

export function filterWhere(projectId: number, filter: ItemFilter): Where {
  let from = 'item i';
  let orderBy = 'i.id';
  const clauses = ['i.project_id = ?'];
  const params: SqlValue[] = [projectId];
  switch (filter.status) {
    case 'unlabelled':
      clauses.push('i.label_count = 0');
      break;
    case 'partial':
      clauses.push('i.complete = 0 AND i.label_count > 0');
      break;
    case 'labelled':
      clauses.push('i.complete = 1');
      break;
    case 'flagged':
      clauses.push('i.flag_count > 0');
      break;
    case 'all':
      break;
  }
  if (filter.riskCategory !== undefined) {
    clauses.push(`i.id IN (SELECT item_id FROM annotation_head WHERE project_id = ? AND risk_category = ? AND status = 'submitted')`);
    params.push(projectId, filter.riskCategory);
  }
  if (filter.expected !== undefined) {
    clauses.push(`i.id IN (SELECT item_id FROM annotation_head WHERE project_id = ? AND expected = ? AND status = 'submitted')`);
    params.push(projectId, filter.expected);
  }
  if (filter.annotatorId !== undefined) {
    clauses.push(`i.id IN (SELECT item_id FROM annotation_head WHERE project_id = ? AND annotator_id = ? AND status = 'submitted')`);
    params.push(projectId, filter.annotatorId);
  }
  if (filter.split !== undefined) {
    clauses.push('i.split = ?');
    params.push(filter.split);
  }
  if (filter.task !== undefined) {
    clauses.push('i.task = ?');
    params.push(filter.task);
  }
  const search = filter.search?.trim() ?? '';
  if (search.length > 0) {
    if ([...search].length >= MIN_INDEXED_SEARCH) {
      // Driving from the index (rather than `i.id IN (subquery)`) lets a page of a common term
      // stop after `limit` matches instead of materialising every match (measured: 0.1 ms vs 58
      // ms for a term in 87% of 100,000 items).
      from = 'item_fts JOIN item i ON i.id = item_fts.rowid';
      orderBy = 'item_fts.rowid';
      clauses.push('item_fts MATCH ?');
      params.push(ftsPhrase(search));
    } else {
      // SQLite's LIKE folds ASCII case only; the trigram index (3+ characters) folds Unicode.
      clauses.push("(i.text LIKE ? ESCAPE '\\' OR i.external_id LIKE ? ESCAPE '\\')");
      params.push(likePattern(search), likePattern(search));
    }
  }
  return { from, clauses, params, orderBy };
}

interface LatestRow {
  item_id: number;
  harmful: number | null;
  risk_category: string | null;
  expected: ExpectedBehaviour | null;
  annotator_name: string;
}

/** The most recent submitted label per item, for the list's columns. */
function latestLabels(db: ReadableDB, ids: readonly number[]): Map<number, ItemRow['latest']> {
  const latest = new Map<number, ItemRow['latest']>();
  if (ids.length === 0) return latest;
  const rows = db
    .prepare<LatestRow>(
      `SELECT h.item_id, h.harmful, h.risk_category, h.expected, u.name AS annotator_name
       FROM annotation_head h JOIN user u ON u.id = h.annotator_id
       WHERE h.item_id IN (SELECT value FROM json_each(?)) AND h.status = 'submitted'
       ORDER BY h.annotation_id`,
    )
    .all(JSON.stringify(ids));
  for (const r of rows) {
    latest.set(r.item_id, {
      harmful: r.harmful === null ? null : r.harmful === 1,
      riskCategory: r.risk_category,
      expected: r.expected,
      annotatorName: r.annotator_name,
    });
  }
  return latest;
}

function toItemRow(row: ItemSqlRow, latest: ItemRow['latest'] | undefined): ItemRow {
  return {
    id: row.id,
    externalId: row.external_id,
    text: row.text,
    image: toImage(row),
    task: row.task as ItemRow['task'],
    split: row.split as ItemRow['split'],
    sensitive: row.sensitive === 1,
    labelCount: row.label_count,
    flagged: row.flag_count > 0,
    latest: latest ?? null,
  };
}

export function listItems(db: ReadableDB, input: MethodParsedInput<'listItems'>): { total: number; rows: ItemRow[] } {
  const project = requireProjectRow(db, input.projectId);
  const { from, clauses, params, orderBy } = filterWhere(input.projectId, input.filter);
  const where = clauses.join(' AND ');
  // Unfiltered, the trigger-maintained counter answers without counting 100,000 index entries.
  const total = clauses.length === 1 ? project.item_count : (db.prepare<{ n: number }>(`SELECT count(*) AS n FROM ${from} WHERE ${where}`).get(...params)?.n ?? 0);
  const ids = db
    .prepare<{ id: number }>(`SELECT i.id FROM ${from} WHERE ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
    .all(...params, input.limit, input.offset)
    .map((r) => r.id);
  const latest = latestLabels(db, ids);
  return { total, rows: itemRowsByIds(db, ids).map((r) => toItemRow(r, latest.get(r.id))) };
}

export function itemHandlers(ctx: CoreContext): ItemHandlers {
  return {
    listItems: (input) => listItems(ctx.db.read, input),
    getItem: ({ itemId }) => itemDetail(ctx.db.read, itemId),
  };
}
