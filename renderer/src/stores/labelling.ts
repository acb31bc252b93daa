/**
 * The labelling queue of one annotator in one project. The first item is on screen, the next
 * ones are fetched (and their images preloaded) ahead. A submit waits for the server's durable
 * write before the next item appears. Undo takes back the latest action on this screen: a skip
 * comes back from the end of the queue (with what was filled in), a submit is retracted on the
 * server and the item comes back prefilled. With no action left on this screen, Undo retracts
 * the annotator's latest submit in the project, as before a reload.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { emptyLabels, labelProblems, type ItemDetail, type LabelProblem, type LabelValues, type QueueProgress } from '../../../preload/contract/domain';
import type { QueueWellbeing } from '../../../preload/contract/quality';
import { StudioError } from '../api';
import { createActiveTimer } from '../composables/activeTimer';
import { labelPrefsKey, parseLabelPrefs, type LabelPrefs } from '../composables/labelPrefs';
import { plainCopy } from '../composables/plain';
import { useStudio } from '../composables/useStudio';
import { useProjects } from './projects';

const PREFETCH = 4;
export type BusyAction = 'submit' | 'undo' | 'skip' | 'flag' | null;
/** What this screen did, newest last: what Backspace takes back. */
export type QueueAction = { kind: 'submit'; itemId: number; externalId: string } | { kind: 'skip'; itemId: number; externalId: string; draft: LabelValues };
/** Enough to undo a whole session's worth of skips and submits in order, without growing forever. */
const MAX_ACTIONS = 200;

const loadLabelPrefs = (annotatorId: number): LabelPrefs => parseLabelPrefs(localStorage.getItem(labelPrefsKey(annotatorId)));
const saveLabelPrefs = (annotatorId: number, prefs: LabelPrefs): void => localStorage.setItem(labelPrefsKey(annotatorId), JSON.stringify(prefs));

export const useLabelling = defineStore('labelling', () => {
  const client = useStudio();
  const projects = useProjects();
  const timer = createActiveTimer();

  const projectId = ref<number | null>(null);
  const annotatorId = ref<number | null>(null);
  const queue = shallowRef<ItemDetail[]>([]);
  const progress = ref<QueueProgress | null>(null);
  /** Categories paused for today or skipped by choice, and the break reminder setting (from getQueue). */
  const wellbeing = ref<QueueWellbeing | null>(null);
  const labels = ref<LabelValues>(emptyLabels());
  const loading = ref(false);
  const refilling = ref(false);
  const busy = ref<BusyAction>(null);
  /** Submits made on this screen; Backspace is offered while there is one to take back. */
  const submitted = ref(0);
  const actions = ref<QueueAction[]>([]);
  const lastAction = computed(() => actions.value.at(-1) ?? null);
  const prefs = ref<LabelPrefs>({ shuffle: false, hideHints: false });
  /** Bumped by every change to the queue, so a slower refill cannot resurrect a handled item. */
  let generation = 0;
  const preloaded = new Set<string>();

  const current = computed(() => queue.value[0] ?? null);
  const isEmpty = computed(() => !loading.value && !refilling.value && queue.value.length === 0);

  function labelsFor(detail: ItemDetail | null): LabelValues {
    const mine = detail?.annotations.find((annotation) => annotation.annotatorId === annotatorId.value);
    return mine ? plainCopy(mine.labels) : emptyLabels();
  }

  function show(nextQueue: ItemDetail[], prefill?: LabelValues): void {
    const previousId = queue.value[0]?.item.id;
    queue.value = nextQueue;
    const head = nextQueue[0] ?? null;
    if (prefill) labels.value = plainCopy(prefill);
    else if (head?.item.id !== previousId) labels.value = labelsFor(head);
    if (head?.item.id !== previousId || prefill) timer.restart();
    preloadImages(nextQueue.slice(1));
  }

  function preloadImages(items: ItemDetail[]): void {
    for (const detail of items) {
      const sha = detail.item.image?.sha256;
      if (!sha || preloaded.has(sha)) continue;
      preloaded.add(sha);
      client.preloadImage(sha);
    }
  }

  async function start(nextProjectId: number, nextAnnotatorId: number): Promise<void> {
    // Back on the same queue (from another tab): the label being filled in for the item on
    // screen is kept if that item is still first, so a look at the guidelines or the browse
    // list never throws away a half-written rationale.
    const sameQueue = projectId.value === nextProjectId && annotatorId.value === nextAnnotatorId;
    const draft = sameQueue && queue.value[0] ? { itemId: queue.value[0].item.id, labels: plainCopy(labels.value) } : null;
    projectId.value = nextProjectId;
    annotatorId.value = nextAnnotatorId;
    queue.value = [];
    progress.value = null;
    submitted.value = 0;
    if (!sameQueue) actions.value = [];
    prefs.value = loadLabelPrefs(nextAnnotatorId);
    loading.value = true;
    refilling.value = false;
    generation += 1;
    try {
      const reply = await client.api.getQueue({ projectId: nextProjectId, annotatorId: nextAnnotatorId, count: PREFETCH, shuffle: prefs.value.shuffle });
      progress.value = reply.progress;
      wellbeing.value = reply.wellbeing ?? null;
      if (draft && reply.items[0]?.item.id === draft.itemId) {
        // The timer keeps running too: the time on this item is not reset by the detour.
        queue.value = reply.items;
        labels.value = draft.labels;
        preloadImages(reply.items.slice(1));
      } else {
        show(reply.items);
      }
    } finally {
      loading.value = false;
    }
  }

  /** Tops the queue up after a change; the item on screen stays where it is. */
  async function refill(): Promise<void> {
    if (projectId.value === null || annotatorId.value === null) return;
    const at = generation;
    refilling.value = true;
    try {
      const reply = await client.api.getQueue({ projectId: projectId.value, annotatorId: annotatorId.value, count: PREFETCH, shuffle: prefs.value.shuffle });
      if (at !== generation) return;
      progress.value = reply.progress;
      const pausedBefore = new Set(wellbeing.value?.pausedToday.map((p) => p.category) ?? []);
      wellbeing.value = reply.wellbeing ?? null;
      const newlyPaused = (reply.wellbeing?.pausedToday ?? []).some((p) => !pausedBefore.has(p.category));
      const head = queue.value[0];
      // A category just reached today's limit: a prefetched item of it on screen goes too (the
      // server no longer serves it, so it is missing from the reply), before it is labelled.
      if (head && newlyPaused && !reply.items.some((detail) => detail.item.id === head.item.id)) {
        show(reply.items);
        return;
      }
      const rest = reply.items.filter((detail) => detail.item.id !== head?.item.id);
      show(head ? [head, ...rest] : rest);
    } finally {
      if (at === generation) refilling.value = false;
    }
  }

  function problems(): LabelProblem[] {
    const detail = current.value;
    const schema = projects.current?.labelSchema;
    if (!detail || !schema) return [];
    return labelProblems(labels.value, schema, detail.item.task);
  }

  async function run<T>(action: Exclude<BusyAction, null>, body: () => Promise<T>): Promise<T | undefined> {
    if (busy.value !== null) return undefined;
    busy.value = action;
    try {
      return await body();
    } finally {
      busy.value = null;
    }
  }

  /** Resolves with what is missing (nothing submitted), or an empty list once the label is durable. */
  async function submit(): Promise<LabelProblem[]> {
    const detail = current.value;
    if (!detail || annotatorId.value === null) return [];
    const missing = problems();
    if (missing.length > 0) return missing;
    await run('submit', async () => {
      const reply = await client.api.submitLabel({
        itemId: detail.item.id,
        annotatorId: annotatorId.value as number,
        labels: labels.value,
        timeSpentMs: timer.elapsedMs(),
      });
      generation += 1;
      progress.value = reply.progress;
      submitted.value += 1;
      remember({ kind: 'submit', itemId: detail.item.id, externalId: detail.item.externalId });
      show(queue.value.slice(1));
      void refill();
    });
    return [];
  }

  function remember(action: QueueAction): void {
    actions.value = [...actions.value, action].slice(-MAX_ACTIONS);
  }

  /** What was taken back, or null when there was nothing to undo. */
  async function undo(): Promise<QueueAction['kind'] | null> {
    if (projectId.value === null || annotatorId.value === null) return null;
    const last = actions.value.at(-1);
    if (last?.kind === 'skip') return (await unskip(last)) ? 'skip' : null;
    const reply = await run('undo', () => client.api.undoLastSubmit({ projectId: projectId.value as number, annotatorId: annotatorId.value as number }));
    if (!reply) return null;
    generation += 1;
    progress.value = reply.progress;
    if (last) actions.value = actions.value.slice(0, -1);
    if (!reply.restored) return null;
    submitted.value = Math.max(0, submitted.value - 1);
    const restoredId = reply.restored.item.id;
    show([reply.restored, ...queue.value.filter((detail) => detail.item.id !== restoredId)], reply.labels ?? emptyLabels());
    void refill();
    return 'submit';
  }

  /** The skipped item comes back to the front, with what was filled in when S was pressed. */
  async function unskip(action: Extract<QueueAction, { kind: 'skip' }>): Promise<boolean> {
    let reply;
    try {
      reply = await run('undo', () => client.api.unskipItem({ itemId: action.itemId, annotatorId: annotatorId.value as number }));
    } catch (err) {
      // Labelled or un-skipped elsewhere since: this skip is gone, so the next Backspace goes further back.
      if (err instanceof StudioError && err.code === 'conflict') actions.value = actions.value.slice(0, -1);
      throw err;
    }
    if (!reply) return false;
    generation += 1;
    progress.value = reply.progress;
    actions.value = actions.value.slice(0, -1);
    show([reply.restored, ...queue.value.filter((detail) => detail.item.id !== action.itemId)], action.draft);
    void refill();
    return true;
  }

  async function skip(): Promise<void> {
    const detail = current.value;
    if (!detail || annotatorId.value === null) return;
    const draft = plainCopy(labels.value);
    await run('skip', async () => {
      const reply = await client.api.skipItem({ itemId: detail.item.id, annotatorId: annotatorId.value as number });
      generation += 1;
      progress.value = reply.progress;
      remember({ kind: 'skip', itemId: detail.item.id, externalId: detail.item.externalId, draft });
      show(queue.value.slice(1));
      void refill();
    });
  }

  /** Changes a preference of this annotator; a change of order reloads the queue (the draft on screen stays when its item is still first). */
  async function setPrefs(patch: Partial<LabelPrefs>): Promise<void> {
    if (annotatorId.value === null) return;
    const reorder = patch.shuffle !== undefined && patch.shuffle !== prefs.value.shuffle;
    prefs.value = { ...prefs.value, ...patch };
    saveLabelPrefs(annotatorId.value, prefs.value);
    if (reorder && projectId.value !== null) await start(projectId.value, annotatorId.value);
  }

  async function setFlag(flagged: boolean, note: string): Promise<void> {
    const detail = current.value;
    if (!detail || annotatorId.value === null) return;
    await run('flag', async () => {
      const reply = await client.api.setFlag({ itemId: detail.item.id, annotatorId: annotatorId.value as number, flagged, note });
      if (queue.value[0]?.item.id === detail.item.id) {
        queue.value = [{ ...detail, flags: reply.flags }, ...queue.value.slice(1)];
      }
    });
  }

  const myFlag = computed(() => current.value?.flags.find((flag) => flag.annotatorId === annotatorId.value) ?? null);

  return {
    projectId,
    annotatorId,
    queue,
    current,
    progress,
    wellbeing,
    labels,
    loading,
    refilling,
    busy,
    submitted,
    actions,
    lastAction,
    prefs,
    isEmpty,
    myFlag,
    start,
    refill,
    problems,
    submit,
    undo,
    skip,
    setFlag,
    setPrefs,
  };
});
