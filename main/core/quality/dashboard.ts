/**
 * getQualityDashboard: per annotator, from their current submitted labels (the rule `studio stats`
 * and getAgreement count by): labels per hour of active time, median time, agreement with the
 * other annotators' majority (agreement.ts' RatingSpace and stats' majorityAgreement, so the
 * figure is the one getAgreement reports), accuracy on gold checks with its Wilson interval, both
 * per ISO week of the label, the items they flagged, warnings, and today's harmful items per
 * category (wellbeing.ts).
 *
 * A week's agreement for a person is majorityAgreement over the items they labelled that week,
 * with everyone's current values on those items: the same comparison, restricted to their units.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { AnnotatorQuality, QualityDashboard, RateEstimate, WeekQuality } from '../../../preload/contract/quality.js';
import type { CoreContext } from '../context.js';
import { ITEM_FIELDS, RatingSpace } from '../evaluation/agreement.js';
import { majorityAgreement } from '../evaluation/stats/index.js';
import { wilson } from '../evaluation/stats/wilson.js';
import { requireProjectRow } from '../services/lookup.js';
import { parseStoredLabels } from '../services/rows.js';
import { goldCount, matchesGold, parseGoldExpected } from './gold.js';
import { isoWeek } from './iso-week.js';
import { qualitySettings } from './settings.js';
import { seenSince, utcDayStart } from './wellbeing.js';
import { qualityWarnings } from './warnings.js';

interface LabelRow {
  item_id: number;
  annotator_id: number;
  harmful: number | null;
  risk_category: string | null;
  severity: number | null;
  expected: string | null;
  jailbreak_type: string | null;
  cross_modal_risk: string | null;
  time_spent_ms: number;
  created_at: string;
}

interface Agreement {
  agree: number;
  compared: number;
}

function readLabels(db: ReadableDB, projectId: number): LabelRow[] {
  return db
    .prepare<LabelRow>(
      `SELECT h.item_id, h.annotator_id, a.harmful, a.risk_category, a.severity, a.expected, a.jailbreak_type, a.cross_modal_risk, a.time_spent_ms, a.created_at
       FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
       WHERE h.project_id = ? AND h.status = 'submitted' ORDER BY h.item_id, h.annotator_id`,
    )
    .all(projectId);
}

/** Majority agreement of every rater in `rows` (raters mapped to columns by `column`). */
function majorityOf(rows: readonly LabelRow[], column: Map<number, number>): Agreement[] {
  const space = new RatingSpace(ITEM_FIELDS);
  for (const r of rows) space.add(String(r.item_id), r.item_id, r.annotator_id, [r.harmful, r.risk_category, r.severity, r.expected, r.jailbreak_type, r.cross_modal_risk]);
  const out = Array.from({ length: column.size }, () => ({ agree: 0, compared: 0 }));
  for (const f of space.tables(column)) {
    majorityAgreement(f.table).forEach((m, r) => {
      out[r]!.agree += m.agree;
      out[r]!.compared += m.compared;
    });
  }
  return out;
}

function estimate(correct: number, n: number): RateEstimate {
  const e = wilson(correct, n);
  return n === 0 ? { value: null, low: null, high: null, n: 0 } : { value: e.value, low: e.low, high: e.high, n };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per annotator and week: agreement over the items they labelled that week. */
function weeklyAgreement(rows: readonly LabelRow[], column: Map<number, number>): Map<string, Agreement> {
  const byItem = new Map<number, LabelRow[]>();
  for (const r of rows) byItem.set(r.item_id, [...(byItem.get(r.item_id) ?? []), r]);
  const units = new Map<string, Set<number>>();
  for (const r of rows) {
    const key = `${r.annotator_id}|${isoWeek(r.created_at)}`;
    (units.get(key) ?? units.set(key, new Set()).get(key)!).add(r.item_id);
  }
  const out = new Map<string, Agreement>();
  for (const [key, items] of units) {
    const annotatorId = Number(key.split('|')[0]);
    const subset = [...items].flatMap((item) => byItem.get(item)!);
    out.set(key, majorityOf(subset, column)[column.get(annotatorId)!]!);
  }
  return out;
}

interface GoldAnswer {
  annotatorId: number;
  week: string;
  correct: boolean;
}

function goldAnswers(db: ReadableDB, projectId: number): GoldAnswer[] {
  return db
    .prepare<{ item_id: number; annotator_id: number; labels: string; created_at: string; expected: string }>(
      `SELECT h.item_id, h.annotator_id, a.labels, a.created_at, g.expected
       FROM gold_check g JOIN annotation_head h ON h.item_id = g.item_id JOIN annotation a ON a.id = h.annotation_id
       WHERE g.project_id = ? AND h.status = 'submitted'`,
    )
    .all(projectId)
    .map((r) => ({
      annotatorId: r.annotator_id,
      week: isoWeek(r.created_at),
      correct: matchesGold(parseStoredLabels(r.labels, `item ${r.item_id} labels`), parseGoldExpected(r.expected, r.item_id)),
    }));
}

export function getQualityDashboard(ctx: Pick<CoreContext, 'db' | 'clock'>, projectId: number): QualityDashboard {
  const db = ctx.db.read;
  requireProjectRow(db, projectId);
  const settings = qualitySettings(db, projectId);
  const rows = readLabels(db, projectId);
  const flaggedBy = new Map(
    db
      .prepare<{ annotator_id: number; n: number }>('SELECT f.annotator_id, COUNT(*) AS n FROM item_flag f JOIN item i ON i.id = f.item_id WHERE i.project_id = ? GROUP BY f.annotator_id')
      .all(projectId)
      .map((r) => [r.annotator_id, r.n]),
  );
  const ids = [...new Set([...rows.map((r) => r.annotator_id), ...flaggedBy.keys()])];
  const names = new Map(ids.map((id) => [id, db.prepare<{ name: string }>('SELECT name FROM user WHERE id = ?').get(id)?.name ?? `#${id}`]));
  ids.sort((a, b) => names.get(a)!.localeCompare(names.get(b)!) || a - b);
  const column = new Map(ids.map((id, i) => [id, i]));
  const overall = majorityOf(rows, column);
  const weekly = weeklyAgreement(rows, column);
  const gold = goldAnswers(db, projectId);
  const today = utcDayStart(ctx.clock.now());

  const annotators: AnnotatorQuality[] = ids.map((id, col) => {
    const own = rows.filter((r) => r.annotator_id === id);
    const activeMs = own.reduce((sum, r) => sum + r.time_spent_ms, 0);
    const ownGold = gold.filter((g) => g.annotatorId === id);
    const weekNames = [...new Set([...own.map((r) => isoWeek(r.created_at)), ...ownGold.map((g) => g.week)])].sort();
    const weeks: WeekQuality[] = weekNames.map((week) => {
      const a = weekly.get(`${id}|${week}`) ?? { agree: 0, compared: 0 };
      const wg = ownGold.filter((g) => g.week === week);
      return {
        week,
        labels: own.filter((r) => isoWeek(r.created_at) === week).length,
        agreement: a.compared === 0 ? null : a.agree / a.compared,
        agreementN: a.compared,
        gold: estimate(wg.filter((g) => g.correct).length, wg.length),
      };
    });
    const agreement = overall[col]!;
    const entry: Omit<AnnotatorQuality, 'warnings'> = {
      annotatorId: id,
      name: names.get(id)!,
      labels: own.length,
      itemsPerHour: activeMs > 0 ? own.length / (activeMs / 3_600_000) : null,
      medianTimeMs: median(own.map((r) => r.time_spent_ms)),
      agreement: agreement.compared === 0 ? null : agreement.agree / agreement.compared,
      agreementN: agreement.compared,
      gold: estimate(ownGold.filter((g) => g.correct).length, ownGold.length),
      weeks,
      flagged: flaggedBy.get(id) ?? 0,
      seenToday: seenSince(db, projectId, id, today),
    };
    return { ...entry, warnings: qualityWarnings(entry) };
  });
  return { annotators, goldChecks: goldCount(db, projectId), goldRate: settings.goldRate, dailyLimits: settings.dailyLimits };
}
