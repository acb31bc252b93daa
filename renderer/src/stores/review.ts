/**
 * The reviewer's adjudication queue in one project (the Review tab): prompt labels, response
 * verdicts or preference votes, one case at a time. Picking a person's label (or writing one's own) and a reason
 * make the decision; confirm waits for the server's durable write before the next case appears;
 * undo asks the server to retract the reviewer's latest gold and shows that case again.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ResponseReviewCase, ReviewCase, ReviewProgress, VoteReviewCase } from '../../../preload/contract/adjudication';
import { emptyLabels, type LabelValues } from '../../../preload/contract/domain';
import type { PreferenceChoice, Verdict } from '../../../preload/contract/responses';
import { useStudio } from '../composables/useStudio';

export type ReviewMode = 'prompts' | 'responses' | 'votes';
/** V cycles through the modes in this order. */
export const REVIEW_MODES: readonly ReviewMode[] = ['prompts', 'responses', 'votes'];
export type ReviewBusy = 'confirm' | 'undo' | 'skip' | null;
/** The gold being decided: a person's label (by annotator id) or the reviewer's own. */
export type GoldChoice = { kind: 'person'; annotatorId: number } | { kind: 'own' } | null;

export const useReview = defineStore('review', () => {
  const client = useStudio();
  const projectId = ref<number | null>(null);
  const reviewerId = ref<number | null>(null);
  const mode = ref<ReviewMode>('prompts');
  const prompt = shallowRef<ReviewCase | null>(null);
  const response = shallowRef<ResponseReviewCase | null>(null);
  const votes = shallowRef<VoteReviewCase | null>(null);
  const progress = ref<ReviewProgress | null>(null);
  const choice = ref<GoldChoice>(null);
  const ownLabels = ref<LabelValues>(emptyLabels());
  const ownVerdict = ref<Verdict | null>(null);
  const ownChoice = ref<PreferenceChoice | null>(null);
  const reason = ref('');
  const loading = ref(false);
  const busy = ref<ReviewBusy>(null);
  const lastSaved = ref<string | null>(null);

  /** The people whose labels are on screen, in key order (1, 2, ...). */
  const people = computed(() => {
    if (mode.value === 'prompts') return (prompt.value?.detail.annotations ?? []).map((a) => ({ annotatorId: a.annotatorId, name: a.annotatorName }));
    if (mode.value === 'responses') return (response.value?.verdicts ?? []).map((v) => ({ annotatorId: v.annotatorId, name: v.annotatorName }));
    return (votes.value?.votes ?? []).map((v) => ({ annotatorId: v.annotatorId, name: v.annotatorName }));
  });
  const hasCase = computed(() => (mode.value === 'prompts' ? prompt.value !== null : mode.value === 'responses' ? response.value !== null : votes.value !== null));

  function resetDecision(): void {
    choice.value = null;
    ownLabels.value = emptyLabels();
    ownVerdict.value = null;
    ownChoice.value = null;
    reason.value = '';
  }

  function showPrompt(next: ReviewCase | null): void {
    if (next?.detail.item.id !== prompt.value?.detail.item.id) resetDecision();
    prompt.value = next;
  }

  function showResponse(next: ResponseReviewCase | null): void {
    if (next?.response.id !== response.value?.response.id) resetDecision();
    response.value = next;
  }

  function showVotes(next: VoteReviewCase | null): void {
    if (next?.a.id !== votes.value?.a.id || next?.b.id !== votes.value?.b.id) resetDecision();
    votes.value = next;
  }

  async function refresh(): Promise<void> {
    if (projectId.value === null || reviewerId.value === null) return;
    const input = { projectId: projectId.value, reviewerId: reviewerId.value };
    if (mode.value === 'prompts') {
      const reply = await client.api.getReviewQueue(input);
      showPrompt(reply.current);
      progress.value = reply.progress;
    } else if (mode.value === 'responses') {
      const reply = await client.api.getResponseReviewQueue(input);
      showResponse(reply.current);
      progress.value = reply.progress;
    } else {
      const reply = await client.api.getVoteReviewQueue(input);
      showVotes(reply.current);
      progress.value = reply.progress;
    }
  }

  async function start(nextProjectId: number, nextReviewerId: number, nextMode: ReviewMode = mode.value): Promise<void> {
    projectId.value = nextProjectId;
    reviewerId.value = nextReviewerId;
    mode.value = nextMode;
    prompt.value = null;
    response.value = null;
    votes.value = null;
    progress.value = null;
    lastSaved.value = null;
    resetDecision();
    loading.value = true;
    try {
      await refresh();
    } finally {
      loading.value = false;
    }
  }

  function pick(index: number): boolean {
    const person = people.value[index];
    if (!person) return false;
    choice.value = { kind: 'person', annotatorId: person.annotatorId };
    return true;
  }

  /** Own label, starting from the picked person's label (or an empty one). */
  function writeOwn(): void {
    const picked = choice.value?.kind === 'person' ? choice.value.annotatorId : null;
    if (mode.value === 'prompts') {
      const from = prompt.value?.detail.annotations.find((a) => a.annotatorId === picked)?.labels;
      ownLabels.value = from ? { ...from, visualCues: [...from.visualCues] } : emptyLabels();
    } else if (mode.value === 'responses') {
      ownVerdict.value = response.value?.verdicts.find((v) => v.annotatorId === picked)?.values.verdict ?? null;
    } else {
      ownChoice.value = votes.value?.votes.find((v) => v.annotatorId === picked)?.values.choice ?? null;
    }
    choice.value = { kind: 'own' };
  }

  /** Votes mode: the reviewer's own gold choice (A, B, tie, both bad). */
  function chooseOwn(next: PreferenceChoice): boolean {
    if (mode.value !== 'votes' || votes.value === null) return false;
    ownChoice.value = next;
    choice.value = { kind: 'own' };
    return true;
  }

  /** What is missing before confirm, or null when it can be sent. */
  function missing(): 'choice' | 'reason' | null {
    if (choice.value === null) return 'choice';
    if (choice.value.kind === 'own' && ((mode.value === 'responses' && ownVerdict.value === null) || (mode.value === 'votes' && ownChoice.value === null))) return 'choice';
    if (!reason.value.trim()) return 'reason';
    return null;
  }

  async function confirm(): Promise<void> {
    if (busy.value || reviewerId.value === null || choice.value === null) return;
    const from = choice.value.kind === 'person' ? choice.value.annotatorId : null;
    busy.value = 'confirm';
    try {
      if (mode.value === 'prompts' && prompt.value) {
        const reply = await client.api.setGoldLabel({
          itemId: prompt.value.detail.item.id,
          reviewerId: reviewerId.value,
          fromAnnotatorId: from,
          labels: from === null ? ownLabels.value : null,
          reason: reason.value,
        });
        lastSaved.value = prompt.value.detail.item.externalId;
        progress.value = reply.progress;
      } else if (mode.value === 'responses' && response.value) {
        const reply = await client.api.setResponseGold({
          responseId: response.value.response.id,
          reviewerId: reviewerId.value,
          fromAnnotatorId: from,
          verdict: from === null ? ownVerdict.value : null,
          reason: reason.value,
        });
        lastSaved.value = response.value.item.externalId;
        progress.value = reply.progress;
      } else if (mode.value === 'votes' && votes.value) {
        const pair = { responseAId: votes.value.a.id, responseBId: votes.value.b.id };
        const reply = await client.api.setPreferenceGold({ ...pair, reviewerId: reviewerId.value, fromAnnotatorId: from, choice: from === null ? ownChoice.value : null, reason: reason.value });
        lastSaved.value = votes.value.item.externalId;
        progress.value = reply.progress;
      }
      await refresh();
    } finally {
      busy.value = null;
    }
  }

  /** Returns whether something was undone. */
  async function undo(): Promise<boolean> {
    if (busy.value || projectId.value === null || reviewerId.value === null) return false;
    busy.value = 'undo';
    try {
      const input = { projectId: projectId.value, reviewerId: reviewerId.value };
      if (mode.value === 'prompts') {
        const reply = await client.api.undoGoldLabel(input);
        progress.value = reply.progress;
        if (!reply.restored) return false;
        showPrompt(reply.restored);
      } else if (mode.value === 'responses') {
        const reply = await client.api.undoResponseGold(input);
        progress.value = reply.progress;
        if (!reply.restored) return false;
        showResponse(reply.restored);
      } else {
        const reply = await client.api.undoPreferenceGold(input);
        progress.value = reply.progress;
        if (!reply.restored) return false;
        showVotes(reply.restored);
      }
      lastSaved.value = null;
      return true;
    } finally {
      busy.value = null;
    }
  }

  async function skip(): Promise<void> {
    if (busy.value || reviewerId.value === null) return;
    busy.value = 'skip';
    try {
      if (mode.value === 'prompts' && prompt.value) await client.api.skipReviewItem({ itemId: prompt.value.detail.item.id, reviewerId: reviewerId.value });
      else if (mode.value === 'responses' && response.value) await client.api.skipResponseReview({ responseId: response.value.response.id, reviewerId: reviewerId.value });
      else if (mode.value === 'votes' && votes.value) await client.api.skipVoteReview({ responseAId: votes.value.a.id, responseBId: votes.value.b.id, reviewerId: reviewerId.value });
      await refresh();
    } finally {
      busy.value = null;
    }
  }

  return {
    projectId,
    mode,
    prompt,
    response,
    votes,
    progress,
    choice,
    ownLabels,
    ownVerdict,
    ownChoice,
    reason,
    loading,
    busy,
    lastSaved,
    people,
    hasCase,
    start,
    pick,
    writeOwn,
    chooseOwn,
    missing,
    confirm,
    undo,
    skip,
  };
});
