/**
 * Labels as words: a one-line summary for tables and a field-by-field diff between two
 * versions for the history. Pure functions.
 */
import type { Annotation, LabelValues } from '../../../preload/contract/domain';
import { EXPECTED_LABEL, humanize } from './format';

export const FIELD_LABEL: Record<keyof LabelValues, string> = {
  harmful: 'Harmful',
  riskCategory: 'Risk category',
  severity: 'Severity',
  expected: 'Expected',
  jailbreakType: 'Jailbreak type',
  crossModalRisk: 'Cross-modal risk',
  visualCues: 'Visual cues',
  referenceAnswer: 'Reference answer',
  rationale: 'Rationale',
};

const SEVERITY = ['0 · none', '1 · low', '2 · moderate', '3 · severe'];

export function fieldText<K extends keyof LabelValues>(field: K, value: LabelValues[K]): string {
  if (value === null || (Array.isArray(value) && value.length === 0)) return '—';
  switch (field) {
    case 'harmful':
      return value ? 'Harmful' : 'Benign look-alike';
    case 'severity':
      return SEVERITY[value as number] ?? String(value);
    case 'expected':
      return EXPECTED_LABEL[value as keyof typeof EXPECTED_LABEL] ?? String(value);
    case 'riskCategory':
    case 'jailbreakType':
    case 'crossModalRisk':
      return humanize(String(value));
    case 'visualCues':
      return (value as string[]).join(', ');
    default:
      return String(value);
  }
}

export interface FieldChange {
  field: keyof LabelValues;
  label: string;
  from: string;
  to: string;
}

export function diffLabels(before: LabelValues | null, after: LabelValues): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of Object.keys(FIELD_LABEL) as (keyof LabelValues)[]) {
    const a = before ? before[field] : null;
    const b = after[field];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (!before && (b === null || (Array.isArray(b) && b.length === 0))) continue;
    changes.push({ field, label: FIELD_LABEL[field], from: before ? fieldText(field, a) : '—', to: fieldText(field, b) });
  }
  return changes;
}

export interface HistoryEntry {
  annotation: Annotation;
  changes: FieldChange[];
}

/** Each version compared with the same annotator's previous version; newest first. */
export function historyEntries(history: readonly Annotation[]): HistoryEntry[] {
  const previous = new Map<number, LabelValues>();
  const entries: HistoryEntry[] = [];
  const ordered = [...history].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version - b.version);
  for (const annotation of ordered) {
    entries.push({ annotation, changes: diffLabels(previous.get(annotation.annotatorId) ?? null, annotation.labels) });
    previous.set(annotation.annotatorId, annotation.labels);
  }
  return entries.reverse();
}
