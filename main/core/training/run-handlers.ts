/**
 * The run handlers: preview a run, start it (the dataset snapshot frozen into a new run folder,
 * then queued on the job manager), cancel, resume from its last checkpoint, and list runs.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import type { RunConfig } from '../../../preload/contract/run-config.js';
import type { RunRequest, RunWarning } from '../../../preload/contract/training.js';
import type { LearnedVerifier } from '../../../preload/contract/verifiers.js';
import { nowIso, type CoreContext } from '../context.js';
import { mkdirPrivateSync, writePrivateFileSync } from '../private-files.js';
import { recordRunVerifier, verifierOfSettings } from '../verifiers/run-lineage.js';
import type { JobManager } from './jobs.js';
import { totalSteps } from './presets.js';
import { freezeProbeSample } from './probes.js';
import { parseRunConfig } from './run-config.js';
import type { EvaluateRun } from './run-preview.js';
import type { FreezeSnapshot, TrainingHandlers } from './service-context.js';
import { projectFacts, snapshotFacts, snapshotLabelSource, type FrozenSnapshot } from './snapshot.js';
import { getModelRow, getRunRow, toRunSummary, type RunRow } from './store.js';
import { datasetStats } from './warnings.js';

export type RunHandlers = Pick<TrainingHandlers, 'previewRun' | 'startRun' | 'cancelRun' | 'resumeRun' | 'listRuns'>;

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

function requireProject(ctx: CoreContext, projectId: number): void {
  if (!ctx.db.read.prepare('SELECT 1 FROM project WHERE id = ?').get(projectId)) throw new StudioError('not_found', `There is no project ${projectId}.`);
}

export function createRunHandlers(ctx: CoreContext, jobs: JobManager, evaluate: EvaluateRun, freeze: FreezeSnapshot): RunHandlers {
  /** The queued run's row, and the verifier its reward uses recorded with it (its lineage, run-lineage.ts). */
  function insertRun(req: RunRequest, name: string, dirName: string, config: RunConfig, snapshot: FrozenSnapshot, lineage: LearnedVerifier | null): { id: number } {
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
      if (created && lineage) recordRunVerifier(ctx.db.write, created.id, lineage, nowIso(ctx));
      return created;
    });
    if (!row) throw new StudioError('internal', 'creating the run returned no row');
    return row;
  }

  return {
    previewRun: async (req) => {
      requireProject(ctx, req.projectId);
      const { facts, labelSource } = await projectFacts(ctx, req.projectId);
      const stats = datasetStats(facts, labelSource);
      const runDir = join(ctx.paths.runs, '<new run>');
      return evaluate(req, stats, runDir, join(runDir, '<snapshot>'));
    },

    startRun: async (req) => {
      requireProject(ctx, req.projectId);
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
        const row = insertRun(req, name, dirName, config, snapshot, lineage);
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
  };
}
