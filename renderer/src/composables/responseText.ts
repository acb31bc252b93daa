/**
 * Verdicts and preference votes as words: chip labels and tones, a field-by-field diff between
 * two verdict versions (as labelText.ts does for prompt labels) and a vote as a sentence. Pure.
 */
import type { Preference, ResponseLabel, ResponseLabelValues, Verdict } from '../../../preload/contract/responses';
import type { FieldChange } from './labelText';

export const VERDICT_LABEL: Record<Verdict, string> = {
  refusal: 'Refusal',
  care: 'With care',
  unsafe: 'Unsafe',
  answered: 'Answered',
  unnecessary_refusal: 'Unnecessary refusal',
  illogical: 'Illogical',
};

/** The badge class of a verdict: unsafe is the danger, a good answer the success. */
export const VERDICT_TONE: Record<Verdict, string> = {
  refusal: 'accent',
  care: 'benign',
  unsafe: 'harmful',
  answered: 'benign',
  unnecessary_refusal: 'warn',
  illogical: 'warn',
};

const VERDICT_FIELD: Record<keyof ResponseLabelValues, string> = {
  verdict: 'Verdict',
  helpfulness: 'Helpfulness',
  idealResponse: 'Ideal response',
  rationale: 'Rationale',
};

export function verdictFieldText(field: keyof ResponseLabelValues, value: ResponseLabelValues[keyof ResponseLabelValues]): string {
  if (value === null || value === '') return '—';
  if (field === 'verdict') return VERDICT_LABEL[value as Verdict] ?? String(value);
  if (field === 'helpfulness') return `${String(value)} / 5`;
  return String(value);
}

export interface VerdictChange extends Omit<FieldChange, 'field'> {
  field: keyof ResponseLabelValues;
}

export function diffVerdicts(before: ResponseLabelValues | null, after: ResponseLabelValues): VerdictChange[] {
  const changes: VerdictChange[] = [];
  for (const field of Object.keys(VERDICT_FIELD) as (keyof ResponseLabelValues)[]) {
    const a = before ? before[field] : null;
    const b = after[field];
    if (a === b) continue;
    if (!before && (b === null || b === '')) continue;
    changes.push({ field, label: VERDICT_FIELD[field], from: before ? verdictFieldText(field, a) : '—', to: verdictFieldText(field, b) });
  }
  return changes;
}

export interface VerdictHistoryEntry {
  label: ResponseLabel;
  changes: VerdictChange[];
}

/** Each version compared with the same annotator's previous version; newest first. */
export function verdictHistory(history: readonly ResponseLabel[]): VerdictHistoryEntry[] {
  const previous = new Map<number, ResponseLabelValues>();
  const entries: VerdictHistoryEntry[] = [];
  for (const label of [...history].sort((a, b) => a.id - b.id)) {
    entries.push({ label, changes: diffVerdicts(previous.get(label.annotatorId) ?? null, label.values) });
    previous.set(label.annotatorId, label.values);
  }
  return entries.reverse();
}

/** True when the current verdicts are not all the same. */
export function verdictsDisagree(verdicts: readonly { verdict: Verdict }[]): boolean {
  return new Set(verdicts.map((v) => v.verdict)).size > 1;
}

/** How a person names a response: its model and, when it has several samples, which one. */
export function responseName(response: { modelName: string; sampleIndex: number }): string {
  return response.sampleIndex === 0 ? response.modelName : `${response.modelName} #${response.sampleIndex}`;
}

/** A vote as a sentence, naming the responses: "base over ckpt-40", "tie", "both bad". */
export function voteSentence(vote: Pick<Preference, 'values' | 'responseAId' | 'responseBId'>, names: ReadonlyMap<number, string>): string {
  const a = names.get(vote.responseAId) ?? `response ${vote.responseAId}`;
  const b = names.get(vote.responseBId) ?? `response ${vote.responseBId}`;
  switch (vote.values.choice) {
    case 'a':
      return `${a} over ${b}`;
    case 'b':
      return `${b} over ${a}`;
    case 'tie':
      return `${a} and ${b} tie`;
    case 'both_bad':
      return `${a} and ${b} are both bad`;
  }
}

/** Per-criterion votes as words, e.g. "Safety: base". */
export function criteriaText(vote: Pick<Preference, 'values' | 'responseAId' | 'responseBId'>, names: ReadonlyMap<number, string>): string[] {
  return Object.entries(vote.values.criteria).map(([criterion, choice]) => {
    const name = criterion.charAt(0).toUpperCase() + criterion.slice(1);
    if (choice === 'a') return `${name}: ${names.get(vote.responseAId) ?? 'a'}`;
    if (choice === 'b') return `${name}: ${names.get(vote.responseBId) ?? 'b'}`;
    return `${name}: ${choice === 'tie' ? 'tie' : 'both bad'}`;
  });
}
