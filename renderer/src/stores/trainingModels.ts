/**
 * The models training knows: base models and the checkpoints runs produced, kept live from
 * `model.changed` and `model.deleted` events. Adding a base model (a local folder, a hub
 * download, the tiny CPU test model) goes through here; renames, merges and deletes through the
 * `models` store, which updates this list as each write returns.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { HubModelPreview, ModelInfo } from '../../../preload/contract/training';
import type { StudioEvent } from '../../../preload/contract/events';
import { useStudio } from '../composables/useStudio';

export const useTrainingModels = defineStore('trainingModels', () => {
  const client = useStudio();

  const models = ref<ModelInfo[]>([]);
  const modelsLoaded = ref(false);

  const baseModels = computed(() => models.value.filter((m) => m.kind === 'base'));
  const checkpoints = computed(() => models.value.filter((m) => m.kind === 'checkpoint'));
  const modelById = computed(() => new Map(models.value.map((m) => [m.id, m])));

  function upsertModel(model: ModelInfo): void {
    const at = models.value.findIndex((m) => m.id === model.id);
    if (at < 0) models.value = [...models.value, model];
    else models.value = models.value.map((m) => (m.id === model.id ? model : m));
  }

  function removeModel(modelId: number): void {
    models.value = models.value.filter((m) => m.id !== modelId);
  }

  client.onEvent((event: StudioEvent) => {
    if (event.type === 'model.changed') upsertModel(event.model);
    else if (event.type === 'model.deleted') removeModel(event.modelId);
  });

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

  return { models, modelsLoaded, baseModels, checkpoints, modelById, upsertModel, removeModel, loadModels, buildTiny, addLocal, addHub, inspectHub };
});
