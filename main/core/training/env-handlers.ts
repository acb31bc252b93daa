/**
 * The environment handlers: what this machine offers for training (Python, torch, GPUs, disk) and
 * setting up the worker's Python environment, with progress as `env.progress` events. The last
 * system answer is kept for run previews, and dropped when a setup ends.
 */
import { randomBytes } from 'node:crypto';
import type { EnvSetupState, SystemInfo } from '../../../preload/contract/training.js';
import type { CoreContext } from '../context.js';
import { setupPythonEnv } from './python-env.js';
import type { TrainingHandlers, TrainingWorker } from './service-context.js';
import { collectSystemInfo, queryNvidiaSmi } from './system-info.js';

export interface TrainingEnvironment {
  handlers: Pick<TrainingHandlers, 'getSystemInfo' | 'setupPythonEnv'>;
  /** The system as last seen (`fresh` asks again), with the setup in progress. */
  systemInfo(fresh: boolean): Promise<SystemInfo>;
}

export function createTrainingEnvironment(ctx: CoreContext, worker: TrainingWorker): TrainingEnvironment {
  const dataDir = ctx.paths.root;
  const { workerDir, envPython } = worker;
  let setup: EnvSetupState | null = null;
  let lastInfo: SystemInfo | null = null;

  async function systemInfo(fresh: boolean): Promise<SystemInfo> {
    if (!fresh && lastInfo) return { ...lastInfo, setup };
    lastInfo = await collectSystemInfo({ dataDir, workerDir, envPython, setup });
    return lastInfo;
  }

  const handlers: TrainingEnvironment['handlers'] = {
    getSystemInfo: () => systemInfo(true),

    setupPythonEnv: async ({ variant }) => {
      if (setup?.status === 'running') return setup;
      const chosen = variant === 'auto' ? ((await queryNvidiaSmi()).gpus.length > 0 ? 'cuda' : 'cpu') : variant;
      const jobId = randomBytes(6).toString('hex');
      const first = await new Promise<EnvSetupState>((resolveFirst) => {
        let sent = false;
        void setupPythonEnv({
          dataDir,
          workerDir,
          variant: chosen,
          jobId,
          onProgress: (state) => {
            setup = state;
            ctx.events.emit({ type: 'env.progress', setup: state });
            if (!sent) {
              sent = true;
              resolveFirst(state);
            }
          },
        }).then(() => {
          lastInfo = null;
        });
      });
      return first;
    },
  };

  return { handlers, systemInfo };
}
