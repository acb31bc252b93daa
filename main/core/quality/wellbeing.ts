/**
 * Wellbeing in the labelling queue. What a person "saw" of a risk category today is the number of
 * distinct items they submitted as harmful in that category since the start of the UTC day. Once
 * that reaches the project's daily limit for the category, or when the person chose to skip the
 * category, the queue stops serving items of that category to them (other items continue).
 *
 * An item's category, before this person labels it, is what is known of it: the dataset's own
 * category hint (mapped onto the taxonomy as the importer maps it), any other annotator's current
 * harmful label, and a gold check's known category. Any of them in the blocked set keeps it out.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { QueueWellbeing } from '../../../preload/contract/quality.js';
import { mapCategory } from '../import/categories.js';
import type { QueueClause } from '../services/queue-clause.js';
import { personSettings, qualitySettings } from './settings.js';

/** Midnight UTC of the day `now` falls in, as stored timestamps are written (ISO, UTC). */
export function utcDayStart(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
}

/** Harmful items per risk category the annotator submitted since `since` (distinct items). */
export function seenSince(db: ReadableDB, projectId: number, annotatorId: number, since: string): Record<string, number> {
  const rows = db
    .prepare<{ risk_category: string; n: number }>(
      `SELECT risk_category, COUNT(DISTINCT item_id) AS n FROM annotation
       WHERE annotator_id = ? AND project_id = ? AND status = 'submitted' AND harmful = 1 AND risk_category IS NOT NULL AND created_at >= ?
       GROUP BY risk_category`,
    )
    .all(annotatorId, projectId, since);
  return Object.fromEntries(rows.map((r) => [r.risk_category, r.n]));
}

export interface WellbeingPlan {
  wellbeing: QueueWellbeing;
  /** Categories the queue must not serve to this person now. */
  blocked: string[];
}

export function wellbeingPlan(db: ReadableDB, projectId: number, annotatorId: number, now: Date): WellbeingPlan {
  const { dailyLimits } = qualitySettings(db, projectId);
  const person = personSettings(db, annotatorId);
  const limited = Object.entries(dailyLimits);
  const seen = limited.length > 0 ? seenSince(db, projectId, annotatorId, utcDayStart(now)) : {};
  const pausedToday = limited
    .filter(([category, limit]) => (seen[category] ?? 0) >= limit)
    .map(([category, limit]) => ({ category, seen: seen[category] ?? 0, limit }))
    .sort((a, b) => a.category.localeCompare(b.category));
  const blocked = [...new Set([...person.skipCategories, ...pausedToday.map((p) => p.category)])].sort();
  return { wellbeing: { pausedToday, skipped: [...person.skipCategories].sort(), breakAfterMinutes: person.breakAfterMinutes }, blocked };
}

/**
 * The dataset hints of the project that map onto a blocked category. Reading the distinct hints
 * scans the project's items, so the caller keeps the answer while the item count is unchanged.
 */
export function blockedHints(db: ReadableDB, projectId: number, riskCategories: readonly string[], blocked: readonly string[]): string[] {
  const hints = db
    .prepare<{ hint: string }>(
      `SELECT DISTINCT json_extract(source_labels, '$.category') AS hint FROM item
       WHERE project_id = ? AND json_type(source_labels, '$.category') = 'text'`,
    )
    .all(projectId)
    .map((r) => r.hint);
  const wanted = new Set(blocked);
  return hints.filter((hint) => {
    const mapped = mapCategory(hint, riskCategories);
    return mapped !== null && wanted.has(mapped);
  });
}

/** The queue condition that keeps items of the blocked categories out (`i` is the item). */
export function blockedClause(blocked: readonly string[], hints: readonly string[]): QueueClause {
  const categories = JSON.stringify(blocked);
  return {
    sql: ` AND NOT (COALESCE(json_extract(i.source_labels, '$.category') IN (SELECT value FROM json_each(?)), 0)
      OR EXISTS (SELECT 1 FROM annotation_head b WHERE b.item_id = i.id AND b.status = 'submitted' AND b.harmful = 1
                 AND b.risk_category IN (SELECT value FROM json_each(?)))
      OR EXISTS (SELECT 1 FROM gold_check bg WHERE bg.item_id = i.id
                 AND json_extract(bg.expected, '$.riskCategory') IN (SELECT value FROM json_each(?))))`,
    params: [JSON.stringify(hints), categories, categories],
  };
}
