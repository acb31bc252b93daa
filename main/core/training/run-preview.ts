/**
 * What a run would be, before it starts: the exact worker config, the equivalent command lines,
 * the warnings the labels and this machine raise, and a GPU memory estimate. previewRun answers it
 * over the live labels; startRun asks again over the frozen snapshot before it launches.
 */
import { join } from 'node:path';
import { RunConfig, type RunSettings } from '../../../preload/contract/run-config.js';
import type { RunPreview, RunRequest, SystemInfo } from '../../../preload/contract/training.js';
import type { CoreContext } from '../context.js';
import { requireRunVerifier, withLearnedReward } from '../verifiers/run-lineage.js';
import { estimateGpuMemory, inspectModelFolder } from './backbone.js';
import { verifierProblem } from './local-paths.js';
import { presetSettings } from './presets.js';
import { PROBE_FOLDER, requireProbeSet } from './probes.js';
import { shellQuote, workerCommandLine } from './run-config.js';
import { runStart, type RunStart } from './run-start.js';
import { pathDetailOf, type TrainingWorker } from './service-context.js';
import { runWarnings, type DatasetStats } from './warnings.js';

/** The preview of `req` over `stats`, as if its folder were `runDir` and its snapshot `snapshotDir`. */
export type EvaluateRun = (req: RunRequest, stats: DatasetStats, runDir: string, snapshotDir: string) => Promise<RunPreview>;

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

export function createRunPreview(ctx: CoreContext, worker: TrainingWorker, systemInfo: (fresh: boolean) => Promise<SystemInfo>): EvaluateRun {
  const dataDir = ctx.paths.root;
  const pathDetail = pathDetailOf(ctx);

  return async function evaluate(req, stats, runDir, snapshotDir) {
    const start = runStart(ctx.db.read, req.baseModelId);
    const model = start.base;
    const chosen = req.settings ?? presetSettings(req.preset, new Set(Object.keys(stats.byTask)));
    if (chosen.probe) requireProbeSet(ctx, req.projectId, chosen.probe.evaluation_set_id);
    // A learned verifier of this project named by id: the reward's learned tier runs its model.onnx.
    const settings = req.verifierId === undefined ? chosen : withLearnedReward(chosen, requireRunVerifier(ctx.db.read, req.projectId, req.verifierId));
    const config = buildConfig(settings, start, runDir, snapshotDir);
    const info = inspectModelFolder(model.path);
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
    const py = worker.python() ?? 'python';
    return {
      settings,
      config,
      commandLine: workerCommandLine(py, worker.workerDir, join(runDir, 'config.json')),
      cliCommand: `studio train --project ${shellQuote(project?.name ?? String(req.projectId))} --preset ${req.preset} --data-dir ${shellQuote(dataDir)}${req.settings ? ' --config settings.json' : ''}`,
      warnings,
      memory,
      dataset: { items: stats.items, images: stats.images, byTask: stats.byTask, harmful: stats.harmful, benign: stats.benign },
      canStart: !warnings.some((w) => w.severity === 'blocker'),
    };
  };
}
