/** The project list, the open project and its stats; refreshed when the core says it changed. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { MethodInput } from '../../../preload/contract/api';
import type { Project, ProjectStats, ProjectSummary } from '../../../preload/contract/domain';
import { debounced } from '../composables/debounce';
import { useStudio } from '../composables/useStudio';

const CHANGE_DEBOUNCE_MS = 800;

type ProjectPatch = MethodInput<'updateProject'>['patch'];

export const useProjects = defineStore('projects', () => {
  const client = useStudio();
  const list = ref<ProjectSummary[]>([]);
  const listLoaded = ref(false);
  const current = ref<Project | null>(null);
  const stats = ref<ProjectStats | null>(null);

  async function loadList(): Promise<void> {
    list.value = await client.api.listProjects({});
    listLoaded.value = true;
  }

  async function open(projectId: number): Promise<void> {
    if (current.value?.id !== projectId) {
      current.value = null;
      stats.value = null;
    }
    current.value = await client.api.getProject({ projectId });
    // Stats are a view of the project, not a condition to open it: the overview reports their failure.
    void refreshStats().catch(() => undefined);
  }

  async function refreshStats(): Promise<void> {
    if (!current.value) return;
    stats.value = await client.api.getStats({ projectId: current.value.id });
  }

  async function create(input: MethodInput<'createProject'>): Promise<Project> {
    const project = await client.api.createProject(input);
    await loadList();
    return project;
  }

  async function createDemo(): Promise<Project> {
    const project = await client.api.createDemoProject({});
    await loadList();
    return project;
  }

  async function update(projectId: number, patch: ProjectPatch): Promise<Project> {
    const project = await client.api.updateProject({ projectId, patch });
    if (current.value?.id === projectId) current.value = project;
    return project;
  }

  // Every submit anywhere on the team says project.changed: refresh once per burst, not per event.
  const changedProjects = new Set<number>();
  const refreshChanged = debounced(() => {
    const changed = new Set(changedProjects);
    changedProjects.clear();
    void (async () => {
      if (listLoaded.value) await loadList();
      // A project deleted (Settings, "Delete this project") leaves the list; its stats are gone with it.
      const stillListed = !listLoaded.value || list.value.some((p) => p.id === current.value?.id);
      if (current.value && changed.has(current.value.id) && stillListed) await refreshStats();
    })().catch(() => undefined);
  }, CHANGE_DEBOUNCE_MS);
  client.onEvent((event) => {
    if (event.type !== 'project.changed') return;
    changedProjects.add(event.projectId);
    refreshChanged();
  });

  return { list, listLoaded, current, stats, loadList, open, refreshStats, create, createDemo, update };
});
