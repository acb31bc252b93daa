/**
 * The one run open in the run view: everything it recorded, kept live from `run.*` events. While
 * the run is active it is also polled from its last step, so a dropped socket loses nothing (the
 * server's getRun is the record; events only make it fast). Cancel and resume act on it.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MetricPoint, RunDetail, RunSample, RunSummary } from '../../../preload/contract/training';
import type { StudioEvent } from '../../../preload/contract/events';
import { isActive, MAX_POINTS, mergePoint, mergePoints } from '../components/training/runLogic';
import { useStudio } from '../composables/useStudio';
import { useTrainingModels } from './trainingModels';
import { useTrainingRuns } from './trainingRuns';

const POLL_MS = 4000;
const SAMPLES_KEPT = 6;

export const useRunDetail = defineStore('runDetail', () => {
  const client = useStudio();
  const runs = useTrainingRuns();
  const models = useTrainingModels();

  const detail = ref<RunDetail | null>(null);
  const metrics = ref<MetricPoint[]>([]);
  const samples = ref<RunSample[]>([]);
  let poll: number | undefined;

  function patchDetail(runId: number, patch: Partial<RunSummary>): void {
    if (detail.value?.run.id === runId) detail.value = { ...detail.value, run: { ...detail.value.run, ...patch } };
  }

  function onEvent(event: StudioEvent): void {
    switch (event.type) {
      case 'run.status':
        if (detail.value?.run.id === event.run.id) {
          const wasActive = isActive(detail.value.run.status);
          detail.value = { ...detail.value, run: event.run };
          // Ended: fetch what only the record has (checkpoints, log tail, last events).
          if (wasActive && !isActive(event.run.status)) void refreshDetail().catch(() => undefined);
        }
        break;
      case 'run.progress':
        patchDetail(event.runId, { stage: event.stage, step: event.step, totalSteps: event.totalSteps, etaSeconds: event.etaSeconds });
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
    runs.upsertRun(got.run);
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
    runs.upsertRun(got.run);
    if (!isActive(got.run.status)) {
      runs.keepEndedMetrics(got.run.id, metrics.value);
      void models.loadModels().catch(() => undefined);
    }
  }

  function closeRun(): void {
    stopPolling();
  }

  async function cancelRun(runId: number): Promise<void> {
    const run = await client.api.cancelRun({ runId });
    runs.upsertRun(run);
    runs.patchRun(runId, run);
    patchDetail(runId, run);
  }

  async function resumeRun(runId: number): Promise<void> {
    const run = await client.api.resumeRun({ runId });
    runs.upsertRun(run);
    runs.patchRun(runId, run);
    patchDetail(runId, run);
    if (detail.value?.run.id === runId) await openRun(runId);
  }

  return { detail, metrics, samples, openRun, refreshDetail, closeRun, cancelRun, resumeRun };
});
