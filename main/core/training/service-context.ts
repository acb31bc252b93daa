/**
 * What the training handler modules share: the handler types (typed from the training registry
 * itself, so the modules stand on their own), the worker's whereabouts and its Python, and who
 * may learn why a path fails.
 */
import type { z } from 'zod';
import { StudioError } from '../../../preload/contract/errors.js';
import type { trainingMethods } from '../../../preload/contract/training.js';
import type { CoreContext } from '../context.js';
import type { PathDetail } from './local-paths.js';
import type { FrozenSnapshot } from './snapshot.js';

export type TrainingMethodName =
  | 'getSystemInfo'
  | 'setupPythonEnv'
  | 'listBaseModels'
  | 'inspectHubModel'
  | 'addBaseModel'
  | 'buildTinyModel'
  | 'previewRun'
  | 'startRun'
  | 'cancelRun'
  | 'resumeRun'
  | 'listRuns'
  | 'getRun'
  | 'listModels';
type TrainingMethods = typeof trainingMethods;
/** Typed from the training registry itself, so this module stands on its own (the core spreads it into StudioHandlers). */
export type TrainingHandlers = {
  [K in TrainingMethodName]: (input: z.output<TrainingMethods[K]['input']>) => Promise<z.output<TrainingMethods[K]['output']>> | z.output<TrainingMethods[K]['output']>;
};

/** Writes the project's dataset snapshot into a new folder inside `runDir`. */
export type FreezeSnapshot = (projectId: number, runDir: string) => Promise<FrozenSnapshot>;

export const PYTHON_MISSING = 'No Python environment for training was found: set one up from the System panel (or set STUDIO_PYTHON to an interpreter that has the worker requirements).';

/** The Python worker as the handler modules reach it. */
export interface TrainingWorker {
  /** The native-models/ folder the worker runs from. */
  workerDir: string;
  /** STUDIO_PYTHON (or the option that stands in for it). */
  envPython: string | undefined;
  /** The worker's Python interpreter, or null when none is found (PYTHON_MISSING says what to do). */
  python(): string | null;
  /** The same, or an `unsupported` error saying how to set one up. */
  requirePython(): string;
}

export function requirePythonOf(python: () => string | null): () => string {
  return () => {
    const p = python();
    if (!p) throw new StudioError('unsupported', PYTHON_MISSING);
    return p;
  };
}

/** Only the person at this machine may learn precisely why a path fails. */
export function pathDetailOf(ctx: CoreContext): PathDetail {
  return ctx.options.localCaller ? 'precise' : 'uniform';
}
