/**
 * Training: the Python environment, base models, runs and the models their checkpoints become.
 *
 * The flow a UI follows:
 * 1. `getSystemInfo` shows what was found (Python, torch, CUDA, GPUs, disk) and, for anything
 *    missing, one sentence saying what to do; `setupPythonEnv` builds the environment, with
 *    `env.progress` events while it installs.
 * 2. `listBaseModels` / `addBaseModel` (a local folder, or a hub id: `inspectHubModel` shows its
 *    size first, then the download sends `model.changed` events) / `buildTinyModel`.
 * 3. `previewRun` with a preset (and, once the user edits the form, the full `settings`) returns
 *    the exact config, the equivalent command lines, the warnings the labels raise and a GPU
 *    memory estimate. `startRun` with the same input freezes the dataset snapshot and launches.
 * 4. `run.status` / `run.progress` / `run.metrics` / `run.sample` events stream a run live;
 *    `getRun` returns everything stored about it. `cancelRun`, `resumeRun`.
 * 5. `listModels` lists base models and every checkpoint a run produced.
 */
import { z } from 'zod';
import { ProbePoint } from './probes.js';
import { RunConfig, RunSettings } from './run-config.js';

const Id = z.number().int().positive();
const Empty = z.object({}).strict();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

// ---------------------------------------------------------------- environment and system

export const PythonSource = z.enum([
  /** STUDIO_PYTHON environment variable. */
  'env_var',
  /** native-models/.venv, made by scripts/python-env.sh in a source checkout. */
  'repo_venv',
  /** <dataDir>/python-env, made by setupPythonEnv. */
  'app_venv',
]);
export type PythonSource = z.infer<typeof PythonSource>;

export const GpuInfo = z.object({
  index: z.number().int(),
  name: z.string(),
  memoryTotalMb: z.number().int(),
  /** From nvidia-smi; null when only torch reported the GPU. */
  memoryUsedMb: z.number().int().nullable(),
  /** Which probe saw it. */
  seenBy: z.array(z.enum(['torch', 'nvidia-smi'])),
});
export type GpuInfo = z.infer<typeof GpuInfo>;

export const SystemProblem = z.object({
  area: z.enum(['python', 'packages', 'worker', 'gpu', 'disk']),
  /** What is wrong, e.g. "torch is not installed in /x/python-env". */
  message: z.string(),
  /** What to do, in one plain sentence. */
  advice: z.string(),
  /** True when training cannot start until this is fixed (a missing GPU is not blocking: runs go to the CPU). */
  blocking: z.boolean(),
});
export type SystemProblem = z.infer<typeof SystemProblem>;

export const EnvSetupState = z.object({
  jobId: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  variant: z.enum(['cpu', 'cuda']),
  phase: z.enum(['venv', 'torch', 'requirements', 'verify', 'done']),
  /** 0..100 */
  percent: z.number(),
  /** The latest readable line, e.g. "Installing transformers". */
  message: z.string(),
  /** Full pip output, for the user to read. */
  logPath: z.string(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type EnvSetupState = z.infer<typeof EnvSetupState>;

export const SystemInfo = z.object({
  python: z.object({
    path: z.string().nullable(),
    source: PythonSource.nullable(),
    version: z.string().nullable(),
  }),
  /** Worker dependencies and their installed versions (null: missing). */
  packages: z.record(z.string(), z.string().nullable()),
  torch: z
    .object({
      version: z.string(),
      /** CUDA version torch was built with; null for a CPU build. */
      cuda: z.string().nullable(),
      cudaAvailable: z.boolean(),
      mpsAvailable: z.boolean(),
    })
    .nullable(),
  nvidiaSmi: z.object({ found: z.boolean(), driverVersion: z.string().nullable() }),
  gpus: z.array(GpuInfo),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number() }),
  problems: z.array(SystemProblem),
  /** True when a run can start (possibly on the CPU). */
  ready: z.boolean(),
  /** The running or last environment setup of this session. */
  setup: EnvSetupState.nullable(),
  checkedAt: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

// ---------------------------------------------------------------- models

export const MODEL_FAMILIES = ['qwen2_vl', 'qwen2_5_vl', 'causal_lm'] as const;
export const ModelFamily = z.enum(MODEL_FAMILIES);

export const ModelInfo = z.object({
  id: z.number().int(),
  kind: z.enum(['base', 'checkpoint']),
  source: z.enum(['local', 'hub', 'tiny', 'run']),
  name: z.string(),
  path: z.string(),
  hubId: z.string().nullable(),
  /** config.json's model_type. */
  modelType: z.string().nullable(),
  family: ModelFamily.nullable(),
  supported: z.boolean(),
  /** Why a run cannot use it, in one sentence; null when supported. */
  unsupportedReason: z.string().nullable(),
  /** Has a vision tower (image items can be trained on). */
  vision: z.boolean(),
  /** Estimated parameter count (from config.json), null when unknown. */
  parameters: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  status: z.enum(['ready', 'downloading', 'failed']),
  download: z.object({ doneBytes: z.number(), totalBytes: z.number().nullable(), error: z.string().nullable() }).nullable(),
  trustRemoteCode: z.boolean(),
  /** Checkpoints: the base model, run and step they came from, and the metrics at that step. */
  parentModelId: z.number().int().nullable(),
  runId: z.number().int().nullable(),
  step: z.number().int().nullable(),
  metrics: z.record(z.string(), z.number()).nullable(),
  createdAt: z.string(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const HubModelPreview = z.object({
  hubId: z.string(),
  revision: z.string().nullable(),
  files: z.number().int(),
  sizeBytes: z.number(),
  /** Where it would be downloaded. */
  path: z.string(),
  freeBytes: z.number(),
});
export type HubModelPreview = z.infer<typeof HubModelPreview>;

const HubId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a hub id looks like owner/name');

export const AddBaseModelInput = z.discriminatedUnion('source', [
  z.object({ source: z.literal('local'), path: z.string().min(1).max(4096), name: z.string().max(200).optional(), trustRemoteCode: z.boolean().default(false) }),
  z.object({ source: z.literal('hub'), hubId: HubId, revision: z.string().max(200).optional(), trustRemoteCode: z.boolean().default(false) }),
]);

// ---------------------------------------------------------------- runs

export const RUN_PRESETS = ['quick', 'standard'] as const;
export const RunPreset = z.enum(RUN_PRESETS);
export type RunPreset = z.infer<typeof RunPreset>;

export const RUN_STATUSES = ['queued', 'running', 'cancelling', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunRequest = z.object({
  projectId: Id,
  baseModelId: Id,
  /** The starting point of the form; ignored for fields `settings` gives. */
  preset: RunPreset.default('quick'),
  /** The full form once the user edited it (from a previous preview's `settings`). */
  settings: RunSettings.optional(),
  name: z.string().trim().max(200).optional(),
  /**
   * A learned verifier of this project (listVerifiers) as the reward's verifier: the learned tier
   * on its exported model.onnx. The run records it with its labels snapshot and accuracy (getRunLineage).
   */
  verifierId: Id.optional(),
});
export type RunRequest = z.infer<typeof RunRequest>;

export const RunWarning = z.object({
  code: z.string(),
  /** `blocker`: startRun refuses; `warning`: the run starts, but the user should know. */
  severity: z.enum(['blocker', 'warning']),
  message: z.string(),
});
export type RunWarning = z.infer<typeof RunWarning>;

export const MemoryEstimate = z.object({
  /** What the run is expected to need on the GPU, in MB. */
  neededMb: z.number(),
  /** The GPU's memory (largest GPU), null without one. */
  availableMb: z.number().nullable(),
  fits: z.boolean().nullable(),
  /** How the number was made, in one sentence. */
  basis: z.string(),
});
export type MemoryEstimate = z.infer<typeof MemoryEstimate>;

export const DatasetCounts = z.object({
  /** Items whose labels make them trainable (the snapshot's items). */
  items: z.number().int(),
  images: z.number().int(),
  byTask: z.record(z.string(), z.number().int()),
  harmful: z.number().int(),
  benign: z.number().int(),
});
export type DatasetCounts = z.infer<typeof DatasetCounts>;

export const RunPreview = z.object({
  settings: RunSettings,
  /** The document written to runs/<id>/config.json; `dataset` and `output_dir` name the folder the run will get. */
  config: RunConfig,
  /** The worker invocation the job manager runs. */
  commandLine: z.string(),
  /** The same run, headless, with the studio CLI. */
  cliCommand: z.string(),
  warnings: z.array(RunWarning),
  memory: MemoryEstimate,
  dataset: DatasetCounts,
  canStart: z.boolean(),
});
export type RunPreview = z.infer<typeof RunPreview>;

export const RunSummary = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  baseModelId: z.number().int(),
  name: z.string(),
  preset: z.string(),
  status: RunStatus,
  /** Position in the queue (1 = next), null unless queued. */
  queuePosition: z.number().int().nullable(),
  stage: z.string().nullable(),
  step: z.number().int(),
  totalSteps: z.number().int(),
  etaSeconds: z.number().nullable(),
  device: z.string().nullable(),
  gpuName: z.string().nullable(),
  snapshotHash: z.string(),
  snapshotItems: z.number().int(),
  exitReason: z.string().nullable(),
  error: z.string().nullable(),
  advice: z.string().nullable(),
  lastCheckpoint: z.string().nullable(),
  /** True when resumeRun can continue it (it ended early and a checkpoint exists). */
  canResume: z.boolean(),
  attempts: z.number().int(),
  dir: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  firstMetricAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const MetricPoint = z.object({ step: z.number().int(), stage: z.string(), time: z.string(), values: z.record(z.string(), z.number()) });
export type MetricPoint = z.infer<typeof MetricPoint>;

export const Rollout = z.object({
  itemId: z.string(),
  task: z.string(),
  prompt: z.string(),
  /** Absolute path of the snapshot image on the host, null for text-only prompts. */
  image: z.string().nullable(),
  /** The image's blob hash (snapshot images are named by it), for the blob URL / protocol; null when unknown. */
  imageSha256: z.string().nullable(),
  completion: z.string(),
  rewards: z.object({
    format: z.number().nullable(),
    visual: z.number().nullable(),
    helpful: z.number().nullable(),
    task: z.number().nullable(),
    total: z.number().nullable(),
  }),
});
export type Rollout = z.infer<typeof Rollout>;

export const RunSample = z.object({ step: z.number().int(), stage: z.string(), time: z.string(), rollouts: z.array(Rollout) });
export type RunSample = z.infer<typeof RunSample>;

export const RunLogEntry = z.object({
  time: z.string(),
  level: z.enum(['debug', 'info', 'warning', 'error']),
  message: z.string(),
});
export type RunLogEntry = z.infer<typeof RunLogEntry>;

export const RunDetail = z.object({
  run: RunSummary,
  config: RunConfig,
  commandLine: z.string(),
  /** Every metric row from `sinceStep` on, in step order. */
  metrics: z.array(MetricPoint),
  /** The latest sample events (newest last). */
  samples: z.array(RunSample),
  checkpoints: z.array(z.object({ step: z.number().int(), stage: z.string(), path: z.string(), modelId: z.number().int().nullable(), time: z.string() })),
  /** Worker log events and error events, newest last. */
  events: z.array(RunLogEntry),
  /** Last lines of the worker's stderr (also in runs/<id>/worker.log). */
  logTail: z.string(),
  logPath: z.string(),
  counts: z.record(z.string(), z.number().int()),
  /** Probe points in step order (the last one per step when a resumed run repeated a step). */
  probes: z.array(ProbePoint),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const trainingMethods = {
  getSystemInfo: method(Empty, SystemInfo),
  /** Creates <dataDir>/python-env and installs the pinned requirements; resolves once started (follow env.progress). */
  setupPythonEnv: method(z.object({ variant: z.enum(['auto', 'cpu', 'cuda']).default('auto') }), EnvSetupState),

  listBaseModels: method(Empty, z.array(ModelInfo)),
  /** A hub model's file count and download size, before anything is downloaded. */
  inspectHubModel: method(z.object({ hubId: HubId, revision: z.string().max(200).optional() }), HubModelPreview),
  /** A local folder is checked (config.json, supported backbone) and registered; a hub id starts a resumable download. */
  addBaseModel: method(AddBaseModelInput, ModelInfo),
  /** Builds (once) the tiny random-weight Qwen2-VL the worker can train on a CPU in seconds. */
  buildTinyModel: method(Empty, ModelInfo),

  previewRun: method(RunRequest, RunPreview),
  startRun: method(RunRequest, RunSummary),
  /** Asks the worker to save a checkpoint and stop; a queued run is simply cancelled. */
  cancelRun: method(z.object({ runId: Id }), RunSummary),
  /** Continues an interrupted, cancelled or failed run from its last checkpoint. */
  resumeRun: method(z.object({ runId: Id }), RunSummary),
  listRuns: method(z.object({ projectId: Id.optional() }), z.array(RunSummary)),
  getRun: method(z.object({ runId: Id, sinceStep: z.number().int().min(0).default(0), samples: z.number().int().min(0).max(100).default(5) }), RunDetail),
  listModels: method(z.object({ kind: z.enum(['base', 'checkpoint']).optional(), runId: Id.optional() }), z.array(ModelInfo)),
} as const;

/** Events pushed while training; added to StudioEvent. */
export const trainingEvents = [
  z.object({ type: z.literal('run.status'), run: RunSummary }),
  z.object({
    type: z.literal('run.progress'),
    runId: z.number().int(),
    stage: z.string(),
    step: z.number().int(),
    totalSteps: z.number().int(),
    stageStep: z.number().int(),
    stageTotal: z.number().int(),
    etaSeconds: z.number().nullable(),
  }),
  z.object({ type: z.literal('run.metrics'), runId: z.number().int(), point: MetricPoint }),
  z.object({ type: z.literal('run.probe'), runId: z.number().int(), point: ProbePoint }),
  z.object({ type: z.literal('run.sample'), runId: z.number().int(), sample: RunSample }),
  z.object({ type: z.literal('env.progress'), setup: EnvSetupState }),
  z.object({ type: z.literal('model.changed'), model: ModelInfo }),
] as const;
