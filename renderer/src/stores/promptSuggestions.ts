/**
 * Suggested prompt labels for the labelling queue: the project's learned verifier's prompt-label
 * head (suggestPromptLabels, scored on the server's inference thread) is asked about every item
 * as it enters the queue, so the suggestion is there when the item comes up. This store never
 * touches the form: the labelling view puts a suggestion into it only on the P key
 * (composables/promptSuggestion.ts), and it is stored only when the annotator submits.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { PromptSuggestingVerifier, PromptSuggestion } from '../../../preload/contract/prompt-suggestions';
import { useStudio } from '../composables/useStudio';

export const usePromptSuggestions = defineStore('promptSuggestions', () => {
  const client = useStudio();
  const projectId = ref<number | null>(null);
  /** item id -> the suggestion (absent: none, or not asked yet). */
  const suggestions = shallowRef<ReadonlyMap<number, PromptSuggestion>>(new Map());
  const verifier = ref<PromptSuggestingVerifier | null>(null);
  /** Items already asked about, so each is scored once per visit. */
  const asked = new Set<number>();

  /** Starts afresh for a project (a verifier trained since the last visit suggests from now on). */
  function reset(nextProjectId: number): void {
    projectId.value = nextProjectId;
    suggestions.value = new Map();
    verifier.value = null;
    asked.clear();
  }

  /** Asks about the items not asked about yet; a failure only means no suggestions. */
  async function fetch(itemIds: readonly number[]): Promise<void> {
    const forProject = projectId.value;
    const ids = itemIds.filter((id) => !asked.has(id));
    if (forProject === null || ids.length === 0) return;
    for (const id of ids) asked.add(id);
    try {
      const reply = await client.api.suggestPromptLabels({ projectId: forProject, itemIds: ids });
      if (projectId.value !== forProject) return;
      verifier.value = reply.verifier;
      if (reply.suggestions.length === 0) return;
      const next = new Map(suggestions.value);
      for (const s of reply.suggestions) next.set(s.itemId, s);
      suggestions.value = next;
    } catch {
      for (const id of ids) asked.delete(id);
    }
  }

  const forItem = (itemId: number | null | undefined): PromptSuggestion | null => (itemId == null ? null : (suggestions.value.get(itemId) ?? null));

  return { projectId, suggestions, verifier, reset, fetch, forItem };
});
