/**
 * The machine training runs on: Python, GPUs and the environment setup, kept live from
 * `env.progress` events, with the setup's readable lines for the System panel.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { EnvSetupState, SystemInfo } from '../../../preload/contract/training';
import type { StudioEvent } from '../../../preload/contract/events';
import { useStudio } from '../composables/useStudio';

const SETUP_LOG_LINES = 400;

export const useTrainingEnv = defineStore('trainingEnv', () => {
  const client = useStudio();

  const system = ref<SystemInfo | null>(null);
  const setup = ref<EnvSetupState | null>(null);
  /** Readable lines of the environment setup, one per distinct message (the full pip log is at setup.logPath). */
  const setupLog = ref<string[]>([]);

  function acceptSetup(state: EnvSetupState): void {
    const sameJob = setup.value?.jobId === state.jobId;
    const ended = sameJob && setup.value?.status === 'running' && state.status !== 'running';
    setup.value = state;
    if (!sameJob) setupLog.value = [];
    const last = setupLog.value[setupLog.value.length - 1];
    if (state.message && state.message !== last) setupLog.value = [...setupLog.value, state.message].slice(-SETUP_LOG_LINES);
    if (state.error && state.error !== state.message && !setupLog.value.includes(state.error)) setupLog.value = [...setupLog.value, state.error];
    // The environment changed when a setup this session watched ends: the system panel reads it again (once).
    if (ended) void refreshSystem().catch(() => undefined);
  }

  client.onEvent((event: StudioEvent) => {
    if (event.type === 'env.progress') acceptSetup(event.setup);
  });

  async function refreshSystem(): Promise<void> {
    const info = await client.api.getSystemInfo({});
    system.value = info;
    if (info.setup && (!setup.value || setup.value.jobId === info.setup.jobId || info.setup.startedAt > setup.value.startedAt)) acceptSetup(info.setup);
  }

  async function setupEnv(variant: 'auto' | 'cpu' | 'cuda'): Promise<void> {
    acceptSetup(await client.api.setupPythonEnv({ variant }));
  }

  return { system, setup, setupLog, refreshSystem, setupEnv };
});
