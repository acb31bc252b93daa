/**
 * What training and evaluation use for an item, by the project's rule: the gold label when a
 * reviewer set one, else the majority of the current labels (aggregate.ts) when at least
 * `trainingMinAgreement` of the annotators agree (rules.ts `itemShare`), else nothing: the item
 * is excluded. The training snapshot and evaluation truth both resolve through this, so they
 * never disagree on an item's label.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { QualityRules } from '../../../preload/contract/adjudication.js';
import type { LabelValues } from '../../../preload/contract/domain.js';
import { aggregateLabels, type AggregatedLabels } from '../export/aggregate.js';
import type { ExportAnnotation } from '../export/read-project.js';
import { currentGoldLabels } from './gold-store.js';
import { itemShare, readQualityRules } from './rules.js';

export type ResolutionCase = 'gold' | 'majority' | 'excluded' | 'unlabelled';

export interface Resolution {
  case: ResolutionCase;
  /** The labels to use; null when excluded or unlabelled. */
  agg: AggregatedLabels | null;
}

export interface LabelResolver {
  rules: QualityRules;
  resolve(itemId: number, current: readonly ExportAnnotation[]): Resolution;
}

/** Resolves with the given rules and gold map (pure; `projectResolver` reads them from the database). */
export function labelResolver(rules: QualityRules, gold: ReadonlyMap<number, LabelValues>): LabelResolver {
  return {
    rules,
    resolve(itemId, current) {
      const majority = aggregateLabels(current);
      const goldLabels = gold.get(itemId);
      if (goldLabels) {
        // The agreement figures stay those of the people, for the manifest's per-item counts.
        return { case: 'gold', agg: { labels: goldLabels, annotators: majority?.annotators ?? 0, agreement: majority?.agreement ?? { harmful: 0, expected: 0 } } };
      }
      if (!majority) return { case: 'unlabelled', agg: null };
      if (itemShare(current.map((a) => a.labels)) < rules.trainingMinAgreement) return { case: 'excluded', agg: null };
      return { case: 'majority', agg: majority };
    },
  };
}

/** The project's rules and current gold labels, read once for a pass over its items. */
export function projectResolver(db: ReadableDB, projectId: number): LabelResolver {
  return labelResolver(readQualityRules(db, projectId), currentGoldLabels(db, projectId));
}

/** The rule in words, as the snapshot manifest records it. */
export function describeRule(rules: QualityRules): string {
  const floor = rules.trainingMinAgreement > 0 ? ` with at least ${Math.round(rules.trainingMinAgreement * 100)}% of annotators agreeing` : '';
  return `gold label, else the majority per field${floor} (ties broken by the most recent label), else excluded`;
}
