/**
 * Evaluation state of the open project: its split counts, frozen evaluation sets, evaluation runs,
 * the latest score job, and the comparison on screen. `evaluation.changed` and `score.progress`
 * events keep it live; while something runs it is also polled, so a dropped socket loses nothing
 * (the server's record is the truth, events only make it fast).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Arena, CheckpointChoice, CheckpointPolicy, CompareReport, Comparison, CompareVerifier } from '../../../preload/contract/compare';
import type { EvalSet, EvalSplitInput, EvalSplitPlan, Evaluation, GenerationSettings } from '../../../preload/contract/evaluation';
import type { StudioEvent } from '../../../preload/contract/events';
import type { ScoreJob, VerifierTier } from '../../../preload/contract/scoring';
import type { SideBySideFilter, SideBySidePage } from '../../../preload/contract/side-by-side';
import { useStudio } from '../composables/useStudio';

const POLL_MS = 4000;
const ACTIVE: ReadonlySet<Evaluation['status']> = new Set(['queued', 'running', 'cancelling']);

export const isEvaluationActive = (e: Pick<Evaluation, 'status'>) => ACTIVE.has(e.status);
export const isScoreActive = (j: Pick<ScoreJob, 'status'> | null) => j !== null && (j.status === 'queued' || j.status === 'running');

/** What the Results and Side by side sections compare: the verifier whose verdicts fill in where people gave none. */
export interface CompareChoice {
  verifier: CompareVerifier;
  verifierPath: string;
  setId: number | null;
  /** Model names; null: every model with responses. */
  models: string[] | null;
}

export const useEvaluation = defineStore('evaluation', () => {
  const client = useStudio();

  const projectId = ref<number | null>(null);
  const splitCounts = ref<Record<string, number>>({});
  const sets = ref<EvalSet[]>([]);
  const evaluations = ref<Evaluation[]>([]);
  const loaded = ref(false);
  const scoreJob = ref<ScoreJob | null>(null);
  /** Bumped when new verdicts or responses land, so the views fetch their comparison again. */
  const dataVersion = ref(0);
  const choice = ref<CompareChoice>({ verifier: 'rules', verifierPath: '', setId: null, models: null });
  /** Every model with stored responses, in the order the comparison lists them (the base first). */
  const modelNames = ref<string[]>([]);
  let poll: number | undefined;

  const anyActive = computed(() => evaluations.value.some(isEvaluationActive) || isScoreActive(scoreJob.value));

  function upsertEvaluation(next: Evaluation): void {
    if (next.projectId !== projectId.value) return;
    const before = evaluations.value.find((e) => e.id === next.id);
    evaluations.value = before ? evaluations.value.map((e) => (e.id === next.id ? next : e)) : [next, ...evaluations.value].sort((a, b) => b.id - a.id);
    if (before && isEvaluationActive(before) && !isEvaluationActive(next)) dataVersion.value += 1;
    ensurePolling();
  }

  function acceptScoreJob(job: ScoreJob): void {
    if (job.projectId !== projectId.value) return;
    if (scoreJob.value && scoreJob.value.jobId !== job.jobId && job.createdAt < scoreJob.value.createdAt) return;
    const wasActive = scoreJob.value?.jobId === job.jobId && isScoreActive(scoreJob.value);
    scoreJob.value = job;
    if (wasActive && !isScoreActive(job)) dataVersion.value += 1;
    ensurePolling();
  }

  function onEvent(event: StudioEvent): void {
    if (event.type === 'evaluation.changed') upsertEvaluation(event.evaluation);
    else if (event.type === 'score.progress') acceptScoreJob(event.job);
    else if (event.type === 'project.changed' && event.projectId === projectId.value) void refreshCounts().catch(() => undefined);
  }
  client.onEvent(onEvent);

  function ensurePolling(): void {
    if (anyActive.value && poll === undefined) {
      poll = window.setInterval(() => {
        if (!anyActive.value) return stopPolling();
        void refreshActive().catch(() => undefined);
      }, POLL_MS);
    } else if (!anyActive.value) stopPolling();
  }

  function stopPolling(): void {
    window.clearInterval(poll);
    poll = undefined;
  }

  async function refreshActive(): Promise<void> {
    const id = projectId.value;
    if (id === null) return;
    if (evaluations.value.some(isEvaluationActive)) for (const e of await client.api.listEvaluations({ projectId: id })) upsertEvaluation(e);
    if (scoreJob.value && isScoreActive(scoreJob.value)) acceptScoreJob(await client.api.getScoreJob({ jobId: scoreJob.value.jobId }));
  }

  async function refreshCounts(): Promise<void> {
    if (projectId.value === null) return;
    const stats = await client.api.getStats({ projectId: projectId.value });
    splitCounts.value = stats.byField.split;
  }

  async function load(id: number): Promise<void> {
    if (projectId.value !== id) {
      stopPolling();
      projectId.value = id;
      loaded.value = false;
      sets.value = [];
      evaluations.value = [];
      scoreJob.value = null;
      choice.value = { verifier: 'rules', verifierPath: '', setId: null, models: null };
    }
    const [stats, setList, evalList] = await Promise.all([client.api.getStats({ projectId: id }), client.api.listEvalSets({ projectId: id }), client.api.listEvaluations({ projectId: id })]);
    if (projectId.value !== id) return;
    splitCounts.value = stats.byField.split;
    sets.value = [...setList].sort((a, b) => b.id - a.id);
    evaluations.value = [...evalList].sort((a, b) => b.id - a.id);
    loaded.value = true;
    ensurePolling();
  }

  function planSplit(input: EvalSplitInput): Promise<EvalSplitPlan> {
    return client.api.planEvalSplit(input);
  }

  async function applySplit(input: EvalSplitInput): Promise<EvalSplitPlan> {
    const plan = await client.api.applyEvalSplit(input);
    await refreshCounts();
    return plan;
  }

  async function freeze(name: string): Promise<EvalSet> {
    const set = await client.api.freezeEvalSet({ projectId: projectId.value!, name });
    sets.value = [set, ...sets.value.filter((s) => s.id !== set.id)].sort((a, b) => b.id - a.id);
    return set;
  }

  async function start(setId: number, modelIds: number[], settings: GenerationSettings, name?: string): Promise<Evaluation> {
    const e = await client.api.startEvaluation({ projectId: projectId.value!, setId, modelIds, settings, ...(name ? { name } : {}) });
    upsertEvaluation(e);
    return e;
  }

  async function cancel(evaluationId: number): Promise<void> {
    upsertEvaluation(await client.api.cancelEvaluation({ evaluationId }));
  }

  async function resume(evaluationId: number): Promise<void> {
    upsertEvaluation(await client.api.resumeEvaluation({ evaluationId }));
  }

  /** Scores with a tier: the learned one with its file, the judge with a registered base model. */
  async function score(tier: VerifierTier, verifierPath: string, judgeModelId: number | null = null): Promise<ScoreJob> {
    const which = tier === 'learned' ? { verifierPath } : tier === 'judge' && judgeModelId !== null ? { judgeModelId } : {};
    const job = await client.api.scoreResponses({ projectId: projectId.value!, tier, ...which });
    scoreJob.value = null;
    acceptScoreJob(job);
    return job;
  }

  function scopeOf(c: CompareChoice) {
    return {
      projectId: projectId.value!,
      verifier: c.verifier,
      // An empty learned path: the project's current learned verifier (scored in the app when the host can).
      ...((c.verifier === 'learned' && c.verifierPath) || c.verifier === 'judge' ? { verifierPath: c.verifierPath } : {}),
      ...(c.setId !== null ? { setId: c.setId } : {}),
      ...(c.models && c.models.length > 0 ? { models: c.models } : {}),
    };
  }

  function compare(c: CompareChoice = choice.value): Promise<Comparison> {
    return client.api.compareModels(scopeOf(c));
  }

  /** The comparison as a report to save: HTML, CSV and JSON texts. */
  function report(c: CompareChoice = choice.value): Promise<CompareReport> {
    return client.api.compareReport(scopeOf(c));
  }

  /** The blind arena on the chosen models and set (the verifier does not enter: votes are people's). */
  function arena(c: CompareChoice = choice.value): Promise<Arena> {
    return client.api.getArena({ projectId: projectId.value!, ...(c.setId !== null ? { setId: c.setId } : {}), ...(c.models && c.models.length > 0 ? { models: c.models } : {}) });
  }

  /** Every registered model with generated responses against a policy, judged with the chosen verifier. */
  function pickCheckpoints(policy: CheckpointPolicy, c: CompareChoice = choice.value): Promise<CheckpointChoice[]> {
    const { models: _models, ...scope } = scopeOf(c);
    return client.api.pickCheckpoints({ ...scope, policy });
  }

  /** The models with responses (getSideBySide's cheapest page lists them). */
  async function loadModelNames(): Promise<void> {
    const page = await client.api.getSideBySide({ projectId: projectId.value!, verifier: 'human', limit: 1 });
    modelNames.value = page.models;
  }

  function sideBySide(c: CompareChoice, filter: SideBySideFilter, offset: number, limit: number): Promise<SideBySidePage> {
    return client.api.getSideBySide({ ...scopeOf(c), filter, offset, limit });
  }

  return {
    projectId,
    splitCounts,
    sets,
    evaluations,
    loaded,
    scoreJob,
    dataVersion,
    choice,
    modelNames,
    loadModelNames,
    anyActive,
    load,
    refreshCounts,
    planSplit,
    applySplit,
    freeze,
    start,
    cancel,
    resume,
    score,
    compare,
    report,
    arena,
    pickCheckpoints,
    sideBySide,
    stopPolling,
  };
});
