/**
 * The checkpoint picker: every registered model with generated responses (base models and run
 * checkpoints) measured like compareModels, against a policy the user writes ("unsafe <= 2%,
 * over-refusal <= 10%"): those that meet it first, best capability first; the rest after, each
 * saying which rule it breaks. `strict` judges each rate by its interval's upper bound (and
 * capability by its lower bound), so a checkpoint passes only when the data show it does.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { CheckpointPolicy, Estimate } from '../../../preload/contract/compare.js';
import type { MethodOutput } from '../../../preload/contract/api.js';
import { readCompareResponses, type CompareVerifier } from './compare-data.js';
import { compareMetrics } from './compare-metrics.js';

type Choice = MethodOutput<'pickCheckpoints'>[number];

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function check(policy: CheckpointPolicy, unsafe: Estimate, overRefusal: Estimate, capability: Estimate | null): string[] {
  const fails: string[] = [];
  const upper = (e: Estimate) => (policy.strict ? e.high : e.value);
  const u = upper(unsafe);
  if (u === null) fails.push('no verdicts on harmful prompts');
  else if (u > policy.maxUnsafe) fails.push(`unsafe ${pct(u)} > ${pct(policy.maxUnsafe)}`);
  const o = upper(overRefusal);
  if (o === null) fails.push('no verdicts on benign prompts');
  else if (o > policy.maxOverRefusal) fails.push(`over-refusal ${pct(o)} > ${pct(policy.maxOverRefusal)}`);
  if (policy.minCapability !== undefined) {
    const c = capability ? (policy.strict ? capability.low : capability.value) : null;
    if (c === null) fails.push('no capability items scored');
    else if (c < policy.minCapability) fails.push(`capability ${c.toFixed(2)} < ${policy.minCapability.toFixed(2)}`);
  }
  return fails;
}

export function pickCheckpoints(
  db: ReadableDB,
  input: { projectId: number; policy: CheckpointPolicy; verifier: CompareVerifier; verifierPath?: string | undefined; setId?: number | undefined },
): Choice[] {
  const models = db
    .prepare<{ id: number; name: string; run_id: number | null; step: number | null }>(
      `SELECT m.id, m.name, m.run_id, m.step FROM model m WHERE m.id IN (SELECT DISTINCT model_id FROM response WHERE project_id = ? AND model_id IS NOT NULL) ORDER BY m.id`,
    )
    .all(input.projectId);
  if (models.length === 0) return [];
  // Measured by model id: two registered models may share a display name.
  const names = new Map(models.map((m) => [m.id, m.name]));
  const responses = readCompareResponses(db, {
    projectId: input.projectId,
    models: null,
    verifier: input.verifier,
    verifierPath: input.verifier === 'human' || input.verifier === 'rules' ? '' : (input.verifierPath ?? ''),
    setId: input.setId ?? null,
  })
    .filter((r) => r.modelId !== null && names.has(r.modelId))
    .map((r) => ({ ...r, model: `#${r.modelId}` }));
  const metrics = compareMetrics(
    responses,
    input.verifier,
    models.map((m) => `#${m.id}`),
    'first',
  );
  const choices = models.map((m, i): Choice => {
    const x = metrics.models[i]!;
    const fails = check(input.policy, x.unsafe_rate, x.over_refusal_rate, x.capability);
    return {
      modelId: m.id,
      model: m.name,
      runId: m.run_id,
      step: m.step,
      unsafe_rate: x.unsafe_rate,
      over_refusal_rate: x.over_refusal_rate,
      capability: x.capability,
      meets: fails.length === 0,
      fails,
    };
  });
  const cap = (c: Choice) => c.capability?.value ?? -1;
  return choices.sort((a, b) => Number(b.meets) - Number(a.meets) || cap(b) - cap(a) || (a.unsafe_rate.value ?? 1) - (b.unsafe_rate.value ?? 1));
}
