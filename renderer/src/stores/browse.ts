/**
 * The item table: filters, search (debounced so typing does not fire a query per key),
 * pagination, and the item open in the detail drawer.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { ItemDetail, ItemFilter, ItemRow, LabelValues } from '../../../preload/contract/domain';
import { debounced } from '../composables/debounce';
import { useStudio } from '../composables/useStudio';

export const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 250;

export type BrowseFilter = Omit<ItemFilter, 'search'>;

export const useBrowse = defineStore('browse', () => {
  const client = useStudio();
  const projectId = ref<number | null>(null);
  const filter = ref<BrowseFilter>({ status: 'all' });
  const search = ref('');
  const offset = ref(0);
  const rows = ref<ItemRow[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const loaded = ref(false);
  const detail = ref<ItemDetail | null>(null);
  let request = 0;
  /** The newest load: a superseded load returns early, so whoever needs the rows waits for this one. */
  let latest: Promise<void> = Promise.resolve();

  function load(): Promise<void> {
    const run = loadOnce();
    latest = run;
    return run;
  }

  /** Resolves once no newer load is in flight: the rows are those of the current filter and page. */
  async function settled(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== latest) {
      seen = latest;
      await seen.catch(() => undefined);
    }
  }

  async function loadOnce(): Promise<void> {
    if (projectId.value === null) return;
    const mine = ++request;
    loading.value = true;
    try {
      const query = search.value.trim();
      const reply = await client.api.listItems({
        projectId: projectId.value,
        filter: { ...filter.value, ...(query ? { search: query } : {}) },
        offset: offset.value,
        limit: PAGE_SIZE,
      });
      if (mine !== request) return;
      rows.value = reply.rows;
      total.value = reply.total;
      loaded.value = true;
    } finally {
      if (mine === request) loading.value = false;
    }
  }

  function open(nextProjectId: number): Promise<void> {
    if (projectId.value !== nextProjectId) {
      projectId.value = nextProjectId;
      filter.value = { status: 'all' };
      search.value = '';
      offset.value = 0;
      rows.value = [];
      total.value = 0;
      loaded.value = false;
    }
    return load();
  }

  function setFilter(patch: Partial<BrowseFilter>): Promise<void> {
    const next: BrowseFilter = { ...filter.value, ...patch };
    for (const key of Object.keys(next) as (keyof BrowseFilter)[]) {
      if (next[key] === undefined || next[key] === '') delete next[key];
    }
    filter.value = next;
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

  async function page(delta: number): Promise<void> {
    const next = Math.min(Math.max(0, offset.value + delta * PAGE_SIZE), Math.max(0, total.value - 1));
    offset.value = next - (next % PAGE_SIZE);
    await load();
    // A reload that started meanwhile (someone's label arriving) may have superseded this one.
    await settled();
  }

  async function openItem(itemId: number): Promise<void> {
    if (detail.value?.item.id !== itemId) detail.value = null;
    detail.value = await client.api.getItem({ itemId });
  }

  function closeItem(): void {
    detail.value = null;
  }

  /** An edit appends a version on the server; the drawer and the table then show it. */
  async function saveAnnotation(annotatorId: number, labels: LabelValues, timeSpentMs: number): Promise<void> {
    const item = detail.value?.item;
    if (!item) return;
    await client.api.saveAnnotation({ itemId: item.id, annotatorId, labels, timeSpentMs });
    await Promise.all([openItem(item.id), load()]);
  }

  // Labels made by others (or in another window) show up without a manual reload.
  const reloadSoon = debounced(() => void load().catch(() => undefined), 800);
  client.onEvent((event) => {
    if (event.type === 'project.changed' && event.projectId === projectId.value && loaded.value) reloadSoon();
  });

  return { projectId, filter, search, offset, rows, total, loading, loaded, detail, load, open, setFilter, page, openItem, closeItem, saveAnnotation };
});
