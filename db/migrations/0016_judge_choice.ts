import type { Migration } from './migration.js';

/**
 * The judge tier's forced choice, kept with its automatic verdict: `probabilities` is a JSON
 * object {label: probability} over the labels the judge could give the item (they sum to 1; the
 * row's `confidence` is the chosen label's). NULL for the rules and learned tiers, for items the
 * judge does not decide, and for a verdict where the judge fell back to the rules
 * (`source = 'rules_fallback'`, `note` says why).
 */
export const migration0016: Migration = {
  version: 16,
  name: 'judge_choice',
  up: `
ALTER TABLE response_auto_verdict ADD COLUMN probabilities TEXT CHECK (probabilities IS NULL OR json_valid(probabilities));
`,
};
