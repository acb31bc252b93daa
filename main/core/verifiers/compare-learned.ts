/**
 * The learned tier of a comparison (compareModels, compareReport, `studio compare --verifier
 * learned`) computed in the app: when the host runs learned verifiers (models.ts), the responses'
 * automatic verdicts come from the ONNX model now (learned-verdicts.ts) instead of a stored worker
 * `score` job, so a comparison needs no job and works on a read-only core. People's verdicts still
 * win; a core without in-app scoring keeps the stored verdicts.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { CompareResponse, CompareScope } from '../evaluation/compare-data.js';
import { learnedVerdicts } from './learned-verdicts.js';
import type { VerifierModels } from './models.js';

export async function withInAppLearned(db: ReadableDB, scope: CompareScope, responses: CompareResponse[], models: VerifierModels | undefined): Promise<CompareResponse[]> {
  if (scope.verifier !== 'learned' || !models?.available || responses.length === 0) return responses;
  let model;
  try {
    model = await models.model(scope.verifierPath);
  } catch {
    // Not an ONNX verifier the app can run (a safetensors-only folder, or one exported without the worker's verdict
    // table, which the app never guesses): the worker's own verdicts, from its stored score job, as before.
    return responses;
  }
  const texts = new Map<number, string>();
  const ids = responses.map((r) => r.responseId);
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of db.prepare<{ id: number; text: string }>('SELECT id, text FROM response WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids.slice(i, i + 500)))) {
      texts.set(r.id, r.text);
    }
  }
  const auto = await learnedVerdicts(
    db,
    model,
    responses.map((r) => ({ responseId: r.responseId, task: r.task, harmful: r.truth.harmful, expected: r.truth.expected, text: texts.get(r.responseId) ?? '' })),
  );
  return responses.map((r) => {
    const entry = auto.get(r.responseId) ?? null;
    const verdict = r.human ?? entry?.verdict ?? null;
    const detail = entry ? { ...entry, probabilities: null } : null;
    return { ...r, auto: detail, verdict, verdictSource: r.human ? 'human' : verdict ? 'auto' : null };
  });
}
