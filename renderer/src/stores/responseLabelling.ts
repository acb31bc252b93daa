/**
 * The verdict queue of one annotator in one project (the Judge tab). The first response is on
 * screen, the next ones are fetched (and their items' images preloaded) ahead. A submit waits for
 * the server's durable write before the next response appears; Undo asks the server to retract
 * the latest verdict and puts the response back, prefilled. The same shape as stores/labelling.ts.
 *
 * Suggestions: the project's learned verifier (suggestVerdicts, scored on the server's inference
 * thread) is asked about every response as it enters the queue, so the suggestion is there when
 * the response comes up. The store never puts a suggestion into the draft; the view does, on the A key
 * (judgeKeys.ts acceptedSuggestion), and it is stored only when the annotator submits.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { QueueProgress } from '../../../preload/contract/domain';
import type { ResponseQueueEntry } from '../../../preload/contract/response-labelling';
import type { ResponseLabelValues } from '../../../preload/contract/responses';
import type { SuggestingVerifier, VerdictSuggestion } from '../../../preload/contract/suggestions';
import { createActiveTimer } from '../composables/activeTimer';
import { draftProblems, draftValues, emptyDraft, type DraftProblem, type VerdictDraft } from '../composables/judgeKeys';
import { useStudio } from '../composables/useStudio';

const PREFETCH = 4;
export type JudgeBusy = 'submit' | 'undo' | 'skip' | 'flag' | null;

function draftFrom(values: ResponseLabelValues | null | undefined): VerdictDraft {
  return values ? { ...values } : emptyDraft();
}

export const useResponseLabelling = defineStore('responseLabelling', () => {
  const client = useStudio();
  const timer = createActiveTimer();

  const projectId = ref<number | null>(null);
  const annotatorId = ref<number | null>(null);
  const queue = shallowRef<ResponseQueueEntry[]>([]);
  const progress = ref<QueueProgress | null>(null);
  const draft = ref<VerdictDraft>(emptyDraft());
  const loading = ref(false);
  const refilling = ref(false);
  const busy = ref<JudgeBusy>(null);
  /** Verdicts submitted on this screen; the empty queue offers undo while there is one. */
  const submitted = ref(0);
  const lastSaved = ref<{ responseId: number; externalId: string } | null>(null);
  /** Bumped by every change to the queue, so a slower refill cannot resurrect a handled response. */
  let generation = 0;
  const preloaded = new Set<string>();
  /** response id -> the verifier's suggestion (absent: none, or not asked yet). */
  const suggestions = shallowRef<ReadonlyMap<number, VerdictSuggestion>>(new Map());
  const suggestingVerifier = ref<SuggestingVerifier | null>(null);
  /** Responses already asked about, so each is scored once per screen. */
  const asked = new Set<number>();

  const current = computed(() => queue.value[0] ?? null);
  const suggestion = computed(() => (current.value ? (suggestions.value.get(current.value.response.id) ?? null) : null));
  const isEmpty = computed(() => !loading.value && !refilling.value && queue.value.length === 0);

  function show(nextQueue: ResponseQueueEntry[], prefill?: ResponseLabelValues): void {
    const previousId = queue.value[0]?.response.id;
    queue.value = nextQueue;
    const head = nextQueue[0] ?? null;
    // A response comes back after an undo with the values it had (its head is the retracted version).
    if (prefill) draft.value = draftFrom(prefill);
    else if (head?.response.id !== previousId) draft.value = draftFrom(head?.mine?.values);
    if (head?.response.id !== previousId || prefill) timer.restart();
    preloadImages(nextQueue.slice(1));
    void fetchSuggestions(nextQueue);
  }

  /** Asks the verifier about the queued responses not asked about yet; a failure only means no suggestions. */
  async function fetchSuggestions(entries: ResponseQueueEntry[]): Promise<void> {
    const forProject = projectId.value;
    const ids = entries.map((entry) => entry.response.id).filter((id) => !asked.has(id));
    if (forProject === null || ids.length === 0) return;
    for (const id of ids) asked.add(id);
    try {
      const reply = await client.api.suggestVerdicts({ projectId: forProject, responseIds: ids });
      if (projectId.value !== forProject) return;
      suggestingVerifier.value = reply.verifier;
      if (reply.suggestions.length === 0) return;
      const next = new Map(suggestions.value);
      for (const s of reply.suggestions) next.set(s.responseId, s);
      suggestions.value = next;
    } catch {
      for (const id of ids) asked.delete(id);
    }
  }

  function preloadImages(entries: ResponseQueueEntry[]): void {
    for (const entry of entries) {
      const sha = entry.item.image?.sha256;
      if (!sha || preloaded.has(sha)) continue;
      preloaded.add(sha);
      client.preloadImage(sha);
    }
  }

  async function start(nextProjectId: number, nextAnnotatorId: number): Promise<void> {
    // Back on the same queue from another tab: the verdict being filled in is kept if that
    // response is still first, so a look elsewhere never throws away a half-written rationale.
    const sameQueue = projectId.value === nextProjectId && annotatorId.value === nextAnnotatorId;
    const kept = sameQueue && queue.value[0] ? { responseId: queue.value[0].response.id, draft: { ...draft.value } } : null;
    projectId.value = nextProjectId;
    annotatorId.value = nextAnnotatorId;
    queue.value = [];
    progress.value = null;
    submitted.value = 0;
    lastSaved.value = null;
    // Asked afresh: a verifier trained since the last visit suggests from now on.
    suggestions.value = new Map();
    suggestingVerifier.value = null;
    asked.clear();
    loading.value = true;
    refilling.value = false;
    generation += 1;
    try {
      const reply = await client.api.getResponseQueue({ projectId: nextProjectId, annotatorId: nextAnnotatorId, count: PREFETCH });
      progress.value = reply.progress;
      if (kept && reply.entries[0]?.response.id === kept.responseId) {
        queue.value = reply.entries;
        draft.value = kept.draft;
        preloadImages(reply.entries.slice(1));
        void fetchSuggestions(reply.entries);
      } else {
        show(reply.entries);
      }
    } finally {
      loading.value = false;
    }
  }

  /** Tops the queue up after a change; the response on screen stays where it is. */
  async function refill(): Promise<void> {
    if (projectId.value === null || annotatorId.value === null) return;
    const at = generation;
    refilling.value = true;
    try {
      const reply = await client.api.getResponseQueue({ projectId: projectId.value, annotatorId: annotatorId.value, count: PREFETCH });
      if (at !== generation) return;
      progress.value = reply.progress;
      const head = queue.value[0];
      const rest = reply.entries.filter((entry) => entry.response.id !== head?.response.id);
      show(head ? [head, ...rest] : rest);
    } finally {
      if (at === generation) refilling.value = false;
    }
  }

  async function run<T>(action: Exclude<JudgeBusy, null>, body: () => Promise<T>): Promise<T | undefined> {
    if (busy.value !== null) return undefined;
    busy.value = action;
    try {
      return await body();
    } finally {
      busy.value = null;
    }
  }

  /** Resolves with what is missing (nothing submitted), or an empty list once the verdict is durable. */
  async function submit(): Promise<DraftProblem[]> {
    const entry = current.value;
    if (!entry || annotatorId.value === null) return [];
    const values = draftValues(draft.value);
    if (!values) return draftProblems(draft.value);
    await run('submit', async () => {
      const reply = await client.api.submitVerdict({
        responseId: entry.response.id,
        annotatorId: annotatorId.value as number,
        values,
        timeSpentMs: timer.elapsedMs(),
      });
      generation += 1;
      progress.value = reply.progress;
      submitted.value += 1;
      lastSaved.value = { responseId: entry.response.id, externalId: entry.item.externalId };
      show(queue.value.slice(1));
      void refill();
    });
    return [];
  }

  async function undo(): Promise<boolean> {
    if (projectId.value === null || annotatorId.value === null) return false;
    const reply = await run('undo', () => client.api.undoLastVerdict({ projectId: projectId.value as number, annotatorId: annotatorId.value as number }));
    if (!reply) return false;
    generation += 1;
    progress.value = reply.progress;
    if (!reply.restored) return false;
    submitted.value = Math.max(0, submitted.value - 1);
    lastSaved.value = null;
    const restoredId = reply.restored.response.id;
    show([reply.restored, ...queue.value.filter((entry) => entry.response.id !== restoredId)], reply.values ?? undefined);
    void refill();
    return true;
  }

  async function skip(): Promise<void> {
    const entry = current.value;
    if (!entry || annotatorId.value === null) return;
    await run('skip', async () => {
      const reply = await client.api.skipResponse({ responseId: entry.response.id, annotatorId: annotatorId.value as number });
      generation += 1;
      progress.value = reply.progress;
      show(queue.value.slice(1));
      void refill();
    });
  }

  async function setFlag(flagged: boolean, note: string): Promise<void> {
    const entry = current.value;
    if (!entry || annotatorId.value === null) return;
    await run('flag', async () => {
      const reply = await client.api.setResponseFlag({ responseId: entry.response.id, annotatorId: annotatorId.value as number, flagged, note });
      if (queue.value[0]?.response.id === entry.response.id) {
        queue.value = [{ ...entry, myFlag: reply.flag }, ...queue.value.slice(1)];
      }
    });
  }

  /** Milliseconds of active time on the response on screen (for the ticker). */
  function elapsedMs(): number {
    return timer.elapsedMs();
  }

  const myFlag = computed(() => current.value?.myFlag ?? null);

  return {
    projectId,
    annotatorId,
    queue,
    current,
    progress,
    draft,
    loading,
    refilling,
    busy,
    submitted,
    lastSaved,
    isEmpty,
    myFlag,
    suggestion,
    suggestingVerifier,
    start,
    refill,
    submit,
    undo,
    skip,
    setFlag,
    elapsedMs,
  };
});
