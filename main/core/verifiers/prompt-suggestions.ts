/**
 * suggestPromptLabels: the project's current prompt-label head (prompt-head.ts) on the items the
 * labelling queue is about to show. Read-only by design: it reads items and scores them on the
 * inference thread; it never writes a label (tests/integration/prompt-suggestions.test.ts).
 * A category is suggested only for a prompt the head thinks harmful, and only one the project's
 * taxonomy still has.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { EXPECTED_BEHAVIOURS, type ExpectedBehaviour } from '../../../preload/contract/domain.js';
import type { PromptSuggestion } from '../../../preload/contract/prompt-suggestions.js';
import type { CoreContext } from '../context.js';
import { requireProject } from '../services/lookup.js';
import type { VerifierModels } from './models.js';
import { currentPromptHead, promptSuggestingVerifier } from './prompt-head.js';

type Probabilities = Partial<Record<'harmful' | 'category' | 'expected', Record<string, number>>>;

/** The most probable label (the first maximum, in the head's order) among `allowed`, with its probability. */
function best(probs: Record<string, number> | undefined, allowed: (label: string) => boolean): { value: string; confidence: number } | null {
  let top: { value: string; confidence: number } | null = null;
  for (const [value, confidence] of Object.entries(probs ?? {})) {
    if (allowed(value) && (top === null || confidence > top.confidence)) top = { value, confidence };
  }
  return top;
}

export function suggestionFrom(itemId: number, probabilities: Probabilities, categories: ReadonlySet<string>): PromptSuggestion {
  const harmful = best(probabilities.harmful, () => true);
  const expected = best(probabilities.expected, (label) => (EXPECTED_BEHAVIOURS as readonly string[]).includes(label));
  const category = harmful?.value === 'true' ? best(probabilities.category, (label) => categories.has(label)) : null;
  return {
    itemId,
    harmful: harmful ? { value: harmful.value === 'true', confidence: harmful.confidence } : null,
    riskCategory: category,
    expected: expected ? { value: expected.value as ExpectedBehaviour, confidence: expected.confidence } : null,
    probabilities: probabilities as Record<string, Record<string, number>>,
  };
}

export function promptSuggestionHandlers(ctx: CoreContext, models: VerifierModels): Pick<StudioHandlers, 'suggestPromptLabels'> {
  return {
    suggestPromptLabels: async ({ projectId, itemIds }) => {
      const db = ctx.db.read;
      const project = requireProject(db, projectId);
      if (!models.promptLabelsAvailable) return { verifier: null, suggestions: [], unavailable: 'This host does not run learned verifiers in the app.' };
      const head = currentPromptHead(db, projectId);
      if (!head) return { verifier: null, suggestions: [], unavailable: 'The project has no learned verifier with a prompt-label head yet (train one from its labels).' };
      const items = db
        .prepare<{ id: number; text: string; task: string; has_image: number }>(
          'SELECT id, text, task, image_sha256 IS NOT NULL AS has_image FROM item WHERE project_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id',
        )
        .all(projectId, JSON.stringify(itemIds));
      const model = await models.promptModel(head.file);
      const scores = await model.score(items.map((i) => ({ text: i.text, task: i.task, hasImage: i.has_image === 1 })));
      const categories = new Set(project.labelSchema.riskCategories);
      return { verifier: promptSuggestingVerifier(head), suggestions: items.map((item, k) => suggestionFrom(item.id, scores[k] ?? {}, categories)), unavailable: null };
    },
  };
}
