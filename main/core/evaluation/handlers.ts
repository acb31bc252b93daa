/** The evaluation-set methods of StudioApi (preload/contract/evaluation.ts). */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { arena } from './arena.js';
import { pickCheckpoints } from './checkpoints.js';
import { compareModels } from './compare.js';
import { compareReport } from './report-handler.js';
import type { EvaluationJobs } from './eval-jobs.js';
import { applyEvalSplit, planEvalSplit } from './eval-split.js';
import type { ScoreJobs } from './score-jobs.js';
import type { VerifierModels } from '../verifiers/models.js';
import { freezeEvalSet, listEvalSets } from './sets.js';
import { getSideBySide } from './side-by-side.js';

type EvaluationHandlers = Pick<
  StudioHandlers,
  | 'planEvalSplit'
  | 'applyEvalSplit'
  | 'freezeEvalSet'
  | 'listEvalSets'
  | 'scoreResponses'
  | 'getScoreJob'
  | 'compareModels'
  | 'compareReport'
  | 'getSideBySide'
  | 'getArena'
  | 'pickCheckpoints'
  | 'startEvaluation'
  | 'listEvaluations'
  | 'getEvaluation'
  | 'cancelEvaluation'
  | 'resumeEvaluation'
>;

export function evaluationHandlers(ctx: CoreContext, scoring: ScoreJobs, evaluations: EvaluationJobs, models?: VerifierModels): EvaluationHandlers {
  return {
    planEvalSplit: async (input) => {
      const { allIds: _all, ...plan } = await planEvalSplit(ctx, input);
      return plan;
    },
    applyEvalSplit: (input) => applyEvalSplit(ctx, input),
    freezeEvalSet: ({ projectId, name }) => freezeEvalSet(ctx, projectId, name),
    listEvalSets: ({ projectId }) => listEvalSets(ctx, projectId),
    scoreResponses: (input) => scoring.start(input),
    getScoreJob: ({ jobId }) => scoring.get(jobId),
    compareModels: (input) => compareModels(ctx, input, models),
    compareReport: (input) => compareReport(ctx, input, models),
    getArena: (input) => {
      requireProjectRow(ctx.db.read, input.projectId);
      return arena(ctx.db.read, input);
    },
    pickCheckpoints: (input) => {
      requireProjectRow(ctx.db.read, input.projectId);
      return pickCheckpoints(ctx.db.read, input);
    },
    getSideBySide: (input) => getSideBySide(ctx, input),
    startEvaluation: (input) => evaluations.start(input),
    listEvaluations: ({ projectId }) => evaluations.list(projectId),
    getEvaluation: ({ evaluationId }) => evaluations.get(evaluationId),
    cancelEvaluation: ({ evaluationId }) => evaluations.cancel(evaluationId),
    resumeEvaluation: ({ evaluationId }) => evaluations.resume(evaluationId),
  };
}
