/**
 * The project's quality rules (adjudication_rule, 0017) and the agreement share they act on.
 *
 * An item's share is the smallest, over harmful, risk category and expected behaviour, of the
 * share of its annotators who gave that field's most common value (a field given by fewer than
 * two people is not compared). A response's share is the same over its verdicts. One share
 * decides both who reviews (queue entry) and what training uses (the majority needs at least
 * `trainingMinAgreement`), so the two never disagree about what "agreement" means.
 */
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import type { QualityRules } from '../../../preload/contract/adjudication.js';

export const DEFAULT_RULES: QualityRules = { review: 'any_disagreement', reviewMinShare: 1, trainingMinAgreement: 0 };

interface RuleRow {
  review_rule: QualityRules['review'];
  review_min_share: number;
  training_min_agreement: number;
}

export function readQualityRules(db: ReadableDB, projectId: number): QualityRules {
  const row = db.prepare<RuleRow>('SELECT review_rule, review_min_share, training_min_agreement FROM adjudication_rule WHERE project_id = ?').get(projectId);
  if (!row) return { ...DEFAULT_RULES };
  return { review: row.review_rule, reviewMinShare: row.review_min_share, trainingMinAgreement: row.training_min_agreement };
}

export function writeQualityRules(db: WritableDB, projectId: number, rules: QualityRules, at: string): void {
  db.prepare(
    `INSERT INTO adjudication_rule (project_id, review_rule, review_min_share, training_min_agreement, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (project_id) DO UPDATE SET review_rule = excluded.review_rule, review_min_share = excluded.review_min_share,
       training_min_agreement = excluded.training_min_agreement, updated_at = excluded.updated_at`,
  ).run(projectId, rules.review, rules.reviewMinShare, rules.trainingMinAgreement, at);
}

/** Share of the values equal to the most common one; null with fewer than two values. */
export function fieldShare(values: readonly (string | number | boolean | null)[]): number | null {
  const given = values.filter((v) => v !== null);
  if (given.length < 2) return null;
  const tally = new Map<string | number | boolean, number>();
  let top = 0;
  for (const v of given) {
    const n = (tally.get(v) ?? 0) + 1;
    tally.set(v, n);
    if (n > top) top = n;
  }
  return top / given.length;
}

export interface ComparedLabel {
  harmful: boolean | null;
  riskCategory: string | null;
  expected: string | null;
}

/** The item's agreement share (1 when nothing can be compared). */
export function itemShare(labels: readonly ComparedLabel[]): number {
  const shares = [fieldShare(labels.map((l) => l.harmful)), fieldShare(labels.map((l) => l.riskCategory)), fieldShare(labels.map((l) => l.expected))];
  return Math.min(1, ...shares.filter((s): s is number => s !== null));
}

/** Whether a case with this share (and at least two labels) enters the reviewer queue. */
export function needsReview(share: number, rules: QualityRules): boolean {
  return rules.review === 'any_disagreement' ? share < 1 : share < rules.reviewMinShare;
}
