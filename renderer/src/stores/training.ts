/**
 * Training state: the system (Python, GPUs, environment setup), base models and checkpoints,
 * the runs, and the one run open in the run view, kept live from `run.*`, `env.progress` and
 * `model.changed` events. While a run is active the open run is also polled from its last step,
 * so a dropped socket loses nothing (the server's getRun is the record; events only make it fast).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { EnvSetupState, HubModelPreview, MetricPoint, ModelInfo, RunDetail, RunPreview, RunSample, RunSummary, SystemInfo } from '../../../preload/contract/training';
import type { StudioEvent } from '../../../preload/contract/events';
import { isActive, MAX_POINTS, mergePoint, mergePoints } from '../components/training/runLogic';
import { useStudio } from '../composables/useStudio';

const POLL_MS = 4000;
const SAMPLES_KEPT = 6;
const SETUP_LOG_LINES = 400;

export const useTraining = defineStore('training', () => {
  const client = useStudio();

  const system = ref<SystemInfo | null>(null);
  const setup = ref<EnvSetupState | null>(null);
  /** Readable lines of the environment setup, one per distinct message (the full pip log is at setup.logPath). */
  const setupLog = ref<string[]>([]);
  const models = ref<ModelInfo[]>([]);
  const modelsLoaded = ref(false);
  const runs = ref<RunSummary[]>([]);
  const runsLoaded = ref(false);

  /** Metric series of runs shown in lists (best reward, metrics at a checkpoint's step), fetched once a run has ended. */
  const runMetrics = ref<Record<number, MetricPoint[]>>({});
  const runMetricsEnded = new Set<number>();
  const detail = ref<RunDetail | null>(null);
  const metrics = ref<MetricPoint[]>([]);
  const samples = ref<RunSample[]>([]);
  let poll: number | undefined;

  const baseModels = computed(() => models.value.filter((m) => m.kind === 'base'));
  const checkpoints = computed(() => models.value.filter((m) => m.kind === 'checkpoint'));
  const modelById = computed(() => new Map(models.value.map((m) => [m.id, m])));

  // ------------------------------------------------------------------ events

  function upsertModel(model: ModelInfo): void {
    const at = models.value.findIndex((m) => m.id === model.id);
    if (at < 0) models.value = [...models.value, model];
    else models.value = models.value.map((m) => (m.id === model.id ? model : m));
  }

  function removeModel(modelId: number): void {
    models.value = models.value.filter((m) => m.id !== modelId);
  }

  function upsertRun(run: RunSummary): void {
    const at = runs.value.findIndex((r) => r.id === run.id);
    if (at < 0) runs.value = [run, ...runs.value].sort((a, b) => b.id - a.id);
    else runs.value = runs.value.map((r) => (r.id === run.id ? run : r));
  }

  function patchRun(runId: number, patch: Partial<RunSummary>): void {
    runs.value = runs.value.map((r) => (r.id === runId ? { ...r, ...patch } : r));
    if (detail.value?.run.id === runId) detail.value = { ...detail.value, run: { ...detail.value.run, ...patch } };
  }

  function acceptSetup(state: EnvSetupState): void {
    const sameJob = setup.value?.jobId === state.jobId;
    const ended = sameJob && setup.value?.status === 'running' && state.status !== 'running';
    setup.value = state;
    if (!sameJob) setupLog.value = [];
    const last = setupLog.value[setupLog.value.length - 1];
    if (state.message && state.message !== last) setupLog.value = [...setupLog.value, state.message].slice(-SETUP_LOG_LINES);
    if (state.error && state.error !== state.message && !setupLog.value.includes(state.error)) setupLog.value = [...setupLog.value, state.error];
    // The environment changed when a setup this session watched ends: the system panel reads it again (once).
    if (ended) void refreshSystem().catch(() => undefined);
  }

  function onEvent(event: StudioEvent): void {
    switch (event.type) {
      case 'env.progress':
        acceptSetup(event.setup);
        break;
      case 'model.changed':
        upsertModel(event.model);
        break;
      case 'model.deleted':
        removeModel(event.modelId);
        break;
      case 'run.status': {
        const wasActive = detail.value?.run.id === event.run.id && isActive(detail.value.run.status);
        upsertRun(event.run);
        if (detail.value?.run.id === event.run.id) {
          detail.value = { ...detail.value, run: event.run };
          // Ended: fetch what only the record has (checkpoints, log tail, last events).
          if (wasActive && !isActive(event.run.status)) void refreshDetail().catch(() => undefined);
        }
        break;
      }
      case 'run.progress':
        patchRun(event.runId, { stage: event.stage, step: event.step, totalSteps: event.totalSteps, etaSeconds: event.etaSeconds });
        break;
      case 'run.metrics':
        if (detail.value?.run.id === event.runId) metrics.value = mergePoint(metrics.value, event.point);
        break;
      case 'run.sample':
        if (detail.value?.run.id === event.runId) samples.value = [...samples.value, event.sample].slice(-SAMPLES_KEPT);
        break;
      case 'run.probe':
        // One point per step: a resumed run that probes a step again replaces it (as the core does).
        if (detail.value?.run.id === event.runId) {
          const rest = detail.value.probes.filter((p) => p.step !== event.point.step);
          detail.value = { ...detail.value, probes: [...rest, event.point].sort((a, b) => a.step - b.step) };
        }
        break;
      default:
        break;
    }
  }
  client.onEvent(onEvent);

  // ------------------------------------------------------------------ system and models

  async function refreshSystem(): Promise<void> {
    const info = await client.api.getSystemInfo({});
    system.value = info;
    if (info.setup && (!setup.value || setup.value.jobId === info.setup.jobId || info.setup.startedAt > setup.value.startedAt)) acceptSetup(info.setup);
  }

  async function setupEnv(variant: 'auto' | 'cpu' | 'cuda'): Promise<void> {
    acceptSetup(await client.api.setupPythonEnv({ variant }));
  }

  async function loadModels(): Promise<void> {
    models.value = await client.api.listModels({});
    modelsLoaded.value = true;
  }

  async function buildTiny(): Promise<ModelInfo> {
    const model = await client.api.buildTinyModel({});
    upsertModel(model);
    return model;
  }

  async function addLocal(path: string, name: string, trustRemoteCode: boolean): Promise<ModelInfo> {
    const model = await client.api.addBaseModel({ source: 'local', path, trustRemoteCode, ...(name.trim() ? { name: name.trim() } : {}) });
    upsertModel(model);
    return model;
  }

  async function addHub(hubId: string, revision: string, trustRemoteCode: boolean): Promise<ModelInfo> {
    const model = await client.api.addBaseModel({ source: 'hub', hubId, trustRemoteCode, ...(revision.trim() ? { revision: revision.trim() } : {}) });
    upsertModel(model);
    return model;
  }

  function inspectHub(hubId: string, revision: string): Promise<HubModelPreview> {
    return client.api.inspectHubModel({ hubId, ...(revision ? { revision } : {}) });
  }

  // ------------------------------------------------------------------ runs

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

  function stopPolling(): void {
    window.clearInterval(poll);
    poll = undefined;
  }

  /** Opens a run in the run view: everything it recorded, then live events and a slow poll. */
  async function openRun(runId: number): Promise<void> {
    stopPolling();
    if (detail.value?.run.id !== runId) {
      detail.value = null;
      metrics.value = [];
      samples.value = [];
    }
    const got = await client.api.getRun({ runId, sinceStep: 0, samples: SAMPLES_KEPT });
    detail.value = { ...got, metrics: [] };
    metrics.value = mergePoints([], got.metrics, MAX_POINTS);
    samples.value = got.samples;
    upsertRun(got.run);
    poll = window.setInterval(() => {
      if (detail.value && isActive(detail.value.run.status)) void refreshDetail().catch(() => undefined);
    }, POLL_MS);
  }

  /** Catches up from the last step held: new metric rows, the latest samples, status and log. */
  async function refreshDetail(): Promise<void> {
    const open = detail.value;
    if (!open) return;
    const last = metrics.value[metrics.value.length - 1]?.step ?? -1;
    const got = await client.api.getRun({ runId: open.run.id, sinceStep: last + 1, samples: SAMPLES_KEPT });
    if (detail.value?.run.id !== open.run.id) return;
    detail.value = { ...got, metrics: [] };
    metrics.value = mergePoints(metrics.value, got.metrics, MAX_POINTS);
    if (got.samples.length > 0) samples.value = got.samples;
    upsertRun(got.run);
    if (!isActive(got.run.status)) {
      runMetrics.value = { ...runMetrics.value, [got.run.id]: metrics.value };
      runMetricsEnded.add(got.run.id);
      void loadModels().catch(() => undefined);
    }
  }

  function closeRun(): void {
    stopPolling();
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

  async function cancelRun(runId: number): Promise<void> {
    const run = await client.api.cancelRun({ runId });
    upsertRun(run);
    patchRun(runId, run);
  }

  async function resumeRun(runId: number): Promise<void> {
    const run = await client.api.resumeRun({ runId });
    upsertRun(run);
    patchRun(runId, run);
    if (detail.value?.run.id === runId) await openRun(runId);
  }

  return {
    system,
    setup,
    setupLog,
    models,
    modelsLoaded,
    baseModels,
    checkpoints,
    modelById,
    upsertModel,
    removeModel,
    runs,
    runsLoaded,
    runMetrics,
    ensureRunMetrics,
    detail,
    metrics,
    samples,
    refreshSystem,
    setupEnv,
    loadModels,
    buildTiny,
    addLocal,
    addHub,
    inspectHub,
    loadRuns,
    openRun,
    refreshDetail,
    closeRun,
    previewRunFor,
    evalSetsFor,
    verifiersFor,
    startRun,
    cancelRun,
    resumeRun,
  };
});
