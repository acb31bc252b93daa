/**
 * Managing models on a real core: rename, delete with the preview's freed size, the refusals
 * while a run or an evaluation uses a model, and the rule that only files inside the studio's
 * data folder are removed (and only after the row is marked).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempCore, type TempCore } from '../helpers/core';
import { makeTempDir } from '../helpers/tempdir';

function writeFolder(dir: string, files: Record<string, number>): number {
  mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const [name, size] of Object.entries(files)) {
    writeFileSync(join(dir, name), Buffer.alloc(size, 1));
    total += size;
  }
  return total;
}

interface Seeded {
  baseId: number;
  runId: number;
  ckpt: { id: number; path: string; bytes: number }[];
}

/** A base model in <data>/models, a run with two LoRA checkpoints in <data>/runs. */
async function seed(t: TempCore, runStatus: string): Promise<Seeded> {
  const project = await t.call('createProject', { name: 'models' });
  const w = t.core.context.db.write;
  const basePath = join(t.dataDir, 'models', 'base-a');
  writeFolder(basePath, { 'config.json': 20, 'model.safetensors': 4000 });
  const baseId = w
    .prepare<{ id: number }>(`INSERT INTO model (kind, source, name, path, family, status, created_at) VALUES ('base', 'tiny', 'Base A', ?, 'qwen2_vl', 'ready', 'x') RETURNING id`)
    .get(basePath)!.id;
  const runId = w
    .prepare<{ id: number }>(
      `INSERT INTO run (project_id, base_model_id, name, preset, dir, config, snapshot_hash, snapshot_items, status, total_steps, owner_pid, created_at)
       VALUES (?, ?, 'quick · Base A', 'quick', 'r1', '{}', 'h', 3, ?, 10, ?, 'x') RETURNING id`,
    )
    .get(project.id, baseId, runStatus, process.pid)!.id;
  const ckpt = [5, 10].map((step) => {
    const path = join(t.dataDir, 'runs', 'r1', 'output', `checkpoint-${step}`);
    const bytes = writeFolder(path, { 'adapter_config.json': 100, 'adapter_model.safetensors': 1500 * step });
    const id = w
      .prepare<{ id: number }>(
        `INSERT INTO model (kind, source, name, path, family, status, parent_id, run_id, step, created_at) VALUES ('checkpoint', 'run', ?, ?, 'qwen2_vl', 'ready', ?, ?, ?, 'x') RETURNING id`,
      )
      .get(`quick · Base A · stage1 step ${step}`, path, baseId, runId, step)!.id;
    return { id, path, bytes };
  });
  w.prepare('UPDATE run SET last_checkpoint = ? WHERE id = ?').run(ckpt[1]!.path, runId);
  return { baseId, runId, ckpt };
}

describe('models: rename and delete', () => {
  const get = useTempCore();

  it('renames a model, refusing an empty name', async () => {
    const t = get();
    const s = await seed(t, 'completed');
    const renamed = await t.call('renameModel', { modelId: s.ckpt[0]!.id, name: '  early checkpoint ' });
    expect(renamed.name).toBe('early checkpoint');
    expect((await t.call('listModels', {})).find((m) => m.id === s.ckpt[0]!.id)?.name).toBe('early checkpoint');
    await expect(t.call('renameModel', { modelId: s.ckpt[0]!.id, name: '   ' })).rejects.toThrow(/needs a name/);
  });

  it('previews the exact bytes a delete frees, then deletes the row and only then the files', async () => {
    const t = get();
    const s = await seed(t, 'completed');
    const target = s.ckpt[1]!;
    const preview = await t.call('previewDeleteModel', { modelId: target.id });
    expect(preview).toMatchObject({ removesPath: target.path, freesBytes: target.bytes, files: 2, blockedBy: null });
    expect(preview.summary).toContain('and frees 15 KB.');
    const result = await t.call('deleteModel', { modelId: target.id });
    expect(result).toEqual({ modelId: target.id, freedBytes: target.bytes, removedPath: target.path });
    expect(existsSync(target.path)).toBe(false);
    expect(existsSync(s.ckpt[0]!.path)).toBe(true);
    expect((await t.call('listModels', {})).map((m) => m.id)).not.toContain(target.id);
    const row = t.core.context.db.read.prepare<{ deleted_at: string | null }>('SELECT deleted_at FROM model WHERE id = ?').get(target.id);
    expect(row?.deleted_at).not.toBeNull();
    // The run now resumes from the checkpoint that is left.
    expect(t.core.context.db.read.prepare<{ last_checkpoint: string }>('SELECT last_checkpoint FROM run WHERE id = ?').get(s.runId)?.last_checkpoint).toBe(s.ckpt[0]!.path);
    await expect(t.call('deleteModel', { modelId: target.id })).rejects.toThrow(/was deleted/);
    await expect(t.call('renameModel', { modelId: target.id, name: 'x' })).rejects.toThrow(/was deleted/);
  });

  it('refuses, with a sentence and without touching files, while a run uses the model', async () => {
    const t = get();
    const s = await seed(t, 'running');
    const preview = await t.call('previewDeleteModel', { modelId: s.ckpt[0]!.id });
    expect(preview.blockedBy).toBe('Run "quick · Base A" saved it and is still running; delete "quick · Base A · stage1 step 5" once the run has ended or been cancelled.');
    await expect(t.call('deleteModel', { modelId: s.ckpt[0]!.id })).rejects.toThrow(/still running/);
    await expect(t.call('deleteModel', { modelId: s.baseId })).rejects.toThrow(/trains on it and is still running/);
    expect(existsSync(s.ckpt[0]!.path)).toBe(true);
    expect((await t.call('listModels', {})).length).toBe(3);
  });

  it('refuses while a queued evaluation answers with a checkpoint that loads the base', async () => {
    const t = get();
    const s = await seed(t, 'completed');
    const w = t.core.context.db.write;
    w.prepare('PRAGMA foreign_keys = OFF').run();
    w.prepare(`INSERT INTO evaluation (project_id, set_id, name, models, settings, status, created_at) VALUES (1, 99, 'nightly', ?, '{}', 'queued', 'x')`).run(JSON.stringify([s.ckpt[0]!.id]));
    w.prepare('PRAGMA foreign_keys = ON').run();
    expect((await t.call('previewDeleteModel', { modelId: s.ckpt[0]!.id })).blockedBy).toMatch(/^Evaluation "nightly" is queued and answers with/);
    // The base: the evaluation loads it under the checkpoint's adapter.
    expect((await t.call('previewDeleteModel', { modelId: s.baseId })).blockedBy).toMatch(/^Evaluation "nightly" is queued/);
    expect((await t.call('previewDeleteModel', { modelId: s.ckpt[1]!.id })).blockedBy).toBeNull();
  });

  it('keeps a base model while checkpoints load it, and then frees its folder', async () => {
    const t = get();
    const s = await seed(t, 'completed');
    expect((await t.call('previewDeleteModel', { modelId: s.baseId })).blockedBy).toBe('2 checkpoints load "Base A" as their base; delete them (or merge them into a standalone model) first.');
    for (const c of s.ckpt) await t.call('deleteModel', { modelId: c.id });
    const preview = await t.call('previewDeleteModel', { modelId: s.baseId });
    expect(preview).toMatchObject({ blockedBy: null, freesBytes: 4020, files: 2 });
    await t.call('deleteModel', { modelId: s.baseId });
    expect(existsSync(join(t.dataDir, 'models', 'base-a'))).toBe(false);
    expect(await t.call('listModels', {})).toEqual([]);
  });

  it('never removes a folder outside the data directory', async () => {
    const t = get();
    const outside = makeTempDir();
    try {
      writeFolder(outside.path, { 'config.json': 10, 'model.safetensors': 900 });
      const id = t.core.context.db.write
        .prepare<{ id: number }>(`INSERT INTO model (kind, source, name, path, status, created_at) VALUES ('base', 'local', 'Mine', ?, 'ready', 'x') RETURNING id`)
        .get(outside.path)!.id;
      const preview = await t.call('previewDeleteModel', { modelId: id });
      expect(preview).toMatchObject({ removesPath: null, freesBytes: 0, blockedBy: null });
      expect(preview.summary).toContain('stays on disk');
      expect(await t.call('deleteModel', { modelId: id })).toEqual({ modelId: id, freedBytes: 0, removedPath: null });
      expect(existsSync(join(outside.path, 'model.safetensors'))).toBe(true);
      // The same folder can be registered again once the earlier row is deleted.
      t.core.context.db.write.prepare(`INSERT INTO model (kind, source, name, path, status, created_at) VALUES ('base', 'local', 'Mine again', ?, 'ready', 'x')`).run(outside.path);
    } finally {
      outside.cleanup();
    }
  });
});

describe('models: a checkpoint as the base of a new run', () => {
  const get = useTempCore();

  it('trains the LoRA checkpoint further on its run’s base model', async () => {
    const t = get();
    const s = await seed(t, 'completed');
    const project = (await t.call('listProjects', {}))[0]!;
    const preview = await t.call('previewRun', { projectId: project.id, baseModelId: s.ckpt[1]!.id, preset: 'quick' });
    expect(preview.config.model).toEqual({ path_or_id: join(t.dataDir, 'models', 'base-a'), trust_remote_code: false, kind: 'auto', adapter: s.ckpt[1]!.path });
    const fromBase = await t.call('previewRun', { projectId: project.id, baseModelId: s.baseId, preset: 'quick' });
    expect(fromBase.config.model.adapter).toBeNull();
    await t.call('deleteModel', { modelId: s.ckpt[0]!.id });
    await expect(t.call('previewRun', { projectId: project.id, baseModelId: s.ckpt[0]!.id, preset: 'quick' })).rejects.toThrow(/was deleted/);
  });
});
