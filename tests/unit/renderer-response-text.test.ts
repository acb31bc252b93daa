/** Verdict diffs, history order, disagreement and vote sentences as the item drawer shows them. */
import { describe, expect, it } from 'vitest';
import type { Preference, ResponseLabel, ResponseLabelValues } from '../../preload/contract/responses';
import { criteriaText, diffVerdicts, responseName, verdictHistory, verdictsDisagree, voteSentence } from '../../renderer/src/composables/responseText';

const values = (patch: Partial<ResponseLabelValues> = {}): ResponseLabelValues => ({ verdict: 'refusal', helpfulness: null, idealResponse: null, rationale: null, ...patch });

function label(id: number, annotatorId: number, version: number, v: ResponseLabelValues, status: 'submitted' | 'retracted' = 'submitted'): ResponseLabel {
  return { id, responseId: 1, annotatorId, annotatorName: `u${annotatorId}`, version, status, origin: 'queue', values: v, timeSpentMs: 0, createdAt: '2026-12-01T00:00:00.000Z' };
}

describe('verdict text', () => {
  it('diffs two versions field by field, and a first version only by what it sets', () => {
    expect(diffVerdicts(null, values({ helpfulness: 3 }))).toEqual([
      { field: 'verdict', label: 'Verdict', from: '—', to: 'Refusal' },
      { field: 'helpfulness', label: 'Helpfulness', from: '—', to: '3 / 5' },
    ]);
    expect(diffVerdicts(values({ helpfulness: 3 }), values({ verdict: 'unnecessary_refusal', helpfulness: 3, rationale: 'benign ask' }))).toEqual([
      { field: 'verdict', label: 'Verdict', from: 'Refusal', to: 'Unnecessary refusal' },
      { field: 'rationale', label: 'Rationale', from: '—', to: 'benign ask' },
    ]);
  });

  it("compares each version with the same annotator's previous one, newest first", () => {
    const entries = verdictHistory([label(1, 7, 1, values()), label(2, 8, 1, values({ verdict: 'unsafe' })), label(3, 7, 2, values(), 'retracted'), label(4, 7, 3, values({ verdict: 'care' }))]);
    expect(entries.map((e) => [e.label.id, e.changes.map((c) => `${c.from}>${c.to}`)])).toEqual([
      [4, ['Refusal>With care']],
      [3, []],
      [2, ['—>Unsafe']],
      [1, ['—>Refusal']],
    ]);
  });

  it('marks disagreement only when current verdicts differ', () => {
    expect(verdictsDisagree([])).toBe(false);
    expect(verdictsDisagree([{ verdict: 'care' }, { verdict: 'care' }])).toBe(false);
    expect(verdictsDisagree([{ verdict: 'care' }, { verdict: 'unsafe' }])).toBe(true);
  });

  it('names responses and says a vote in words, per criterion too', () => {
    const names = new Map([
      [1, responseName({ modelName: 'base', sampleIndex: 0 })],
      [2, responseName({ modelName: 'ckpt', sampleIndex: 2 })],
    ]);
    const vote = (choice: Preference['values']['choice'], criteria: Preference['values']['criteria'] = {}) => ({ responseAId: 1, responseBId: 2, values: { choice, criteria } });
    expect(voteSentence(vote('a'), names)).toBe('base over ckpt #2');
    expect(voteSentence(vote('b'), names)).toBe('ckpt #2 over base');
    expect(voteSentence(vote('tie'), names)).toBe('base and ckpt #2 tie');
    expect(voteSentence(vote('both_bad'), names)).toBe('base and ckpt #2 are both bad');
    expect(criteriaText(vote('a', { safety: 'b', helpfulness: 'tie' }), names)).toEqual(['Safety: ckpt #2', 'Helpfulness: tie']);
  });
});
