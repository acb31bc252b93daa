/**
 * Browse's Responses mode: which mode is shown, the response filters (model, verdict,
 * disagreement), debounced search, pages, and the models the project has responses from.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { ResponseFilter, ResponseListRow } from '../../../preload/contract/response-browse';
import { debounced } from '../composables/debounce';
import { useStudio } from '../composables/useStudio';

export const RESPONSE_PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 250;

export type BrowseMode = 'prompts' | 'responses';
export type ResponseBrowseFilter = Omit<ResponseFilter, 'search'>;

export const useResponseBrowse = defineStore('responseBrowse', () => {
  const client = useStudio();
  const mode = ref<BrowseMode>('prompts');
  const projectId = ref<number | null>(null);
  const filter = ref<ResponseBrowseFilter>({});
  const search = ref('');
  const offset = ref(0);
  const rows = ref<ResponseListRow[]>([]);
  const total = ref(0);
  const models = ref<{ name: string; responses: number }[]>([]);
  const loading = ref(false);
  const loaded = ref(false);
  let request = 0;

  async function load(): Promise<void> {
    if (projectId.value === null) return;
    const mine = ++request;
    loading.value = true;
    try {
      const query = search.value.trim();
      const reply = await client.api.listResponses({
        projectId: projectId.value,
        filter: { ...filter.value, ...(query ? { search: query } : {}) },
        offset: offset.value,
        limit: RESPONSE_PAGE_SIZE,
      });
      if (mine !== request) return;
      rows.value = reply.rows;
      total.value = reply.total;
      models.value = reply.models;
      loaded.value = true;
    } finally {
      if (mine === request) loading.value = false;
    }
  }

  function open(nextProjectId: number): Promise<void> {
    if (projectId.value !== nextProjectId) {
      projectId.value = nextProjectId;
      filter.value = {};
      search.value = '';
      offset.value = 0;
      rows.value = [];
      total.value = 0;
      models.value = [];
      loaded.value = false;
    }
    return load();
  }

  function setFilter(patch: Partial<ResponseBrowseFilter>): Promise<void> {
    const next: ResponseBrowseFilter = { ...filter.value, ...patch };
    for (const key of Object.keys(next) as (keyof ResponseBrowseFilter)[]) {
      if (next[key] === undefined) delete next[key];
    }
    filter.value = next;
    offset.value = 0;
    return load();
  }

  function clear(): Promise<void> {
    search.value = '';
    filter.value = {};
    offset.value = 0;
    return load();
  }

  watch(
    search,
    debounced(() => {
      offset.value = 0;
      void load().catch(() => undefined);
    }, SEARCH_DEBOUNCE_MS),
  );

  function page(delta: number): Promise<void> {
    const next = Math.min(Math.max(0, offset.value + delta * RESPONSE_PAGE_SIZE), Math.max(0, total.value - 1));
    offset.value = next - (next % RESPONSE_PAGE_SIZE);
    return load();
  }

  // Verdicts made by others (or in another window) show up without a manual reload.
  const reloadSoon = debounced(() => void load().catch(() => undefined), 800);
  client.onEvent((event) => {
    if (event.type === 'project.changed' && event.projectId === projectId.value && loaded.value && mode.value === 'responses') reloadSoon();
  });

  return { mode, projectId, filter, search, offset, rows, total, models, loading, loaded, load, open, setFilter, clear, page };
});
