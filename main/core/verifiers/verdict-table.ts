/**
 * The learned tier's decision table as the app reads it: which labels the classifier may give an
 * item, which response verdict a label is, the R_task score of each label, and the rules fallback.
 * The worker computes it with its own functions (native-models/cosmo_rl/verifiers/verdict_table.py:
 * labels_for, score_label, label_outcome, learned.py's fallback) and writes it into every ONNX
 * export's metadata (`cosmo_verdict_table`), so the app looks values up and holds no copy of the
 * rules. A model without the table is refused (`loadModel`), never scored by a guess.
 */
import { z } from 'zod';
import { ExpectedBehaviour } from '../../../preload/contract/domain.js';
import { Verdict } from '../../../preload/contract/responses.js';

export const VERDICT_TABLE_KEY = 'cosmo_verdict_table';

const Route = z.object({
  task: z.string().min(1),
  harmful: z.boolean().nullable(),
  labels: z.array(z.string().min(1)),
  /** label -> the response's verdict; null: the verdict is the rules' outcome (value items). */
  verdicts: z.record(z.string(), Verdict.nullable()).nullable(),
  fallback_note: z.string().nullable(),
  scores: z.array(z.object({ expected: ExpectedBehaviour.nullable(), scores: z.record(z.string(), z.number()) })),
});
export type VerdictRoute = z.infer<typeof Route>;

export const VerdictTableSchema = z.object({
  format: z.literal('cosmo-verdict-table'),
  version: z.literal(1),
  rules_fallback_confidence: z.number().min(0).max(1),
  routes: z.array(Route).min(1),
});
export type VerdictTable = z.infer<typeof VerdictTableSchema>;

function routeKey(task: string, harmful: boolean | null): string {
  return `${task}\u0000${String(harmful)}`;
}

/** Parses the metadata's JSON; `where` (the file) names the problem. */
export function parseVerdictTable(raw: string, where: string): VerdictTable {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${where}: '${VERDICT_TABLE_KEY}' metadata is not JSON`);
  }
  const parsed = VerdictTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where}: '${VERDICT_TABLE_KEY}' is not a cosmo-verdict-table v1 (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
  }
  for (const route of parsed.data.routes) {
    for (const entry of route.scores) {
      const missing = route.labels.find((label) => entry.scores[label] === undefined);
      if (missing) throw new Error(`${where}: '${VERDICT_TABLE_KEY}' gives ${route.task} (harmful ${String(route.harmful)}, expected ${String(entry.expected)}) no score for '${missing}'`);
    }
  }
  return parsed.data;
}

/** Lookups over one table; every miss is an error naming what the table lacks. */
export class VerdictLookup {
  private readonly routes = new Map<string, VerdictRoute>();

  constructor(readonly table: VerdictTable) {
    for (const route of table.routes) this.routes.set(routeKey(route.task, route.harmful), route);
  }

  /** The item's route; a task the table does not list is an error (the worker lists every task it knows). */
  route(task: string, harmful: boolean | null): VerdictRoute {
    const route = this.routes.get(routeKey(task, harmful));
    if (!route) throw new Error(`the verifier's verdict table has no entry for task '${task}' (harmful ${String(harmful)}): re-export it with this version of the worker`);
    return route;
  }

  /** The labels the classifier may give the item (base.py labels_for); empty: the rules decide. */
  labels(task: string, harmful: boolean | null): readonly string[] {
    return this.route(task, harmful).labels;
  }

  /** R_task of `label` on this item (base.py score_label). */
  score(task: string, harmful: boolean | null, expected: string | null, label: string): number {
    const route = this.route(task, harmful);
    const entry = route.scores.find((s) => s.expected === expected);
    const score = entry?.scores[label];
    if (score === undefined) throw new Error(`the verifier's verdict table has no score for '${label}' on task '${task}' (harmful ${String(harmful)}, expected ${String(expected)})`);
    return score;
  }

  /** The response verdict `label` gives; undefined: the verdict is the rules' outcome, not the label. */
  verdict(task: string, harmful: boolean | null, label: string): Verdict | null | undefined {
    const verdicts = this.route(task, harmful).verdicts;
    return verdicts === null ? undefined : (verdicts[label] ?? null);
  }
}
