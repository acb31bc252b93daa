/**
 * The learned tier's automatic verdicts computed in the app (the ONNX model on the inference
 * thread) instead of read from a worker `score` job, giving exactly what the worker's learned
 * tier stores (cosmo_rl.score with LearnedVerifier, tests/integration/learned-compare.test.ts).
 * Every rule comes from the verdict table the worker shipped in the model (verdict-table.ts),
 * none is written here:
 *
 * - routed items (the table gives labels): the classifier's label, scored by the table (R_task);
 *   the verdict is the table's verdict for that label, or, where the table says the verdict is
 *   the rules' outcome (value items), the rules tier's stored verdict;
 * - a routed item whose labels the classifier lacks: the rules' verdict, confidence capped by the
 *   table (learned.py's fallback);
 * - every other item comes from the rules tier, which LearnedVerifier falls back to: its stored
 *   verdicts (`response_auto_verdict`, tier rules). A response the rules tier has not scored gets
 *   what the classifier alone decides, else no automatic verdict.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { Verdict } from '../../../preload/contract/responses.js';
import type { ClassifierScore, VerifierModel } from './models.js';
import { VerdictLookup } from './verdict-table.js';

export interface LearnedInput {
  responseId: number;
  task: string;
  harmful: boolean | null;
  expected: string | null;
  text: string;
}

export interface AutoEntry {
  verdict: Verdict | null;
  taskScore: number;
  confidence: number;
  /**
   * learned; rules for tasks the classifier does not route (the rules tier's stored verdict
   * stands); rules_fallback for a routed item whose labels the classifier lacks (learned.py).
   */
  source: 'learned' | 'rules' | 'rules_fallback';
  note: string | null;
}

/** The rules tier's stored verdicts of these responses. */
function rulesVerdicts(db: ReadableDB, responseIds: readonly number[]): Map<number, AutoEntry> {
  const out = new Map<number, AutoEntry>();
  for (let i = 0; i < responseIds.length; i += 500) {
    const part = JSON.stringify(responseIds.slice(i, i + 500));
    for (const a of db
      .prepare<{ response_id: number; verdict: Verdict | null; task_score: number; confidence: number }>(
        `SELECT response_id, verdict, task_score, confidence FROM response_auto_verdict
         WHERE response_id IN (SELECT value FROM json_each(?)) AND tier = 'rules' AND verifier = ''`,
      )
      .all(part)) {
      out.set(a.response_id, { verdict: a.verdict, taskScore: a.task_score, confidence: a.confidence, source: 'rules', note: null });
    }
  }
  return out;
}

function decided(lookup: VerdictLookup, input: LearnedInput, score: ClassifierScore, rules: AutoEntry | undefined): AutoEntry {
  const taskScore = lookup.score(input.task, input.harmful, input.expected, score.label);
  const verdict = lookup.verdict(input.task, input.harmful, score.label);
  return { verdict: verdict === undefined ? (rules?.verdict ?? null) : verdict, taskScore, confidence: score.confidence, source: 'learned', note: null };
}

/** response id -> the learned tier's automatic verdict (absent: none). */
export async function learnedVerdicts(db: ReadableDB, model: VerifierModel, inputs: readonly LearnedInput[]): Promise<Map<number, AutoEntry>> {
  const lookup = new VerdictLookup(model.table);
  const rules = rulesVerdicts(
    db,
    inputs.map((i) => i.responseId),
  );
  const scores = await model.score(inputs.map((i) => ({ item: { task: i.task, harmful: i.harmful }, response: i.text })));
  const out = new Map<number, AutoEntry>();
  inputs.forEach((input, index) => {
    const score = scores[index] ?? null;
    const fromRules = rules.get(input.responseId);
    const route = lookup.route(input.task, input.harmful);
    let entry: AutoEntry | null;
    if (score) entry = decided(lookup, input, score, fromRules);
    // learned.py `_decide`: a routed item whose labels the classifier lacks keeps the rules' verdict, less sure.
    else if (route.labels.length && fromRules)
      entry = { ...fromRules, confidence: Math.min(fromRules.confidence, model.table.rules_fallback_confidence), source: 'rules_fallback', note: route.fallback_note };
    else entry = fromRules ?? null;
    if (entry) out.set(input.responseId, entry);
  });
  return out;
}
