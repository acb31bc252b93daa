/**
 * The blind pairwise queue of one annotator in one project: the first pair is on screen, the
 * next ones are fetched (and their images preloaded) ahead. A vote waits for the server's
 * durable write before the next pair appears; only then does the reply name the two models,
 * which the view shows for the pair just voted. Undo asks the server to retract the latest vote
 * and puts its pair back with the choice that was withdrawn.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { PreferenceCriterion, QueueProgress } from '../../../preload/contract/domain';
import type { BlindPair, PositionBias, SideChoice, SideCriteriaVotes } from '../../../preload/contract/preferences';
import { createActiveTimer } from '../composables/activeTimer';
import { useStudio } from '../composables/useStudio';
import { useProjects } from './projects';

const PREFETCH = 4;
export type PairBusy = 'submit' | 'undo' | 'skip' | null;

export interface Reveal {
  externalId: string;
  left: string;
  right: string;
  choice: SideChoice;
}

export const pairId = (pair: BlindPair) => `${pair.left.responseId}:${pair.right.responseId}`;

export const usePairwise = defineStore('pairwise', () => {
  const client = useStudio();
  const projects = useProjects();
  const timer = createActiveTimer();

  const projectId = ref<number | null>(null);
  const annotatorId = ref<number | null>(null);
  const queue = shallowRef<BlindPair[]>([]);
  const progress = ref<QueueProgress | null>(null);
  const bias = ref<PositionBias | null>(null);
  const choice = ref<SideChoice | null>(null);
  const criteria = ref<SideCriteriaVotes>({});
  const loading = ref(false);
  const refilling = ref(false);
  const busy = ref<PairBusy>(null);
  const voted = ref(0);
  const lastReveal = ref<Reveal | null>(null);
  let generation = 0;
  const preloaded = new Set<string>();

  const current = computed(() => queue.value[0] ?? null);
  const isEmpty = computed(() => !loading.value && !refilling.value && queue.value.length === 0);
  const asked = computed<PreferenceCriterion[]>(() => projects.current?.preferenceCriteria ?? []);

  function show(next: BlindPair[]): void {
    const before = queue.value[0];
    queue.value = next;
    const head = next[0];
    if (!head || !before || pairId(head) !== pairId(before)) {
      choice.value = head?.previous?.choice ?? null;
      criteria.value = { ...(head?.previous?.criteria ?? {}) };
      timer.restart();
    }
    for (const pair of next.slice(1)) {
      const sha = pair.item.image?.sha256;
      if (!sha || preloaded.has(sha)) continue;
      preloaded.add(sha);
      client.preloadImage(sha);
    }
  }

  async function start(nextProjectId: number, nextAnnotatorId: number): Promise<void> {
    projectId.value = nextProjectId;
    annotatorId.value = nextAnnotatorId;
    queue.value = [];
    progress.value = null;
    bias.value = null;
    voted.value = 0;
    lastReveal.value = null;
    loading.value = true;
    refilling.value = false;
    generation += 1;
    try {
      const reply = await client.api.getPairQueue({ projectId: nextProjectId, annotatorId: nextAnnotatorId, count: PREFETCH });
      progress.value = reply.progress;
      bias.value = reply.bias;
      show(reply.pairs);
    } finally {
      loading.value = false;
    }
  }

  /** Tops the queue up after a change; the pair on screen stays where it is. */
  async function refill(): Promise<void> {
    if (projectId.value === null || annotatorId.value === null) return;
    const at = generation;
    refilling.value = true;
    try {
      const reply = await client.api.getPairQueue({ projectId: projectId.value, annotatorId: annotatorId.value, count: PREFETCH });
      if (at !== generation) return;
      progress.value = reply.progress;
      bias.value = reply.bias;
      const head = queue.value[0];
      const rest = reply.pairs.filter((pair) => !head || pairId(pair) !== pairId(head));
      show(head ? [head, ...rest] : rest);
    } finally {
      if (at === generation) refilling.value = false;
    }
  }

  /** What is still missing before the vote can be sent (empty when it is complete). */
  function missing(): string[] {
    const out: string[] = [];
    if (choice.value === null) out.push('the overall choice (1-4)');
    for (const criterion of asked.value) if (criteria.value[criterion] === undefined) out.push(`a ${criterion} vote`);
    return out;
  }

  async function run<T>(action: Exclude<PairBusy, null>, body: () => Promise<T>): Promise<T | undefined> {
    if (busy.value !== null) return undefined;
    busy.value = action;
    try {
      return await body();
    } finally {
      busy.value = null;
    }
  }

  /** Sends the vote; resolves with what is missing (nothing sent) or an empty list once it is durable. */
  async function submit(): Promise<string[]> {
    const pair = current.value;
    if (!pair || annotatorId.value === null) return [];
    const gaps = missing();
    if (gaps.length > 0) return gaps;
    const chosen = choice.value as SideChoice;
    const votes: SideCriteriaVotes = {};
    for (const criterion of asked.value) votes[criterion] = criteria.value[criterion];
    await run('submit', async () => {
      const reply = await client.api.submitPreference({
        leftResponseId: pair.left.responseId,
        rightResponseId: pair.right.responseId,
        annotatorId: annotatorId.value as number,
        choice: chosen,
        criteria: votes,
        blind: true,
        timeSpentMs: timer.elapsedMs(),
      });
      generation += 1;
      progress.value = reply.progress;
      bias.value = reply.bias;
      voted.value += 1;
      lastReveal.value = { externalId: pair.item.externalId, left: reply.revealed.left, right: reply.revealed.right, choice: chosen };
      show(queue.value.slice(1));
      void refill();
    });
    return [];
  }

  async function undo(): Promise<boolean> {
    if (projectId.value === null || annotatorId.value === null) return false;
    const reply = await run('undo', () => client.api.undoLastPreference({ projectId: projectId.value as number, annotatorId: annotatorId.value as number }));
    if (!reply) return false;
    generation += 1;
    progress.value = reply.progress;
    bias.value = reply.bias;
    if (!reply.restored) return false;
    voted.value = Math.max(0, voted.value - 1);
    lastReveal.value = null;
    const restored = reply.restored;
    show([restored, ...queue.value.filter((pair) => pairId(pair) !== pairId(restored))]);
    void refill();
    return true;
  }

  async function skip(): Promise<void> {
    const pair = current.value;
    if (!pair || annotatorId.value === null) return;
    await run('skip', async () => {
      const reply = await client.api.skipPair({ leftResponseId: pair.left.responseId, rightResponseId: pair.right.responseId, annotatorId: annotatorId.value as number });
      generation += 1;
      progress.value = reply.progress;
      show(queue.value.slice(1));
      void refill();
    });
  }

  return {
    projectId,
    annotatorId,
    queue,
    current,
    progress,
    bias,
    choice,
    criteria,
    loading,
    refilling,
    busy,
    voted,
    lastReveal,
    isEmpty,
    asked,
    start,
    refill,
    missing,
    submit,
    undo,
    skip,
  };
});
