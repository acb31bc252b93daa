/**
 * Rows of the training tables (db/migrations/0003_training.ts) and their contract shapes.
 * Every write is one transaction; reads use the read connection.
 */
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import { RunConfig } from '../../../preload/contract/run-config.js';
import type { MetricPoint, ModelInfo, RunStatus, RunSummary } from '../../../preload/contract/training.js';
import { StudioError } from '../../../preload/contract/errors.js';

export interface ModelRow {
  id: number;
  kind: 'base' | 'checkpoint';
  source: 'local' | 'hub' | 'tiny' | 'run';
  name: string;
  path: string;
  hub_id: string | null;
  model_type: string | null;
  family: string | null;
  info: string;
  status: 'ready' | 'downloading' | 'failed';
  trust_remote_code: number;
  parent_id: number | null;
  run_id: number | null;
  step: number | null;
  metrics: string | null;
  created_at: string;
  /** Set once a person deleted it (migration 0020): the row stays for what names it, the files are gone. */
  deleted_at: string | null;
}

/** The `info` JSON column of a model. */
export interface ModelExtra {
  unsupportedReason?: string | null;
  vision?: boolean;
  parameters?: number | null;
  sizeBytes?: number | null;
  download?: { doneBytes: number; totalBytes: number | null; error: string | null } | null;
}

export function toModelInfo(row: ModelRow): ModelInfo {
  const extra = JSON.parse(row.info) as ModelExtra;
  const family = row.family === 'qwen2_vl' || row.family === 'qwen2_5_vl' || row.family === 'causal_lm' ? row.family : null;
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    name: row.name,
    path: row.path,
    hubId: row.hub_id,
    modelType: row.model_type,
    family,
    supported: family !== null,
    unsupportedReason: family === null ? (extra.unsupportedReason ?? 'not inspected yet') : null,
    vision: extra.vision ?? false,
    parameters: extra.parameters ?? null,
    sizeBytes: extra.sizeBytes ?? null,
    status: row.status,
    download: extra.download ?? null,
    trustRemoteCode: row.trust_remote_code === 1,
    parentModelId: row.parent_id,
    runId: row.run_id,
    step: row.step,
    metrics: row.metrics ? (JSON.parse(row.metrics) as Record<string, number>) : null,
    createdAt: row.created_at,
  };
}

export function getModelRow(db: ReadableDB, id: number): ModelRow {
  const row = db.prepare<ModelRow>('SELECT * FROM model WHERE id = ?').get(id);
  if (!row) throw new StudioError('not_found', `There is no model ${id}.`);
  return row;
}

export interface RunRow {
  id: number;
  project_id: number;
  base_model_id: number;
  name: string;
  preset: string;
  dir: string;
  config: string;
  snapshot_hash: string;
  snapshot_items: number;
  status: RunStatus;
  device: string | null;
  gpu_name: string | null;
  stage: string | null;
  step: number;
  total_steps: number;
  eta_seconds: number | null;
  exit_reason: string | null;
  error: string | null;
  advice: string | null;
  log_tail: string;
  last_checkpoint: string | null;
  final_checkpoint: string | null;
  attempts: number;
  /** The studio process that queued or runs it (migration 0005). */
  owner_pid: number | null;
  created_at: string;
  started_at: string | null;
  first_metric_at: string | null;
  finished_at: string | null;
}

export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'cancelling'];
const RESUMABLE: readonly RunStatus[] = ['interrupted', 'cancelled', 'failed'];

export function toRunSummary(row: RunRow, queuePosition: number | null): RunSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    baseModelId: row.base_model_id,
    name: row.name,
    preset: row.preset,
    status: row.status,
    queuePosition: row.status === 'queued' ? queuePosition : null,
    stage: row.stage,
    step: row.step,
    totalSteps: row.total_steps,
    etaSeconds: row.eta_seconds,
    device: row.device,
    gpuName: row.gpu_name,
    snapshotHash: row.snapshot_hash,
    snapshotItems: row.snapshot_items,
    exitReason: row.exit_reason,
    error: row.error,
    advice: row.advice,
    lastCheckpoint: row.last_checkpoint,
    canResume: RESUMABLE.includes(row.status) && row.last_checkpoint !== null,
    attempts: row.attempts,
    dir: row.dir,
    createdAt: row.created_at,
    startedAt: row.started_at,
    firstMetricAt: row.first_metric_at,
    finishedAt: row.finished_at,
  };
}

export function getRunRow(db: ReadableDB, id: number): RunRow {
  const row = db.prepare<RunRow>('SELECT * FROM run WHERE id = ?').get(id);
  if (!row) throw new StudioError('not_found', `There is no run ${id}.`);
  return row;
}

export function runConfigOf(row: RunRow): RunConfig {
  return RunConfig.parse(JSON.parse(row.config));
}

/** Applies a patch of run columns in one statement (column names are fixed keys of RunRow). */
export function updateRun(db: WritableDB, id: number, patch: Partial<Omit<RunRow, 'id'>>): void {
  const entries = Object.entries(patch) as [string, string | number | null | undefined][];
  if (entries.length === 0) return;
  const sql = `UPDATE run SET ${entries.map(([k]) => `${k} = @${k}`).join(', ')} WHERE id = @id`;
  const params: Record<string, string | number | null> = { id };
  for (const [k, v] of entries) params[k] = v ?? null;
  db.prepare(sql).run(params);
}

export function metricSeries(db: ReadableDB, runId: number, sinceStep: number): MetricPoint[] {
  return db
    .prepare<{ step: number; stage: string; metric_values: string; time: string }>('SELECT step, stage, metric_values, time FROM run_metric WHERE run_id = ? AND step >= ? ORDER BY step')
    .all(runId, sinceStep)
    .map((r) => ({ step: r.step, stage: r.stage, time: r.time, values: JSON.parse(r.metric_values) as Record<string, number> }));
}

/** The metric row at `step`, or the latest one before it (a checkpoint's metrics). */
/**
 * The metrics a checkpoint at `step` stands for: the latest value of each metric up to that step.
 * One metric row rarely holds every name (rewards and safety rates arrive only on steps that
 * sampled a new rollout batch), so the rows are merged oldest first rather than taking the last.
 */
export function metricsAt(db: ReadableDB, runId: number, step: number): Record<string, number> | null {
  const rows = db.prepare<{ metric_values: string }>('SELECT metric_values FROM run_metric WHERE run_id = ? AND step <= ? ORDER BY step ASC').all(runId, step);
  if (rows.length === 0) return null;
  const merged: Record<string, number> = {};
  for (const row of rows) Object.assign(merged, JSON.parse(row.metric_values) as Record<string, number>);
  return merged;
}
