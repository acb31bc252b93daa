/**
 * The runs, kept live from `run.status` and `run.progress` events, with the metric series the
 * lists show (best reward, metrics at a checkpoint's step); and the run form's calls: preview,
 * start, the project's evaluation sets and verifiers. The one run open in the run view is the
 * `runDetail` store's.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MetricPoint, RunPreview, RunSummary } from '../../../preload/contract/training';
import type { StudioEvent } from '../../../preload/contract/events';
import { isActive, MAX_POINTS, mergePoints } from '../components/training/runLogic';
import { useStudio } from '../composables/useStudio';

export const useTrainingRuns = defineStore('trainingRuns', () => {
  const client = useStudio();

  const runs = ref<RunSummary[]>([]);
  const runsLoaded = ref(false);
  /** Metric series of runs shown in lists (best reward, metrics at a checkpoint's step), fetched once a run has ended. */
  const runMetrics = ref<Record<number, MetricPoint[]>>({});
  const runMetricsEnded = new Set<number>();

  function upsertRun(run: RunSummary): void {
    const at = runs.value.findIndex((r) => r.id === run.id);
    if (at < 0) runs.value = [run, ...runs.value].sort((a, b) => b.id - a.id);
    else runs.value = runs.value.map((r) => (r.id === run.id ? run : r));
  }

  function patchRun(runId: number, patch: Partial<RunSummary>): void {
    runs.value = runs.value.map((r) => (r.id === runId ? { ...r, ...patch } : r));
  }

  client.onEvent((event: StudioEvent) => {
    if (event.type === 'run.status') upsertRun(event.run);
    else if (event.type === 'run.progress') patchRun(event.runId, { stage: event.stage, step: event.step, totalSteps: event.totalSteps, etaSeconds: event.etaSeconds });
  });

  async function loadRuns(projectId: number): Promise<void> {
    const list = await client.api.listRuns({ projectId });
    // Runs of other projects (the run view can open any) stay known.
    runs.value = [...list, ...runs.value.filter((r) => r.projectId !== projectId)].sort((a, b) => b.id - a.id);
    runsLoaded.value = true;
  }

  /** Fetches a run's metric series for the lists; an ended run's is fetched once, an active run's again on each call. */
  async function ensureRunMetrics(runId: number): Promise<void> {
    if (runMetricsEnded.has(runId)) return;
    const got = await client.api.getRun({ runId, sinceStep: 0, samples: 0 });
    runMetrics.value = { ...runMetrics.value, [runId]: mergePoints([], got.metrics, MAX_POINTS) };
    if (!isActive(got.run.status)) runMetricsEnded.add(runId);
  }

  /** Keeps the whole series of a run that ended (the run view held it), so the lists need not fetch it. */
  function keepEndedMetrics(runId: number, points: MetricPoint[]): void {
    runMetrics.value = { ...runMetrics.value, [runId]: points };
    runMetricsEnded.add(runId);
  }

  function previewRunFor(input: Parameters<typeof client.api.previewRun>[0]): Promise<RunPreview> {
    return client.api.previewRun(input);
  }

  /** The project's frozen evaluation sets, for the run form's probe picker. */
  function evalSetsFor(projectId: number): ReturnType<typeof client.api.listEvalSets> {
    return client.api.listEvalSets({ projectId });
  }

  /** The project's learned verifiers, for the run form's reward verifier picker. */
  function verifiersFor(projectId: number): ReturnType<typeof client.api.listVerifiers> {
    return client.api.listVerifiers({ projectId });
  }

  async function startRun(input: Parameters<typeof client.api.startRun>[0]): Promise<RunSummary> {
    const run = await client.api.startRun(input);
    upsertRun(run);
    return run;
  }

  return { runs, runsLoaded, runMetrics, upsertRun, patchRun, ensureRunMetrics, keepEndedMetrics, loadRuns, previewRunFor, evalSetsFor, verifiersFor, startRun };
});
