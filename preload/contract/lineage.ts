/**
 * A run's lineage when its reward used a learned verifier trained from the project's own labels:
 * labels snapshot -> verifier (accuracy / kappa against people) -> reward -> checkpoints ->
 * evaluations. `startRun` with `verifierId` makes such a run; `getRunLineage` reads the chain
 * (recorded when the run was created, so later labels or verifiers never rewrite it).
 */
import { z } from 'zod';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const RunLineage = z.object({
  runId: z.number().int(),
  /** The labels snapshot the verifier was trained on (null: the reward used no learned verifier of this project). */
  labelsSnapshot: z.string().nullable(),
  verifier: z.object({ id: z.number().int(), name: z.string(), accuracy: z.number(), kappa: z.number().nullable(), heldOut: z.number().int() }).nullable(),
  reward: z.object({ tier: z.enum(['rules', 'learned', 'judge']), path: z.string().nullable() }),
  checkpoints: z.array(z.object({ modelId: z.number().int(), step: z.number().int(), name: z.string() })),
  evaluations: z.array(z.object({ id: z.number().int(), name: z.string(), status: z.string(), modelIds: z.array(z.number().int()) })),
});
export type RunLineage = z.infer<typeof RunLineage>;

export const lineageMethods = {
  getRunLineage: method(z.object({ runId: Id }), RunLineage),
} as const;
