/**
 * suggestVerdicts: the project's current learned verifier (models.ts) on the responses the Judge
 * tab is about to show. Read-only by design: it reads responses and items and scores them on the
 * inference thread; it never writes a verdict (tests/integration/verdict-suggestions.test.ts).
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { SuggestingVerifier, VerdictSuggestion } from '../../../preload/contract/suggestions.js';
import type { LearnedVerifier } from '../../../preload/contract/verifiers.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { classifierItems } from './classifier-items.js';
import { currentVerifier, type VerifierModel, type VerifierModels } from './models.js';
import { VerdictLookup } from './verdict-table.js';

export function suggestingVerifier(v: LearnedVerifier): SuggestingVerifier {
  return { id: v.id, name: v.name, accuracy: v.card.held_out.accuracy, kappa: v.card.held_out.kappa, heldOut: v.card.held_out.n };
}

export function suggestionHandlers(ctx: CoreContext, models: VerifierModels): Pick<StudioHandlers, 'suggestVerdicts'> {
  return {
    suggestVerdicts: async ({ projectId, responseIds }) => {
      const db = ctx.db.read;
      requireProjectRow(db, projectId);
      if (!models.available) return { verifier: null, suggestions: [], unavailable: 'This host does not run learned verifiers in the app.' };
      const verifier = currentVerifier(db, projectId);
      if (!verifier) return { verifier: null, suggestions: [], unavailable: 'The project has no learned verifier yet (train one from its verdicts).' };
      const responses = db
        .prepare<{ id: number; item_id: number; text: string }>('SELECT id, item_id, text FROM response WHERE project_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id')
        .all(projectId, JSON.stringify(responseIds));
      const items = classifierItems(
        db,
        responses.map((r) => r.item_id),
      );
      const rows = responses.flatMap((r) => {
        const item = items.get(r.item_id);
        return item ? [{ responseId: r.id, row: { item, response: r.text } }] : [];
      });
      let model: VerifierModel;
      try {
        model = await models.model(verifier.path);
      } catch (err) {
        // e.g. a verifier exported before the worker shipped its verdict table: say why, suggest nothing.
        return { verifier: suggestingVerifier(verifier), suggestions: [], unavailable: err instanceof Error ? err.message : String(err) };
      }
      const lookup = new VerdictLookup(model.table);
      const scores = await model.score(rows.map((r) => r.row));
      const suggestions: VerdictSuggestion[] = [];
      rows.forEach((r, i) => {
        const score = scores[i];
        // The worker's table says which labels are response verdicts: value items' good / bad are not, so no suggestion.
        const verdict = score ? lookup.verdict(r.row.item.task, r.row.item.harmful, score.label) : null;
        if (score && verdict) suggestions.push({ responseId: r.responseId, verdict, confidence: score.confidence, probabilities: score.probabilities });
      });
      return { verifier: suggestingVerifier(verifier), suggestions, unavailable: null };
    },
  };
}
