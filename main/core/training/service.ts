/**
 * The training handlers of StudioApi: environment, base models, run preview/start/cancel/resume,
 * runs and the models their checkpoints became. One instance per core (it owns the job manager).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../../../preload/contract/errors.js';
import { RunConfig, type RunSettings } from '../../../preload/contract/run-config.js';
import type { EnvSetupState, ModelInfo, RunDetail, RunPreview, RunRequest, RunWarning, SystemInfo, trainingMethods } from '../../../preload/contract/training.js';
import { nowIso, type CoreContext } from '../context.js';
import { estimateGpuMemory, inspectModelFolder, type BackboneInfo } from './backbone.js';
import { checkModelFolder, verifierProblem, type PathDetail } from './local-paths.js';
import { recordRunVerifier, requireRunVerifier, verifierOfSettings, withLearnedReward } from '../verifiers/run-lineage.js';
import { mkdirPrivateSync, writePrivateFileSync } from '../private-files.js';
import { downloadHub, hubFolderName, inspectHub } from './hub.js';
import { JobManager } from './jobs.js';
import { presetSettings, totalSteps } from './presets.js';
import { setupPythonEnv } from './python-env.js';
import { lastErrorLine, runPython } from './python-probe.js';
import { parseRunConfig, shellQuote, workerCommandLine } from './run-config.js';
import { getModelRow, getRunRow, metricSeries, runConfigOf, toModelInfo, toRunSummary, type ModelRow, type RunRow } from './store.js';
import { runStart, type RunStart } from './run-start.js';
import { collectSystemInfo, diskSpace, locatePython, queryNvidiaSmi } from './system-info.js';
import { freezeSnapshot, projectFacts, snapshotFacts, snapshotLabelSource, type FrozenSnapshot } from './snapshot.js';
import { datasetStats, runWarnings, type DatasetStats } from './warnings.js';
import { ProbeEvent, SampleEvent, toRollout } from './worker-events.js';
import { freezeProbeSample, PROBE_FOLDER, probeSeries, requireProbeSet } from './probes.js';
import { locateWorkerDir } from './worker-dir.js';

const TRUST_OVER_SERVER =
  'trust_remote_code lets the model folder\'s own Python code run, so it is turned on only at this machine: in the desktop app (after a confirmation naming the folder) or with `studio train --trust-remote-code`, never over `studio serve`. Add the model without it.';

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

export const PYTHON_MISSING =
  'No Python environment for training was found: set one up from the System panel (or set STUDIO_PYTHON to an interpreter that has the worker requirements).';

function throwBlockers(warnings: readonly RunWarning[]): void {
  const blockers = warnings.filter((w) => w.severity === 'blocker');
  if (blockers.length === 0) return;
  throw new StudioError(
    'invalid_input',
    `The run cannot start: ${blockers[0]!.message}`,
    blockers.map((b) => ({ file: 'run', line: null, field: b.code, message: b.message })),
  );
}

function runDirName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
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
  const dataDir = ctx.paths.root;
  // Only the person at this machine may turn trust_remote_code on or learn why a path fails.
  const localCaller = ctx.options.localCaller;
  const pathDetail: PathDetail = localCaller ? 'precise' : 'uniform';
  const python = () => locatePython({ dataDir, workerDir, envPython })?.path ?? null;
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
  let setup: EnvSetupState | null = null;
  let lastInfo: SystemInfo | null = null;

  const requirePython = (): string => {
    const p = python();
    if (!p) throw new StudioError('unsupported', PYTHON_MISSING);
    return p;
  };

  async function systemInfo(fresh: boolean): Promise<SystemInfo> {
    if (!fresh && lastInfo) return { ...lastInfo, setup };
    lastInfo = await collectSystemInfo({ dataDir, workerDir, envPython, setup });
    return lastInfo;
  }

  const modelRows = (where: string, ...params: (string | number)[]) =>
    ctx.db.read.prepare<ModelRow>(`SELECT * FROM model WHERE deleted_at IS NULL ${where ? `AND ${where}` : ''} ORDER BY id`).all(...params).map(toModelInfo);

  /** Asks the person at this machine (the desktop dialog, the CLI flag); a "no" refuses the add. */
  async function confirmTrust(name: string, folder: string): Promise<void> {
    if (!localCaller) throw new StudioError('unauthorized', TRUST_OVER_SERVER);
    if (!(await localCaller.confirmTrustRemoteCode({ name, folder }))) {
      throw new StudioError('invalid_input', `trust_remote_code for ${folder} was not confirmed, so the model was not added; add it without trust_remote_code, or confirm.`);
    }
  }

  function insertBaseModel(fields: { source: 'local' | 'hub' | 'tiny'; name: string; path: string; hubId: string | null; trust: boolean; status: 'ready' | 'downloading'; info: BackboneInfo | null }): ModelInfo {
    const existing = ctx.db.read.prepare<ModelRow>(`SELECT * FROM model WHERE kind = 'base' AND path = ? AND deleted_at IS NULL`).get(fields.path);
    if (existing && fields.trust && existing.trust_remote_code !== 1) {
      // Turning trust on for a folder already registered (confirmed by the caller just before).
      const updated = ctx.db.write.prepare<ModelRow>('UPDATE model SET trust_remote_code = 1 WHERE id = ? RETURNING *').get(existing.id);
      const model = toModelInfo(updated ?? existing);
      ctx.events.emit({ type: 'model.changed', model });
      return model;
    }
    if (existing) return toModelInfo(existing);
    const info = fields.info;
    const row = ctx.db.write
      .prepare<ModelRow>(
        `INSERT INTO model (kind, source, name, path, hub_id, model_type, family, info, status, trust_remote_code, created_at)
         VALUES ('base', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        fields.source,
        fields.name,
        fields.path,
        fields.hubId,
        info?.modelType ?? null,
        info?.family ?? null,
        JSON.stringify({ unsupportedReason: info?.unsupportedReason ?? null, vision: info?.vision ?? false, parameters: info?.parameters ?? null, sizeBytes: info?.sizeBytes ?? null }),
        fields.status,
        fields.trust ? 1 : 0,
        nowIso(ctx),
      );
    if (!row) throw new StudioError('internal', 'registering the model returned no row');
    const model = toModelInfo(row);
    ctx.events.emit({ type: 'model.changed', model });
    return model;
  }

  function updateModel(id: number, patch: { status?: ModelRow['status']; info?: BackboneInfo; download?: { doneBytes: number; totalBytes: number | null; error: string | null } }): ModelInfo {
    const row = getModelRow(ctx.db.read, id);
    const extra = JSON.parse(row.info) as Record<string, unknown>;
    if (patch.info) Object.assign(extra, { unsupportedReason: patch.info.unsupportedReason, vision: patch.info.vision, parameters: patch.info.parameters, sizeBytes: patch.info.sizeBytes });
    if (patch.download) extra.download = patch.download;
    const updated = ctx.db.write
      .prepare<ModelRow>('UPDATE model SET status = ?, info = ?, model_type = ?, family = ? WHERE id = ? RETURNING *')
      .get(patch.status ?? row.status, JSON.stringify(extra), patch.info?.modelType ?? row.model_type, patch.info ? patch.info.family : row.family, id);
    const model = toModelInfo(updated ?? row);
    ctx.events.emit({ type: 'model.changed', model });
    return model;
  }

  function modelBackbone(row: ModelRow): BackboneInfo {
    return inspectModelFolder(row.path);
  }

  const freeze: FreezeSnapshot = opts.freezeSnapshot ?? ((projectId, runDir) => freezeSnapshot(ctx, projectId, runDir));

  function buildConfig(settings: RunSettings, start: RunStart, runDir: string, snapshotDir: string): RunConfig {
    const model = start.base;
    return RunConfig.parse({
      schema_version: 1,
      model: { path_or_id: model.path, trust_remote_code: model.trust_remote_code === 1, kind: 'auto', adapter: start.adapter },
      ...settings,
      // The worker reads the probe prompts startRun freezes into the run folder (probes.ts).
      probe: settings.probe ? { ...settings.probe, items: join(runDir, PROBE_FOLDER) } : null,
      dataset: snapshotDir,
      output_dir: join(runDir, 'output'),
    });
  }

  async function evaluate(req: RunRequest, stats: DatasetStats, runDir: string, snapshotDir: string): Promise<RunPreview> {
    const start = runStart(ctx.db.read, req.baseModelId);
    const model = start.base;
    const chosen = req.settings ?? presetSettings(req.preset, new Set(Object.keys(stats.byTask)));
    if (chosen.probe) requireProbeSet(ctx, req.projectId, chosen.probe.evaluation_set_id);
    // A learned verifier of this project named by id: the reward's learned tier runs its model.onnx.
    const settings = req.verifierId === undefined ? chosen : withLearnedReward(chosen, requireRunVerifier(ctx.db.read, req.projectId, req.verifierId));
    const config = buildConfig(settings, start, runDir, snapshotDir);
    const info = modelBackbone(model);
    const sys = await systemInfo(false);
    const gpu = sys.gpus.reduce<number | null>((m, g) => Math.max(m ?? 0, g.memoryTotalMb), null);
    const memory = estimateGpuMemory(model.path, info, settings, gpu);
    const envProblem = sys.problems.find((p) => p.blocking);
    const { tier: verifierTier, path: verifierPath } = settings.reward.verifier;
    const warnings = runWarnings({
      settings,
      stats,
      model: { name: model.name, status: model.status, info },
      memory,
      hasGpu: sys.gpus.length > 0 && (sys.torch?.cudaAvailable ?? false),
      envProblem: envProblem ? `${envProblem.message} ${envProblem.advice}` : null,
      verifierProblem: verifierTier !== 'rules' && verifierPath ? verifierProblem(verifierTier, verifierPath, pathDetail) : null,
    });
    const project = ctx.db.read.prepare<{ name: string }>('SELECT name FROM project WHERE id = ?').get(req.projectId);
    const py = python() ?? 'python';
    return {
      settings,
      config,
      commandLine: workerCommandLine(py, workerDir, join(runDir, 'config.json')),
      cliCommand: `studio train --project ${shellQuote(project?.name ?? String(req.projectId))} --preset ${req.preset} --data-dir ${shellQuote(dataDir)}${req.settings ? ' --config settings.json' : ''}`,
      warnings,
      memory,
      dataset: { items: stats.items, images: stats.images, byTask: stats.byTask, harmful: stats.harmful, benign: stats.benign },
      canStart: !warnings.some((w) => w.severity === 'blocker'),
    };
  }

  function requireProject(projectId: number): void {
    if (!ctx.db.read.prepare('SELECT 1 FROM project WHERE id = ?').get(projectId)) throw new StudioError('not_found', `There is no project ${projectId}.`);
  }

  async function buildTiny(): Promise<ModelInfo> {
    const dir = join(ctx.paths.models, 'tiny-qwen2-vl');
    const known = ctx.db.read.prepare<ModelRow>(`SELECT * FROM model WHERE kind = 'base' AND source = 'tiny' AND path = ? AND deleted_at IS NULL`).get(dir);
    if (known && existsSync(join(dir, 'config.json'))) return toModelInfo(known);
    const py = requirePython();
    if (!existsSync(join(dir, 'config.json'))) {
      const tmp = `${dir}.building-${randomBytes(3).toString('hex')}`;
      const run = await runPython(py, ['-m', 'cosmo_rl.tiny', '--out', tmp], { cwd: workerDir, env: { ...process.env, PYTHONPATH: workerDir, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' }, timeoutMs: 300_000 });
      if (run.code !== 0) {
        rmSync(tmp, { recursive: true, force: true });
        throw new StudioError('internal', `Building the tiny model failed: ${run.spawnError ?? lastErrorLine(run.stderr)}`);
      }
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
    const info = inspectModelFolder(dir);
    if (known) return updateModel(known.id, { status: 'ready', info });
    return insertBaseModel({ source: 'tiny', name: 'Tiny Qwen2-VL (random weights, CPU test model)', path: dir, hubId: null, trust: false, status: 'ready', info });
  }

  const handlers: TrainingHandlers = {
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

    listBaseModels: () => modelRows(`kind = 'base'`),

    inspectHubModel: async ({ hubId, revision }) => {
      const answer = await inspectHub(requirePython(), hubId, revision);
      if (!answer.ok) throw new StudioError('unsupported', answer.message);
      return {
        hubId,
        revision: answer.value.revision,
        files: answer.value.files,
        sizeBytes: answer.value.size,
        path: join(ctx.paths.models, 'hub', hubFolderName(hubId)),
        freeBytes: diskSpace(ctx.paths.models).freeBytes,
      };
    },

    addBaseModel: async (input) => {
      if (input.trustRemoteCode && !localCaller) throw new StudioError('unauthorized', TRUST_OVER_SERVER);
      if (input.source === 'local') {
        const path = resolve(input.path);
        if (!isAbsolute(input.path)) throw new StudioError('invalid_input', `Give the model folder as an absolute path (got "${input.path}").`);
        const info = checkModelFolder(path, pathDetail);
        const name = input.name?.trim() || path.split(/[\\/]/).filter(Boolean).pop() || path;
        if (input.trustRemoteCode) await confirmTrust(name, path);
        return insertBaseModel({ source: 'local', name, path, hubId: null, trust: input.trustRemoteCode, status: 'ready', info });
      }
      const dir = join(ctx.paths.models, 'hub', hubFolderName(input.hubId));
      if (input.trustRemoteCode) await confirmTrust(input.hubId, dir);
      const py = requirePython();
      const size = await inspectHub(py, input.hubId, input.revision);
      if (!size.ok) throw new StudioError('unsupported', size.message);
      const free = diskSpace(ctx.paths.models).freeBytes;
      if (free > 0 && size.value.size > free) {
        throw new StudioError('too_large', `${input.hubId} needs ${(size.value.size / 1024 ** 3).toFixed(1)} GB but only ${(free / 1024 ** 3).toFixed(1)} GB are free in ${ctx.paths.models}.`);
      }
      mkdirPrivateSync(dir);
      const model = insertBaseModel({ source: 'hub', name: input.hubId, path: dir, hubId: input.hubId, trust: input.trustRemoteCode, status: 'downloading', info: null });
      const total = size.value.size;
      void downloadHub(py, input.hubId, input.revision, dir, (done) => {
        updateModel(model.id, { download: { doneBytes: done, totalBytes: total, error: null } });
      }).then((result) => {
        if (result.ok) updateModel(model.id, { status: 'ready', info: inspectModelFolder(dir), download: { doneBytes: total, totalBytes: total, error: null } });
        else updateModel(model.id, { status: 'failed', download: { doneBytes: 0, totalBytes: total, error: result.message } });
      });
      // A retry of a failed (or an earlier) download is downloading again, not still failed.
      return updateModel(model.id, { status: 'downloading', download: { doneBytes: 0, totalBytes: total, error: null } });
    },

    buildTinyModel: () => buildTiny(),

    previewRun: async (req) => {
      requireProject(req.projectId);
      const { facts, labelSource } = await projectFacts(ctx, req.projectId);
      const stats = datasetStats(facts, labelSource);
      const runDir = join(ctx.paths.runs, '<new run>');
      return evaluate(req, stats, runDir, join(runDir, '<snapshot>'));
    },

    startRun: async (req) => {
      requireProject(req.projectId);
      getModelRow(ctx.db.read, req.baseModelId);
      // Refuse before writing anything when the labels or the environment cannot support the run.
      const current = await projectFacts(ctx, req.projectId);
      const before = await evaluate(req, datasetStats(current.facts, current.labelSource), join(ctx.paths.runs, '<new run>'), '<snapshot>');
      throwBlockers(before.warnings);
      const dirName = runDirName(ctx.clock.now());
      const runDir = join(ctx.paths.runs, dirName);
      mkdirPrivateSync(runDir);
      try {
        // Freeze first: the warnings and the run are decided on exactly what the worker will read.
        const snapshot = await freeze(req.projectId, runDir);
        const preview = await evaluate(req, datasetStats(snapshotFacts(snapshot.path), snapshotLabelSource(snapshot.path)), runDir, snapshot.path);
        throwBlockers(preview.warnings);
        if (preview.settings.probe) freezeProbeSample(ctx, req.projectId, preview.settings.probe, preview.settings.seed, runDir, snapshot.path);
        const config = parseRunConfig(preview.config, 'run config');
        mkdirPrivateSync(config.output_dir);
        writePrivateFileSync(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
        writePrivateFileSync(join(runDir, 'warnings.json'), `${JSON.stringify(preview.warnings, null, 2)}\n`);
        const model = getModelRow(ctx.db.read, req.baseModelId);
        if (model.deleted_at !== null) throw new StudioError('not_found', `Model "${model.name}" was deleted.`);
        const name = req.name?.trim() || `${req.preset} · ${model.name}`;
        const lineage = verifierOfSettings(ctx.db.read, req.projectId, preview.settings);
        const row = ctx.db.write.transaction(() => {
          const created = ctx.db.write
            .prepare<{ id: number }>(
              `INSERT INTO run (project_id, base_model_id, name, preset, dir, config, snapshot_hash, snapshot_items, status, total_steps, owner_pid, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING id`,
            )
            .get(
              req.projectId,
              req.baseModelId,
              name,
              req.settings ? `${req.preset} (edited)` : req.preset,
              dirName,
              JSON.stringify(config),
              snapshot.hash,
              snapshot.items,
              totalSteps(config),
              process.pid,
              nowIso(ctx),
            );
          // The run and the verifier its reward uses are recorded together (its lineage, run-lineage.ts).
          if (created && lineage) recordRunVerifier(ctx.db.write, created.id, lineage, nowIso(ctx));
          return created;
        });
        if (!row) throw new StudioError('internal', 'creating the run returned no row');
        ctx.log.info('run created', { runId: row.id, dir: runDir, snapshot: snapshot.hash });
        jobs.enqueue(row.id);
        return jobs.summary(row.id);
      } catch (err) {
        rmSync(runDir, { recursive: true, force: true });
        throw err;
      }
    },

    cancelRun: ({ runId }) => jobs.cancel(runId),

    resumeRun: ({ runId }) => {
      const run = getRunRow(ctx.db.read, runId);
      const summary = jobs.summary(runId);
      if (run.status === 'completed') throw new StudioError('conflict', `Run ${runId} already completed.`);
      if (!summary.canResume) {
        if (['queued', 'running', 'cancelling'].includes(run.status)) throw new StudioError('conflict', `Run ${runId} is ${run.status}.`);
        throw new StudioError('conflict', `Run ${runId} has no checkpoint to resume from; start a new run instead.`);
      }
      ctx.db.write.prepare(`UPDATE run SET status = 'queued', exit_reason = NULL, finished_at = NULL, owner_pid = ? WHERE id = ?`).run(process.pid, runId);
      jobs.enqueue(runId);
      return jobs.summary(runId);
    },

    listRuns: ({ projectId }) => {
      const rows = projectId
        ? ctx.db.read.prepare<RunRow>('SELECT * FROM run WHERE project_id = ? ORDER BY id DESC').all(projectId)
        : ctx.db.read.prepare<RunRow>('SELECT * FROM run ORDER BY id DESC').all();
      const positions = jobs.queuePositions();
      return rows.map((r) => toRunSummary(r, positions.get(r.id) ?? null));
    },

    getRun: ({ runId, sinceStep, samples }): RunDetail => {
      const row = getRunRow(ctx.db.read, runId);
      const config = runConfigOf(row);
      const db = ctx.db.read;
      const events = db
        .prepare<{ type: string; step: number | null; data: string; time: string }>(`SELECT type, step, data, time FROM run_event WHERE run_id = ? ORDER BY id`)
        .all(runId);
      const sampleRows = events.filter((e) => e.type === 'sample').slice(-samples);
      const modelByStep = new Map(
        db.prepare<{ id: number; step: number }>(`SELECT id, step FROM model WHERE run_id = ?`).all(runId).map((m) => [m.step, m.id]),
      );
      const counts: Record<string, number> = {};
      for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
      counts.metrics = (db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM run_metric WHERE run_id = ?').get(runId)?.n ?? 0);
      const runDir = join(ctx.paths.runs, row.dir);
      return {
        run: jobs.summary(runId),
        config,
        commandLine: workerCommandLine(python() ?? 'python', workerDir, join(runDir, 'config.json'), row.attempts > 0),
        metrics: metricSeries(db, runId, sinceStep),
        samples: sampleRows.map((e) => {
          const d = SampleEvent.parse(JSON.parse(e.data));
          return { step: d.step, stage: d.stage, time: d.time, rollouts: d.rollouts.map(toRollout) };
        }),
        checkpoints: events
          .filter((e) => e.type === 'checkpoint')
          .map((e) => {
            const d = JSON.parse(e.data) as { step: number; stage: string; path: string };
            return { step: d.step, stage: d.stage, path: d.path, modelId: modelByStep.get(d.step) ?? null, time: e.time };
          }),
        events: events
          .filter((e) => e.type === 'log' || e.type === 'error')
          .slice(-200)
          .map((e) => {
            const d = JSON.parse(e.data) as { level?: 'debug' | 'info' | 'warning' | 'error'; message: string; advice?: string | null };
            return { time: e.time, level: e.type === 'error' ? 'error' : (d.level ?? 'info'), message: d.advice ? `${d.message} ${d.advice}` : d.message };
          }),
        logTail: row.log_tail || readTail(join(runDir, 'worker.log')),
        logPath: join(runDir, 'worker.log'),
        counts,
        probes: probeSeries(events.filter((e) => e.type === 'probe').map((e) => ProbeEvent.parse(JSON.parse(e.data)))),
      };
    },

    listModels: ({ kind, runId }) => {
      if (runId) return modelRows('run_id = ?', runId);
      if (kind) return modelRows('kind = ?', kind);
      return modelRows('');
    },
  };

  return { handlers, jobs, workerDir, python, close: () => jobs.close() };
}

/** The last 16 KB of a log file, for a run still going (its tail is stored when it ends). */
function readTail(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-16_000);
  } catch {
    return '';
  }
}
