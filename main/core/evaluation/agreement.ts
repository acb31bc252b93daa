/**
 * getAgreement: how much the annotators agree on every label field, from their current labels
 * (each annotator's latest version when submitted, the rule `studio stats` counts by), read in
 * keyset pages so 100,000 items never sit in one statement's result. Three kinds of unit: items
 * (the six label fields), responses (verdict, nominal; helpfulness, ordinal) and response pairs
 * (preference choice, nominal, pairs voted on by two or more people). The statistics are the pure
 * functions of stats/agreement*.ts on integer-coded tables, one column per annotator.
 *
 * Per category: an item's category is its annotators' unique most common risk category; items
 * where they tie or give none count only in the overall figures. Responses and pairs take their
 * item's category. A null field (severity not given, no jailbreak) is a missing value, not a category.
 */
import type { ReadableDB, SqlValue } from '../../../db/handles.js';
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { AgreementFieldName, AgreementReport, AnnotatorAgreement, FieldAgreementReport, PairAgreement } from '../../../preload/contract/agreement.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import {
  AGREEMENT_RESAMPLES,
  DEFAULT_SEED,
  MISSING,
  majorityAgreement,
  measureFields,
  measurePairs,
  type FieldAgreement,
  type FieldRatings,
  type MeasurementLevel,
  type RatingTable,
} from './stats/index.js';

const PAGE = 5000;

type Raw = string | number | null;

/** Ratings as read: one entry per (unit, annotator), with the item the unit belongs to. Also read by quality/dashboard.ts. */
export class RatingSpace {
  readonly unitOf = new Map<string, number>();
  readonly unitItem: number[] = [];
  readonly unitRows: number[] = [];
  readonly raterRows: number[] = [];
  readonly values = new Map<AgreementFieldName, Raw[]>();

  constructor(readonly fields: readonly (readonly [AgreementFieldName, MeasurementLevel])[]) {
    for (const [name] of fields) this.values.set(name, []);
  }

  add(unitKey: string, itemId: number, annotatorId: number, values: readonly Raw[]): void {
    let unit = this.unitOf.get(unitKey);
    if (unit === undefined) {
      unit = this.unitItem.length;
      this.unitOf.set(unitKey, unit);
      this.unitItem.push(itemId);
    }
    this.unitRows.push(unit);
    this.raterRows.push(annotatorId);
    this.fields.forEach(([name], i) => this.values.get(name)!.push(values[i]!));
  }

  get units(): number {
    return this.unitItem.length;
  }

  /** One table per field, columns in `raterColumn` order; codes in ascending order of the values. */
  tables(raterColumn: Map<number, number>): FieldRatings[] {
    const raters = raterColumn.size;
    return this.fields.map(([name, level]) => {
      const raw = this.values.get(name)!;
      const distinct = [...new Set(raw.filter((v): v is string | number => v !== null))];
      distinct.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
      const code = new Map(distinct.map((v, i) => [v, i]));
      const values = new Int32Array(this.units * raters).fill(MISSING);
      raw.forEach((v, row) => {
        if (v !== null) values[this.unitRows[row]! * raters + raterColumn.get(this.raterRows[row]!)!] = code.get(v)!;
      });
      const table: RatingTable = { units: this.units, raters, categories: distinct.length, values };
      return { name, level, table };
    });
  }
}

/**
 * Reads a query page by page on its ordering key (the columns named k0, k1, ...: a head table's
 * primary key). The queries write `+h.project_id` so SQLite walks that primary key from the last
 * key and filters by project; on the (project, annotator) index instead it would sort every
 * remaining row for each page (11 s instead of 2 s on 300,000 heads).
 */
async function readPaged<Row extends Record<string, SqlValue>>(db: ReadableDB, sql: (after: string) => string, keys: number, projectId: number, visit: (row: Row) => void): Promise<void> {
  const keyList = Array.from({ length: keys }, (_, i) => `k${i}`);
  const first = db.prepare<Row>(`${sql('1')} ORDER BY ${keyList.join(', ')} LIMIT ${PAGE}`);
  const next = db.prepare<Row>(`${sql(`(${keyList.join(', ')}) > (${keyList.map(() => '?').join(', ')})`)} ORDER BY ${keyList.join(', ')} LIMIT ${PAGE}`);
  let rows = first.all(projectId);
  while (rows.length > 0) {
    for (const row of rows) visit(row);
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    await new Promise((resolve) => setImmediate(resolve));
    rows = next.all(projectId, ...keyList.map((k) => last[k]!));
  }
}

export const ITEM_FIELDS = [
  ['harmful', 'nominal'],
  ['riskCategory', 'nominal'],
  ['severity', 'ordinal'],
  ['expected', 'nominal'],
  ['jailbreakType', 'nominal'],
  ['crossModalRisk', 'nominal'],
] as const;

async function readItemLabels(db: ReadableDB, projectId: number): Promise<RatingSpace> {
  const space = new RatingSpace(ITEM_FIELDS);
  type Row = {
    k0: number;
    k1: number;
    harmful: number | null;
    risk_category: string | null;
    severity: number | null;
    expected: string | null;
    jailbreak_type: string | null;
    cross_modal_risk: string | null;
  };
  await readPaged<Row>(
    db,
    (after) => `SELECT h.item_id AS k0, h.annotator_id AS k1, a.harmful, a.risk_category, a.severity, a.expected, a.jailbreak_type, a.cross_modal_risk
      FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
      WHERE +h.project_id = ? AND h.status = 'submitted' AND ${after}`,
    2,
    projectId,
    (r) => space.add(String(r.k0), r.k0, r.k1, [r.harmful, r.risk_category, r.severity, r.expected, r.jailbreak_type, r.cross_modal_risk]),
  );
  return space;
}

async function readVerdicts(db: ReadableDB, projectId: number): Promise<RatingSpace> {
  const space = new RatingSpace([
    ['verdict', 'nominal'],
    ['helpfulness', 'ordinal'],
  ]);
  type Row = { k0: number; k1: number; verdict: string; helpfulness: number | null; item_id: number };
  await readPaged<Row>(
    db,
    (after) => `SELECT h.response_id AS k0, h.annotator_id AS k1, h.verdict, l.helpfulness, r.item_id
      FROM response_label_head h JOIN response_label l ON l.id = h.label_id JOIN response r ON r.id = h.response_id
      WHERE +h.project_id = ? AND h.status = 'submitted' AND ${after}`,
    2,
    projectId,
    (r) => space.add(String(r.k0), r.item_id, r.k1, [r.verdict, r.helpfulness]),
  );
  return space;
}

async function readVotes(db: ReadableDB, projectId: number): Promise<RatingSpace> {
  const space = new RatingSpace([['preference', 'nominal']]);
  type Row = { k0: number; k1: number; k2: number; choice: string; item_id: number };
  await readPaged<Row>(
    db,
    (after) => `SELECT h.response_a_id AS k0, h.response_b_id AS k1, h.annotator_id AS k2, h.choice, r.item_id
      FROM preference_head h JOIN response r ON r.id = h.response_a_id
      WHERE +h.project_id = ? AND h.status = 'submitted' AND ${after}`,
    3,
    projectId,
    (r) => space.add(`${r.k0}:${r.k1}`, r.item_id, r.k2, [r.choice]),
  );
  return space;
}

/** Each item's category: the unique most common current risk category among its annotators. */
function itemCategories(items: RatingSpace): Map<number, string> {
  const votes = new Map<number, Map<string, number>>();
  items.values.get('riskCategory')!.forEach((v, row) => {
    if (v === null) return;
    const item = items.unitItem[items.unitRows[row]!]!;
    const counts = votes.get(item) ?? new Map<string, number>();
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    votes.set(item, counts);
  });
  const out = new Map<number, string>();
  for (const [item, counts] of votes) {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]);
    if (sorted.length === 1 || sorted[0]![1] > sorted[1]![1]) out.set(item, sorted[0]![0]);
  }
  return out;
}

function estimate(e: FieldAgreement) {
  return { alpha: e.alpha, kappa: e.kappa, items: e.items, low: e.low, high: e.high, kappaLow: e.kappaLow, kappaHigh: e.kappaHigh, fleissItems: e.fleissItems, fleissRaters: e.fleissRaters };
}

export async function getAgreement(ctx: Pick<CoreContext, 'db'>, input: { projectId: number; resamples?: number; seed?: number }): Promise<AgreementReport> {
  const db = ctx.db.read;
  requireProjectRow(db, input.projectId);
  const resamples = input.resamples ?? AGREEMENT_RESAMPLES;
  const seed = input.seed ?? DEFAULT_SEED;
  const spaces = [await readItemLabels(db, input.projectId), await readVerdicts(db, input.projectId), await readVotes(db, input.projectId)];
  const annotatorIds = [...new Set(spaces.flatMap((s) => s.raterRows))];
  const names = new Map<number, string>();
  const nameOf = db.prepare<{ name: string }>('SELECT name FROM user WHERE id = ?');
  for (const id of annotatorIds) names.set(id, nameOf.get(id)?.name ?? `#${id}`);
  annotatorIds.sort((a, b) => names.get(a)!.localeCompare(names.get(b)!) || a - b);
  const raterColumn = new Map(annotatorIds.map((id, i) => [id, i]));
  const categoryOfItem = itemCategories(spaces[0]!);
  const categoryNames = [...new Set(categoryOfItem.values())].sort();
  const categoryIndex = new Map(categoryNames.map((c, i) => [c, i]));

  const fields = {} as Record<AgreementFieldName, FieldAgreementReport>;
  const pairs: PairAgreement[] = [];
  const majority = annotatorIds.map(() => ({ agree: 0, compared: 0 }));
  for (const space of spaces) {
    const tables = space.tables(raterColumn);
    const of = Int32Array.from(space.unitItem, (item) => {
      const category = categoryOfItem.get(item);
      return category === undefined ? -1 : categoryIndex.get(category)!;
    });
    const measured = measureFields(tables, { of, names: categoryNames }, { resamples, seed });
    for (const f of tables) {
      const m = measured[f.name]!;
      const byCategory = Object.fromEntries(Object.entries(m.byStratum).map(([name, e]) => [name, estimate(e)]));
      fields[f.name as AgreementFieldName] = { ...estimate(m), level: f.level, byCategory };
      for (const p of measurePairs(f.table, { resamples, seed })) {
        pairs.push({ a: names.get(annotatorIds[p.a]!)!, b: names.get(annotatorIds[p.b]!)!, field: f.name as AgreementFieldName, kappa: p.kappa, items: p.items, low: p.low, high: p.high });
      }
      majorityAgreement(f.table).forEach((m, r) => {
        majority[r]!.agree += m.agree;
        majority[r]!.compared += m.compared;
      });
    }
  }
  const unitsBy = (space: RatingSpace, id: number) => space.raterRows.reduce((n, rater) => n + (rater === id ? 1 : 0), 0);
  const annotators: AnnotatorAgreement[] = annotatorIds.map((id, r) => ({
    name: names.get(id)!,
    items: unitsBy(spaces[0]!, id),
    verdicts: unitsBy(spaces[1]!, id),
    votes: unitsBy(spaces[2]!, id),
    majority: majority[r]!.compared === 0 ? null : majority[r]!.agree / majority[r]!.compared,
    majorityCompared: majority[r]!.compared,
  }));
  return { fields, pairs, annotators, resamples, seed };
}

export function agreementHandlers(ctx: CoreContext): Pick<StudioHandlers, 'getAgreement'> {
  return { getAgreement: (input) => getAgreement(ctx, input) };
}
