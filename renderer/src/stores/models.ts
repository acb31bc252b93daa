/**
 * Managing models from the Models screen: rename, delete (after the core's preview of what it
 * frees), merge a LoRA checkpoint into a base model, export a safetensors folder, and the chat
 * panel's conversation. The model list itself lives in the trainingModels store; this store updates it
 * as each write returns (durably written first) and follows `model.job` progress events.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { StudioEvent } from '../../../preload/contract/events';
import type { ChatReply, ChatTurn, DeletePreview, DeleteResult, ExportResult } from '../../../preload/contract/models';
import type { ModelInfo } from '../../../preload/contract/training';
import { useStudio } from '../composables/useStudio';
import { useTrainingModels } from './trainingModels';

export interface ModelJob {
  job: 'merge' | 'export';
  stage: string;
  percent: number;
}

export const useModels = defineStore('models', () => {
  const client = useStudio();
  const trainingModels = useTrainingModels();
  /** Merges and exports in flight, by model id. */
  const jobs = ref<Record<number, ModelJob>>({});

  client.onEvent((event: StudioEvent) => {
    if (event.type !== 'model.job') return;
    if (event.stage === 'done') {
      const { [event.modelId]: _done, ...rest } = jobs.value;
      jobs.value = rest;
    } else jobs.value = { ...jobs.value, [event.modelId]: { job: event.job, stage: event.stage, percent: event.percent } };
  });

  async function tracked<T>(modelId: number, job: ModelJob['job'], work: () => Promise<T>): Promise<T> {
    jobs.value = { ...jobs.value, [modelId]: { job, stage: 'starting', percent: 0 } };
    try {
      return await work();
    } finally {
      const { [modelId]: _done, ...rest } = jobs.value;
      jobs.value = rest;
    }
  }

  async function rename(modelId: number, name: string): Promise<ModelInfo> {
    const model = await client.api.renameModel({ modelId, name });
    trainingModels.upsertModel(model);
    return model;
  }

  function previewDelete(modelId: number): Promise<DeletePreview> {
    return client.api.previewDeleteModel({ modelId });
  }

  async function remove(modelId: number): Promise<DeleteResult> {
    const result = await client.api.deleteModel({ modelId });
    trainingModels.removeModel(modelId);
    return result;
  }

  function merge(modelId: number, name?: string): Promise<ModelInfo> {
    return tracked(modelId, 'merge', async () => {
      const model = await client.api.mergeModel({ modelId, ...(name ? { name } : {}) });
      trainingModels.upsertModel(model);
      return model;
    });
  }

  function exportTo(modelId: number, folder: string): Promise<ExportResult> {
    return tracked(modelId, 'export', () => client.api.exportModel({ modelId, folder }));
  }

  function chat(modelId: number, turns: ChatTurn[], image: string | null): Promise<ChatReply> {
    return client.api.chatWithModel({ modelId, turns, ...(image ? { image } : {}) });
  }

  return { jobs, rename, previewDelete, remove, merge, exportTo, chat };
});
