/**
 * The models handlers of StudioApi (preload/contract/models.ts): rename, delete with a preview of
 * what it frees, merge a LoRA checkpoint into a standalone base model, export a model as a
 * safetensors folder, and one chat reply through the worker.
 *
 * Delete marks the row first (one transaction that re-checks nothing uses the model) and only
 * then removes the files, so a failure never leaves a listed model without files; files outside
 * the studio's data folder (a local model the person added) are never removed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../../../preload/contract/errors.js';
import type { modelsMethods } from '../../../preload/contract/models.js';
import type { ModelInfo } from '../../../preload/contract/training.js';
import { nowIso, type CoreContext } from '../context.js';
import { mkdirPrivateSync, writePrivateFileSync } from '../private-files.js';
import { inspectModelFolder } from './backbone.js';
import { deleteBlocker, folderSize, formatBytes, isInside } from './model-usage.js';
import { generateArgs, loadSpec, mergeArgs, runWorkerJob, type Worker } from './model-worker.js';
import { getModelRow, toModelInfo, type ModelRow } from './store.js';

type ModelsMethods = typeof modelsMethods;
export type ModelsHandlers = {
  [K in keyof ModelsMethods]: (input: z.output<ModelsMethods[K]['input']>) => Promise<z.output<ModelsMethods[K]['output']>> | z.output<ModelsMethods[K]['output']>;
};

const IMAGE_EXT: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif' };

export function modelsHandlers(ctx: CoreContext, worker: Worker): ModelsHandlers {
  const liveModel = (id: number): ModelRow => {
    const row = getModelRow(ctx.db.read, id);
    if (row.deleted_at !== null) throw new StudioError('not_found', `Model "${row.name}" was deleted.`);
    return row;
  };
  const emit = (row: ModelRow): ModelInfo => {
    const model = toModelInfo(row);
    ctx.events.emit({ type: 'model.changed', model });
    return model;
  };

  function deletePlan(row: ModelRow) {
    const removesPath = isInside(ctx.paths.root, row.path) && existsSync(row.path) ? row.path : null;
    const size = removesPath ? folderSize(removesPath) : { bytes: 0, files: 0 };
    const blockedBy = deleteBlocker(ctx.db.read, row);
    const summary = removesPath
      ? `Deleting "${row.name}" removes ${size.files} file${size.files === 1 ? '' : 's'} in ${removesPath} and frees ${formatBytes(size.bytes)}.`
      : `Deleting "${row.name}" removes it from the studio's lists; its folder ${row.path} is outside the studio's data folder and stays on disk (nothing is freed).`;
    return { removesPath, freesBytes: size.bytes, files: size.files, blockedBy, summary };
  }

  /** A fresh folder under <data>/models/merged/ for a merge. */
  function mergedFolder(name: string): string {
    const slug =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 60) || 'model';
    return join(ctx.paths.models, 'merged', `${slug}-${randomBytes(3).toString('hex')}`);
  }

  const progress = (modelId: number, job: 'merge' | 'export') => (e: { type: string; stage?: string; step?: number; total_steps?: number }) => {
    if (e.type !== 'progress' || e.step === undefined || !e.total_steps) return;
    ctx.events.emit({ type: 'model.job', modelId, job, stage: e.stage ?? '', percent: Math.round((100 * (e.step - 1)) / e.total_steps) });
  };

  return {
    renameModel: ({ modelId, name }) => {
      liveModel(modelId);
      const row = ctx.db.write.prepare<ModelRow>('UPDATE model SET name = ? WHERE id = ? RETURNING *').get(name, modelId);
      if (!row) throw new StudioError('not_found', `There is no model ${modelId}.`);
      return emit(row);
    },

    previewDeleteModel: ({ modelId }) => {
      const row = liveModel(modelId);
      return { model: toModelInfo(row), ...deletePlan(row) };
    },

    deleteModel: ({ modelId }) => {
      const w = ctx.db.write;
      const { row, plan } = w.transaction(() => {
        const current = getModelRow(w, modelId);
        if (current.deleted_at !== null) throw new StudioError('not_found', `Model "${current.name}" was deleted.`);
        const found = deletePlan(current);
        if (found.blockedBy) throw new StudioError('conflict', found.blockedBy);
        w.prepare('UPDATE model SET deleted_at = ? WHERE id = ?').run(nowIso(ctx), modelId);
        if (current.run_id !== null) {
          // A run resumes from its last live checkpoint; with none left it starts over (canResume false).
          const last = w.prepare<{ path: string }>(`SELECT path FROM model WHERE run_id = ? AND deleted_at IS NULL ORDER BY step DESC LIMIT 1`).get(current.run_id);
          w.prepare('UPDATE run SET last_checkpoint = ? WHERE id = ? AND last_checkpoint = ?').run(last?.path ?? null, current.run_id, current.path);
        }
        return { row: current, plan: found };
      });
      // The row is marked; a file that cannot be removed now is reported, the model stays deleted.
      if (plan.removesPath) {
        try {
          rmSync(plan.removesPath, { recursive: true, force: true });
        } catch (err) {
          ctx.log.warn('model files not removed', { modelId, path: plan.removesPath, error: String(err) });
          throw new StudioError(
            'internal',
            `"${row.name}" is deleted, but its folder ${plan.removesPath} could not be removed (${err instanceof Error ? err.message : String(err)}); remove it by hand.`,
          );
        }
      }
      ctx.log.info('model deleted', { modelId, path: row.path, freedBytes: plan.freesBytes });
      ctx.events.emit({ type: 'model.deleted', modelId });
      return { modelId, freedBytes: plan.freesBytes, removedPath: plan.removesPath };
    },

    mergeModel: async ({ modelId, name }) => {
      const row = liveModel(modelId);
      const spec = loadSpec(ctx.db.read, row);
      if (!spec.adapter) throw new StudioError('invalid_input', `"${row.name}" is not a LoRA checkpoint: it is already a standalone model (export it instead).`);
      const finalName = name ?? `${row.name} (merged)`;
      const out = mergedFolder(finalName);
      mkdirPrivateSync(dirname(out));
      try {
        await runWorkerJob(worker, 'cosmo_rl.merge', mergeArgs(spec, out), progress(modelId, 'merge'));
      } catch (err) {
        rmSync(out, { recursive: true, force: true });
        throw err;
      }
      const info = inspectModelFolder(out);
      const inserted = ctx.db.write
        .prepare<ModelRow>(
          `INSERT INTO model (kind, source, name, path, model_type, family, info, status, trust_remote_code, parent_id, created_at)
           VALUES ('base', 'local', ?, ?, ?, ?, ?, 'ready', ?, ?, ?) RETURNING *`,
        )
        .get(
          finalName,
          out,
          info.modelType,
          info.family,
          JSON.stringify({ unsupportedReason: info.unsupportedReason, vision: info.vision, parameters: info.parameters, sizeBytes: info.sizeBytes, mergedFrom: row.id }),
          spec.trustRemoteCode ? 1 : 0,
          row.id,
          nowIso(ctx),
        );
      if (!inserted) throw new StudioError('internal', 'registering the merged model returned no row');
      ctx.events.emit({ type: 'model.job', modelId, job: 'merge', stage: 'done', percent: 100 });
      return emit(inserted);
    },

    exportModel: async ({ modelId, folder }) => {
      const row = liveModel(modelId);
      if (!isAbsolute(folder)) throw new StudioError('invalid_input', `Give the export folder as an absolute path (got "${folder}").`);
      const out = resolve(folder);
      if (existsSync(out)) throw new StudioError('conflict', `${out} already exists; pick a folder that does not exist yet.`);
      if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new StudioError('invalid_input', `${dirname(out)} does not exist; create it first.`);
      await runWorkerJob(worker, 'cosmo_rl.merge', mergeArgs(loadSpec(ctx.db.read, row), out), progress(modelId, 'export'));
      ctx.events.emit({ type: 'model.job', modelId, job: 'export', stage: 'done', percent: 100 });
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(dir, e.name));
          else files.push(relative(out, join(dir, e.name)));
        }
      };
      walk(out);
      return { path: out, files: files.sort(), sizeBytes: folderSize(out).bytes };
    },

    chatWithModel: async ({ modelId, turns, image, maxNewTokens, temperature }) => {
      const row = liveModel(modelId);
      if (turns[turns.length - 1]!.role !== 'user') throw new StudioError('invalid_input', 'The conversation must end with a user message.');
      const spec = loadSpec(ctx.db.read, row);
      const dir = join(ctx.paths.root, 'chat', `${Date.now()}-${randomBytes(3).toString('hex')}`);
      mkdirPrivateSync(dir);
      try {
        const messages: Record<string, unknown>[] = turns.map((t) => ({ role: t.role, content: t.text }));
        if (image) {
          const match = /^data:image\/(png|jpeg|webp|gif);base64,(.*)$/.exec(image)!;
          const file = `image.${IMAGE_EXT[match[1]!]}`;
          writePrivateFileSync(join(dir, file), Buffer.from(match[2]!, 'base64'));
          const first = messages.find((m) => m.role === 'user')!;
          first.image = file;
        }
        writePrivateFileSync(join(dir, 'chat.jsonl'), `${JSON.stringify({ id: 'chat', messages })}\n`);
        const started = Date.now();
        await runWorkerJob(worker, 'cosmo_rl.generate', generateArgs(spec, dir, { maxNewTokens, temperature }));
        const line = readFileSync(join(dir, 'reply.jsonl'), 'utf8')
          .split('\n')
          .find((l) => l.trim());
        if (!line) throw new StudioError('internal', 'The worker finished without a reply.');
        const reply = JSON.parse(line) as { response: string; prompt_tokens: number; completion_tokens: number };
        return { text: reply.response, promptTokens: reply.prompt_tokens, completionTokens: reply.completion_tokens, seconds: (Date.now() - started) / 1000 };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
