/** compareModels: the comparison of the responses already stored (compare-data.ts, compare-metrics.ts). */
import type { ReadableDB } from '../../../db/handles.js';
import type { MethodParsedInput } from '../../../preload/contract/api.js';
import type { Comparison, CompareVerifier } from '../../../preload/contract/compare.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { withInAppLearned } from '../verifiers/compare-learned.js';
import { currentVerifier, type VerifierModels } from '../verifiers/models.js';
import { readCompareResponses, type CompareScope } from './compare-data.js';
import { compareMetrics } from './compare-metrics.js';

export interface CompareScopeInput {
  projectId: number;
  models?: readonly string[] | undefined;
  verifier: CompareVerifier;
  verifierPath?: string | undefined;
  setId?: number | undefined;
}

/**
 * Checks what a comparison (or the side-by-side view) asks for and resolves it: the project, the
 * tier's path, the set, and the models (every model with responses, in the order their first
 * response was stored, base models usually first, when none are named).
 */
export function resolveCompareScope(db: ReadableDB, input: CompareScopeInput): CompareScope & { models: string[] } {
  requireProjectRow(db, input.projectId);
  // The learned tier without a path: the project's current learned verifier (its folder names it).
  if (input.verifier === 'learned' && !input.verifierPath) input = { ...input, verifierPath: currentVerifier(db, input.projectId)?.path };
  if (input.verifier !== 'human' && input.verifier !== 'rules' && !input.verifierPath) {
    throw new StudioError('invalid_input', `the ${input.verifier} tier needs a verifier path (the one its score job used)`);
  }
  if (input.setId !== undefined && !db.prepare('SELECT 1 FROM evaluation_set WHERE id = ? AND project_id = ?').get(input.setId, input.projectId)) {
    throw new StudioError('not_found', `no evaluation set ${input.setId} in this project`);
  }
  const known = db
    .prepare<{ model_name: string }>('SELECT model_name FROM response WHERE project_id = ? GROUP BY model_name ORDER BY MIN(id)')
    .all(input.projectId)
    .map((r) => r.model_name);
  const models = input.models ? [...input.models] : known;
  const unknown = models.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new StudioError('not_found', `no responses from ${unknown.map((m) => `"${m}"`).join(', ')} in this project (models with responses: ${known.join(', ') || 'none'})`);
  }
  return {
    projectId: input.projectId,
    models,
    verifier: input.verifier,
    verifierPath: input.verifier === 'rules' || input.verifier === 'human' ? '' : (input.verifierPath ?? ''),
    setId: input.setId ?? null,
  };
}

/** `models`: the core's in-app learned verifiers; the learned tier is then scored now (verifiers/compare-learned.ts). */
export async function compareModels(ctx: CoreContext, input: MethodParsedInput<'compareModels'>, models?: VerifierModels): Promise<Comparison> {
  const db = ctx.db.read;
  const scope = resolveCompareScope(db, input);
  const responses = await withInAppLearned(db, scope, readCompareResponses(db, scope), models);
  return compareMetrics(responses, input.verifier, scope.models, input.pairs);
}
