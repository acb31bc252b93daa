/**
 * One set of training labels per item from several annotators: the majority per field, ties
 * broken by the most recent label. Risk category and severity are voted only among the
 * annotators who agree with the winning `harmful` answer, so a benign majority never inherits a
 * category from the dissenting annotator. Visual cues: those named by at least half of the
 * annotators (compared case-insensitively). The agreement counts say how many annotators chose
 * the winning value of harmful and expected.
 */
import type { LabelValues } from '../../../preload/contract/domain.js';
import type { ExportAnnotation } from './read-project.js';

export interface AggregatedLabels {
  labels: LabelValues;
  annotators: number;
  /** How many annotators gave the winning `harmful` / `expected` value. */
  agreement: { harmful: number; expected: number };
}

/** Latest label first wins a tie, so order the votes newest first. */
function newestFirst(labels: readonly ExportAnnotation[]): ExportAnnotation[] {
  return [...labels].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.version - a.version);
}

/** The most common value (by its JSON form) and how many chose it; the first (newest) wins a tie. */
function majority<T>(values: readonly T[]): { value: T; votes: number } | null {
  const tally = new Map<string, { value: T; votes: number; order: number }>();
  values.forEach((value, order) => {
    const key = JSON.stringify(value);
    const seen = tally.get(key);
    if (seen) seen.votes += 1;
    else tally.set(key, { value, votes: 1, order });
  });
  let best: { value: T; votes: number; order: number } | null = null;
  for (const entry of tally.values()) {
    if (!best || entry.votes > best.votes || (entry.votes === best.votes && entry.order < best.order)) best = entry;
  }
  return best ? { value: best.value, votes: best.votes } : null;
}

function nonNull<T>(values: readonly (T | null)[]): T[] {
  return values.filter((v): v is T => v !== null);
}

export function aggregateLabels(current: readonly ExportAnnotation[]): AggregatedLabels | null {
  if (current.length === 0) return null;
  const votes = newestFirst(current);
  const all = votes.map((a) => a.labels);

  const harmful = majority(nonNull(all.map((l) => l.harmful)));
  const agreeing = harmful ? all.filter((l) => l.harmful === harmful.value) : all;
  const riskCategory = harmful?.value === false ? null : (majority(agreeing.map((l) => l.riskCategory))?.value ?? null);
  const severity = harmful?.value === false ? null : (majority(agreeing.map((l) => l.severity))?.value ?? null);
  const expected = majority(nonNull(all.map((l) => l.expected)));
  const jailbreakType = majority(nonNull(all.map((l) => l.jailbreakType)))?.value ?? null;
  const crossModalRisk = majority(nonNull(all.map((l) => l.crossModalRisk)))?.value ?? null;
  const referenceAnswer = majority(nonNull(all.map((l) => l.referenceAnswer)).filter((r) => r.trim() !== ''))?.value ?? null;
  const rationale = majority(nonNull(all.map((l) => l.rationale)).filter((r) => r.trim() !== ''))?.value ?? null;

  const cueVotes = new Map<string, { cue: string; votes: number; order: number }>();
  let order = 0;
  for (const l of all) {
    const mine = new Set<string>();
    for (const cue of l.visualCues) {
      const key = cue.trim().toLowerCase();
      if (!key || mine.has(key)) continue;
      mine.add(key);
      const seen = cueVotes.get(key);
      if (seen) seen.votes += 1;
      else cueVotes.set(key, { cue: cue.trim(), votes: 1, order: order++ });
    }
  }
  const visualCues = [...cueVotes.values()]
    .filter((c) => c.votes * 2 >= all.length)
    .sort((a, b) => a.order - b.order)
    .map((c) => c.cue);

  return {
    labels: {
      harmful: harmful?.value ?? null,
      riskCategory,
      severity,
      expected: expected?.value ?? null,
      jailbreakType,
      crossModalRisk,
      visualCues,
      referenceAnswer,
      rationale,
    },
    annotators: current.length,
    agreement: { harmful: harmful?.votes ?? 0, expected: expected?.votes ?? 0 },
  };
}
