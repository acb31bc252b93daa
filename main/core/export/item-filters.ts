/**
 * The filters of an item export (split, labelled by, agreement) and each item's agreement.
 * Agreement compares the judgement fields of the current labels (harmful, risk category,
 * severity, expected behaviour, jailbreak type, cross-modal risk); free text (rationale, reference
 * answer) and visual cues are explanations, which two people rarely word alike.
 */
import type { LabelValues } from '../../../preload/contract/domain.js';
import type { ExportFilters } from '../../../preload/contract/export-history.js';
import { currentLabels, type ExportItem } from './read-project.js';

const JUDGEMENT_FIELDS = ['harmful', 'riskCategory', 'severity', 'expected', 'jailbreakType', 'crossModalRisk'] as const satisfies readonly (keyof LabelValues)[];

/** agree / disagree with two or more current labels; single with one; unlabelled with none. */
export type Agreement = 'agree' | 'disagree' | 'single' | 'unlabelled';

function judgement(labels: LabelValues): string {
  return JSON.stringify(JUDGEMENT_FIELDS.map((field) => labels[field] ?? null));
}

export function agreementOf(entry: ExportItem): Agreement {
  const current = currentLabels(entry.history);
  if (current.length === 0) return 'unlabelled';
  if (current.length === 1) return 'single';
  const first = judgement(current[0]!.labels);
  return current.every((a) => judgement(a.labels) === first) ? 'agree' : 'disagree';
}

export function keepsItem(entry: ExportItem, filters: ExportFilters): boolean {
  if (filters.split !== undefined && entry.item.split !== filters.split) return false;
  if (filters.annotator !== undefined) {
    const name = filters.annotator.trim().toLowerCase();
    if (!currentLabels(entry.history).some((a) => a.annotator.toLowerCase() === name)) return false;
  }
  if (filters.agreement !== undefined && agreementOf(entry) !== filters.agreement) return false;
  return true;
}

/** Only the filters that filter, so `{}` means every item (and history shows nothing to undo). */
export function activeFilters(filters: ExportFilters | undefined): ExportFilters {
  const out: ExportFilters = {};
  if (filters?.split) out.split = filters.split;
  if (filters?.annotator?.trim()) out.annotator = filters.annotator.trim();
  if (filters?.agreement) out.agreement = filters.agreement;
  return out;
}
