/**
 * The labelling screen's suggestion key (composables/labelKeys.ts, composables/promptSuggestion.ts):
 * P accepts the model's suggested prompt labels into the form, exactly what H / N, the category and
 * C / W / R would put there, and nothing else; without a suggestion (or while typing) nothing
 * changes. Storing is submitLabel's alone (tests/integration/prompt-suggestions.test.ts shows that
 * asking for suggestions writes nothing; tests/e2e/prompt-suggestions.e2e.ts the whole key path).
 */
import { describe, expect, it } from 'vitest';
import { emptyLabels } from '../../preload/contract/domain';
import type { PromptSuggestion } from '../../preload/contract/prompt-suggestions';
import { actionForKey } from '../../renderer/src/composables/labelKeys';
import { acceptedPromptSuggestion, suggestionInForm } from '../../renderer/src/composables/promptSuggestion';

const key = (k: string) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false });

const harmful: PromptSuggestion = {
  itemId: 1,
  harmful: { value: true, confidence: 0.9 },
  riskCategory: { value: 'indiscriminate_weapons', confidence: 0.7 },
  expected: { value: 'refuse', confidence: 0.8 },
  probabilities: {},
};
const benign: PromptSuggestion = { itemId: 2, harmful: { value: false, confidence: 0.95 }, riskCategory: null, expected: { value: 'comply', confidence: 0.9 }, probabilities: {} };

describe('accepting suggested prompt labels', () => {
  it('P (either case) accepts; in a text field it is typing; A still focuses the reference answer', () => {
    expect(actionForKey(key('p'), false)).toEqual({ type: 'accept-suggestion' });
    expect(actionForKey(key('P'), false)).toEqual({ type: 'accept-suggestion' });
    expect(actionForKey(key('p'), true)).toBeNull();
    expect(actionForKey({ ...key('p'), ctrlKey: true }, false)).toBeNull();
    expect(actionForKey(key('a'), false)).toEqual({ type: 'focus', field: 'referenceAnswer' });
  });

  it('gives the form the keys’ values: harmful, category and expected, nothing else', () => {
    const labels = { ...emptyLabels(), severity: 2 as const, rationale: 'mine', visualCues: ['a fuse'] };
    expect(acceptedPromptSuggestion(labels, harmful)).toEqual({ ...labels, harmful: true, riskCategory: 'indiscriminate_weapons', expected: 'refuse' });
    expect(acceptedPromptSuggestion(labels, benign)).toEqual({ ...labels, harmful: false, riskCategory: null, expected: 'comply' });
    // The input is never changed in place: the form only moves through updateLabels.
    expect(labels).toEqual({ ...emptyLabels(), severity: 2, rationale: 'mine', visualCues: ['a fuse'] });
  });

  it('a harmful suggestion without a category keeps the category already chosen', () => {
    const labels = { ...emptyLabels(), riskCategory: 'hate' };
    expect(acceptedPromptSuggestion(labels, { ...harmful, riskCategory: null }).riskCategory).toBe('hate');
  });

  it('with no suggestion the labels stay as they are, and the card knows when the form already holds it', () => {
    const labels = emptyLabels();
    expect(acceptedPromptSuggestion(labels, null)).toBe(labels);
    expect(acceptedPromptSuggestion(labels, undefined)).toBe(labels);
    expect(suggestionInForm(labels, harmful)).toBe(false);
    expect(suggestionInForm(acceptedPromptSuggestion(labels, harmful), harmful)).toBe(true);
  });
});
