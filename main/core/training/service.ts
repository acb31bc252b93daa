/**
 * The training handlers of StudioApi, composed from one module per concern: the environment
 * (env-handlers.ts), base models (base-model-handlers.ts), runs (run-preview.ts, run-handlers.ts)
 * and one run's detail (run-detail.ts). One instance per core (it owns the job manager).
 */
import { join } from 'node:path';
import type { CoreContext } from '../context.js';
import { createBaseModelHandlers } from './base-model-handlers.js';
import { createTrainingEnvironment } from './env-handlers.js';
import { JobManager } from './jobs.js';
import { createRunDetail } from './run-detail.js';
import { createRunHandlers } from './run-handlers.js';
import { createRunPreview } from './run-preview.js';
import { PYTHON_MISSING, requirePythonOf, type FreezeSnapshot, type TrainingHandlers, type TrainingWorker } from './service-context.js';
import { freezeSnapshot } from './snapshot.js';
import { locatePython } from './system-info.js';
import { locateWorkerDir } from './worker-dir.js';

export { PYTHON_MISSING, type FreezeSnapshot, type TrainingHandlers, type TrainingMethodName } from './service-context.js';

export interface TrainingOptions {
  /** Default: the export service's snapshot (snapshot.ts). */
  freezeSnapshot?: FreezeSnapshot;
  /** Defaults: STUDIO_WORKER_DIR or the native-models/ folder found above this module. */
  workerDir?: string;
  /** Defaults to STUDIO_PYTHON. */
  envPython?: string;
  cancelGraceMs?: number;
  extraWorkerEnv?: Record<string, string>;
  /** True while an evaluation holds the GPU (studio.ts wires the evaluation jobs in). */
  deviceBusy?: () => boolean;
}

export interface Training {
  handlers: TrainingHandlers;
  jobs: JobManager;
  workerDir: string;
  /** The worker's Python interpreter, or null when none is found (PYTHON_MISSING says what to do). */
  python(): string | null;
  close(): void;
}

export function createTraining(ctx: CoreContext, opts: TrainingOptions): Training {
  const workerDir = opts.workerDir ?? locateWorkerDir() ?? join(ctx.paths.root, 'native-models-missing');
  const envPython = opts.envPython ?? process.env.STUDIO_PYTHON;
  const python = () => locatePython({ dataDir: ctx.paths.root, workerDir, envPython })?.path ?? null;
  const worker: TrainingWorker = { workerDir, envPython, python, requirePython: requirePythonOf(python) };
  const jobs = new JobManager({
    readOnly: ctx.options.readOnly === true,
    db: ctx.db,
    events: ctx.events,
    log: ctx.log.child({ component: 'training' }),
    clock: ctx.clock,
    runsDir: ctx.paths.runs,
    workerDir,
    python,
    pythonMissing: PYTHON_MISSING,
    cancelGraceMs: opts.cancelGraceMs,
    extraEnv: opts.extraWorkerEnv,
    deviceBusy: opts.deviceBusy,
  });
  const environment = createTrainingEnvironment(ctx, worker);
  const freeze: FreezeSnapshot = opts.freezeSnapshot ?? ((projectId, runDir) => freezeSnapshot(ctx, projectId, runDir));
  const evaluate = createRunPreview(ctx, worker, environment.systemInfo);

  const handlers: TrainingHandlers = {
    ...environment.handlers,
    ...createBaseModelHandlers(ctx, worker),
    ...createRunHandlers(ctx, jobs, evaluate, freeze),
    ...createRunDetail(ctx, worker, jobs),
  };

  return { handlers, jobs, workerDir, python, close: () => jobs.close() };
}
