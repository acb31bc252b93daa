/**
 * The closed loop on the real worker: a learned verifier of the project (the worker's trainer,
 * exported to ONNX) named by id in startRun becomes the reward's learned tier on its model.onnx;
 * the tiny model trains to the end with it; the run records the verifier, the labels snapshot it
 * learned from and its accuracy against people; getRunLineage reads labels -> verifier -> reward
 * -> checkpoints. A verifier of another project, or one whose model is gone, is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../preload/contract/training.js';
import { openTempCore, type TempCore } from '../helpers/core.js';
import { registerTestVerifier, trainTestVerifier } from '../helpers/learned-verifier.js';
import { workerPython } from '../helpers/python.js';
import { labelledProject } from './training-project.js';

const python = workerPython();

async function ended(t: TempCore, runId: number): Promise<RunSummary> {
  for (;;) {
    const run = (await t.call('getRun', { runId })).run;
    if (!['queued', 'running', 'cancelling'].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe.skipIf(!python)('a run rewarded by the project’s own learned verifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-lineage-'));
  const savedPython = process.env.STUDIO_PYTHON;
  let t: TempCore;
  let projectId: number;
  let tinyId: number;
  let verifierId: number;
  let folder: string;

  beforeAll(async () => {
    process.env.STUDIO_PYTHON = python!;
    folder = trainTestVerifier(python!, dir);
    t = await openTempCore();
    projectId = await labelledProject(t);
    verifierId = registerTestVerifier(t.core.context.db.write, projectId, folder);
    tinyId = (await t.call('buildTinyModel', {})).id;
  }, 300_000);
  afterAll(() => {
    t?.close();
    rmSync(dir, { recursive: true, force: true });
    if (savedPython === undefined) delete process.env.STUDIO_PYTHON;
    else process.env.STUDIO_PYTHON = savedPython;
  });

  it('trains with the verifier’s model.onnx as the reward and records the lineage', async () => {
    const preview = await t.call('previewRun', { projectId, baseModelId: tinyId, preset: 'quick', verifierId });
    expect(preview.config.reward.verifier).toEqual({ tier: 'learned', path: join(folder, 'model.onnx') });
    expect(preview.canStart).toBe(true);
    const run = await t.call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', verifierId, name: 'closed loop' });
    const end = await ended(t, run.id);
    expect(end.status, end.exitReason ?? '').toBe('completed');
    const lineage = await t.call('getRunLineage', { runId: run.id });
    expect(lineage).toMatchObject({
      runId: run.id,
      labelsSnapshot: 'a'.repeat(64),
      verifier: { id: verifierId, name: 'learned-1', accuracy: 0.85, kappa: 0.78, heldOut: 40 },
      reward: { tier: 'learned', path: join(folder, 'model.onnx') },
      evaluations: [],
    });
    expect(lineage.checkpoints.map((c) => c.step)).toEqual([2, 4]);
  }, 300_000);

  it('a run without a learned verifier has no verifier in its lineage', async () => {
    const preview = await t.call('previewRun', { projectId, baseModelId: tinyId, preset: 'quick' });
    expect(preview.config.reward.verifier.tier).toBe('rules');
  });

  it('refuses a verifier of another project, and one whose model.onnx is gone, before writing anything', async () => {
    const other = await t.call('createProject', { name: 'other' });
    const foreign = registerTestVerifier(t.core.context.db.write, other.id, folder, 'foreign');
    await expect(t.call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', verifierId: foreign })).rejects.toThrow(/has no learned verifier/);
    const gone = registerTestVerifier(t.core.context.db.write, projectId, join(dir, 'nowhere'), 'gone');
    const runsBefore = (await t.call('listRuns', { projectId })).length;
    await expect(t.call('startRun', { projectId, baseModelId: tinyId, preset: 'quick', verifierId: gone })).rejects.toThrow(/no model.onnx/);
    expect((await t.call('listRuns', { projectId })).length).toBe(runsBefore);
  });
});
