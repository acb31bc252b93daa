/**
 * Accepting the learned verifier's suggested prompt labels (P on the labelling screen): the form
 * gets exactly what pressing H or N, the category's number under K, and C / W / R would give it,
 * and nothing else changes. Nothing is stored here; Enter then submits as usual. A benign
 * suggestion clears the category (a benign look-alike has none); a harmful one without a
 * category leaves the form's category as it was. No suggestion: the labels stay as they are.
 */
import type { LabelValues } from '../../../preload/contract/domain';
import type { PromptSuggestion } from '../../../preload/contract/prompt-suggestions';

export function acceptedPromptSuggestion(labels: LabelValues, suggestion: PromptSuggestion | null | undefined): LabelValues {
  if (!suggestion) return labels;
  const next = { ...labels };
  if (suggestion.harmful) {
    next.harmful = suggestion.harmful.value;
    if (!suggestion.harmful.value) next.riskCategory = null;
  }
  if (suggestion.harmful?.value && suggestion.riskCategory) next.riskCategory = suggestion.riskCategory.value;
  if (suggestion.expected) next.expected = suggestion.expected.value;
  return next;
}

/** Whether the form already holds everything the suggestion says (the card then says so). */
export function suggestionInForm(labels: LabelValues, suggestion: PromptSuggestion): boolean {
  const accepted = acceptedPromptSuggestion(labels, suggestion);
  return accepted.harmful === labels.harmful && accepted.riskCategory === labels.riskCategory && accepted.expected === labels.expected;
}

export const percent = (value: number): string => `${Math.round(value * 100)}%`;
