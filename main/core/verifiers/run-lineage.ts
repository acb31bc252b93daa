/**
 * Closing the loop: a run whose reward uses a learned verifier trained from the project's own
 * labels. `startRun({ verifierId })` points the reward's learned tier at that verifier's exported
 * model.onnx (the worker's LearnedVerifier loads it, cosmo_rl/verifiers/learned.py); a run whose
 * settings name a registered verifier's folder or model.onnx directly counts too. The run
 * records the verifier with its labels snapshot and held-out figures (run_verifier, 0018), and
 * getRunLineage reads the chain: labels -> verifier -> reward -> checkpoints -> evaluations.
 */
import { join, resolve } from 'node:path';
import type { ReadableDB, WritableDB } from '../../../db/handles.js';
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { RunLineage } from '../../../preload/contract/lineage.js';
import { RunConfig, type RunSettings } from '../../../preload/contract/run-config.js';
import type { LearnedVerifier } from '../../../preload/contract/verifiers.js';
import type { CoreContext } from '../context.js';
import { currentVerifierRows, verifierById } from './models.js';

/** The verifier a run asks for by id: it must be this project's and still have its model.onnx. */
export function requireRunVerifier(db: ReadableDB, projectId: number, verifierId: number): LearnedVerifier {
  const verifier = verifierById(db, verifierId);
  if (!verifier || verifier.projectId !== projectId) throw new StudioError('not_found', `Project ${projectId} has no learned verifier ${verifierId}.`);
  if (!currentVerifierRows(db, projectId).some((v) => v.id === verifierId)) {
    throw new StudioError('invalid_input', `Learned verifier "${verifier.name}" has no model.onnx at ${verifier.path} any more; train it again.`);
  }
  return verifier;
}

/** The settings with the reward's verifier set to the learned tier on this verifier's model.onnx. */
export function withLearnedReward(settings: RunSettings, verifier: LearnedVerifier): RunSettings {
  return { ...settings, reward: { ...settings.reward, verifier: { tier: 'learned', path: join(verifier.path, 'model.onnx') } } };
}

/** The registered verifier of the project that these settings' learned tier names (folder or model.onnx), else null. */
export function verifierOfSettings(db: ReadableDB, projectId: number, settings: RunSettings): LearnedVerifier | null {
  const { tier, path } = settings.reward.verifier;
  if (tier !== 'learned' || !path) return null;
  const wanted = resolve(path);
  return currentVerifierRows(db, projectId).find((v) => resolve(v.path) === wanted || resolve(v.path, 'model.onnx') === wanted) ?? null;
}

export function recordRunVerifier(db: WritableDB, runId: number, verifier: LearnedVerifier, createdAt: string): void {
  const h = verifier.card.held_out;
  db.prepare('INSERT INTO run_verifier (run_id, verifier_id, snapshot_hash, accuracy, kappa, held_out, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    runId,
    verifier.id,
    verifier.snapshotHash,
    h.accuracy,
    h.kappa,
    h.n,
    createdAt,
  );
}

export function runLineage(db: ReadableDB, runId: number): RunLineage {
  const run = db.prepare<{ id: number; config: string }>('SELECT id, config FROM run WHERE id = ?').get(runId);
  if (!run) throw new StudioError('not_found', `There is no run ${runId}.`);
  const config = RunConfig.parse(JSON.parse(run.config));
  const recorded = db
    .prepare<{ verifier_id: number; name: string; snapshot_hash: string; accuracy: number; kappa: number | null; held_out: number }>(
      'SELECT rv.verifier_id, v.name, rv.snapshot_hash, rv.accuracy, rv.kappa, rv.held_out FROM run_verifier rv JOIN verifier v ON v.id = rv.verifier_id WHERE rv.run_id = ?',
    )
    .get(runId);
  const checkpoints = db
    .prepare<{ id: number; step: number; name: string }>('SELECT id, step, name FROM model WHERE run_id = ? ORDER BY step')
    .all(runId)
    .map((m) => ({ modelId: m.id, step: m.step, name: m.name }));
  const ids = new Set(checkpoints.map((c) => c.modelId));
  const evaluations = ids.size
    ? db
        .prepare<{ id: number; name: string; status: string; models: string }>(
          `SELECT e.id, e.name, e.status, e.models FROM evaluation e
           WHERE EXISTS (SELECT 1 FROM json_each(e.models) j WHERE j.value IN (SELECT value FROM json_each(?))) ORDER BY e.id`,
        )
        .all(JSON.stringify([...ids]))
        .map((e) => ({ id: e.id, name: e.name, status: e.status, modelIds: (JSON.parse(e.models) as number[]).filter((m) => ids.has(m)) }))
    : [];
  return {
    runId,
    labelsSnapshot: recorded?.snapshot_hash ?? null,
    verifier: recorded ? { id: recorded.verifier_id, name: recorded.name, accuracy: recorded.accuracy, kappa: recorded.kappa, heldOut: recorded.held_out } : null,
    reward: { tier: config.reward.verifier.tier, path: config.reward.verifier.path },
    checkpoints,
    evaluations,
  };
}

export function lineageHandlers(ctx: CoreContext): Pick<StudioHandlers, 'getRunLineage'> {
  return { getRunLineage: ({ runId }) => runLineage(ctx.db.read, runId) };
}
