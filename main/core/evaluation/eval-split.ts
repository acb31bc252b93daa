/**
 * The "make an evaluation split" action: plan (what would move) and apply (move exactly that, in
 * one transaction). Candidates are the project's train items no run has trained on; each gets its
 * harmful / benign status from truth.ts for the stratification.
 */
import type { WritableDB } from '../../../db/handles.js';
import type { EvalSplitInput, EvalSplitPlan } from '../../../preload/contract/evaluation.js';
import { projectResolver } from '../adjudication/resolve.js';
import { currentLabels, readProjectItems } from '../export/read-project.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { chooseEvalItems, type SplitCandidate } from './split-plan.js';
import { trainedExternalIds } from './trained-items.js';
import { itemTruth } from './truth.js';

const PREVIEW_IDS = 1000;

export async function planEvalSplit(ctx: CoreContext, input: EvalSplitInput): Promise<EvalSplitPlan & { allIds: number[] }> {
  requireProjectRow(ctx.db.read, input.projectId);
  const trained = trainedExternalIds(ctx.db.read, input.projectId);
  const candidates: SplitCandidate[] = [];
  let trainedOn = 0;
  let alreadyHeldOut = 0;
  const resolver = projectResolver(ctx.db.read, input.projectId);
  for await (const page of readProjectItems(ctx.db.read, input.projectId)) {
    for (const { item, history } of page) {
      if (item.split !== 'train') {
        alreadyHeldOut += 1;
        continue;
      }
      if (trained.has(item.externalId)) {
        trainedOn += 1;
        continue;
      }
      const truth = itemTruth(item, resolver.resolve(item.id, currentLabels(history)).agg);
      candidates.push({ itemId: item.id, task: item.task, harmful: truth.harmful, category: truth.category });
    }
  }
  const choice = chooseEvalItems(candidates, input.fraction, input.seed);
  return {
    split: input.split,
    seed: input.seed,
    fraction: input.fraction,
    taken: choice.itemIds.length,
    trainedOn,
    alreadyHeldOut,
    strata: choice.strata,
    itemIds: choice.itemIds.slice(0, PREVIEW_IDS),
    allIds: choice.itemIds,
  };
}

function moveItems(db: WritableDB, projectId: number, ids: readonly number[], split: string): void {
  const update = db.prepare("UPDATE item SET split = ? WHERE id = ? AND project_id = ? AND split = 'train'");
  for (const id of ids) update.run(split, id, projectId);
}

export async function applyEvalSplit(ctx: CoreContext, input: EvalSplitInput): Promise<EvalSplitPlan> {
  const { allIds, ...plan } = await planEvalSplit(ctx, input);
  ctx.db.write.transaction(() => moveItems(ctx.db.write, input.projectId, allIds, input.split));
  ctx.log.info('evaluation split made', { projectId: input.projectId, split: input.split, moved: allIds.length, seed: input.seed });
  ctx.events.emit({ type: 'project.changed', projectId: input.projectId });
  return plan;
}
