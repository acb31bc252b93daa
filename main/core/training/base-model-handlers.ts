/**
 * The base model handlers: list models, look at a hub model before downloading it, add a local
 * folder or a hub model (downloaded in the background with progress), and build the tiny CPU test
 * model. trust_remote_code is turned on only by the person at this machine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ModelInfo } from '../../../preload/contract/training.js';
import type { CoreContext } from '../context.js';
import { mkdirPrivateSync } from '../private-files.js';
import { inspectModelFolder } from './backbone.js';
import { insertBaseModel, modelRows, updateModel } from './base-model-rows.js';
import { downloadHub, hubFolderName, inspectHub } from './hub.js';
import { checkModelFolder } from './local-paths.js';
import { lastErrorLine, runPython } from './python-probe.js';
import { pathDetailOf, type TrainingHandlers, type TrainingWorker } from './service-context.js';
import { toModelInfo, type ModelRow } from './store.js';
import { diskSpace } from './system-info.js';

const TRUST_OVER_SERVER =
  "trust_remote_code lets the model folder's own Python code run, so it is turned on only at this machine: in the desktop app (after a confirmation naming the folder) or with `studio train --trust-remote-code`, never over `studio serve`. Add the model without it.";

export type BaseModelHandlers = Pick<TrainingHandlers, 'listBaseModels' | 'inspectHubModel' | 'addBaseModel' | 'buildTinyModel' | 'listModels'>;

export function createBaseModelHandlers(ctx: CoreContext, worker: TrainingWorker): BaseModelHandlers {
  // Only the person at this machine may turn trust_remote_code on or learn why a path fails.
  const localCaller = ctx.options.localCaller;
  const pathDetail = pathDetailOf(ctx);

  /** Asks the person at this machine (the desktop dialog, the CLI flag); a "no" refuses the add. */
  async function confirmTrust(name: string, folder: string): Promise<void> {
    if (!localCaller) throw new StudioError('unauthorized', TRUST_OVER_SERVER);
    if (!(await localCaller.confirmTrustRemoteCode({ name, folder }))) {
      throw new StudioError('invalid_input', `trust_remote_code for ${folder} was not confirmed, so the model was not added; add it without trust_remote_code, or confirm.`);
    }
  }

  async function buildTiny(): Promise<ModelInfo> {
    const dir = join(ctx.paths.models, 'tiny-qwen2-vl');
    const known = ctx.db.read.prepare<ModelRow>(`SELECT * FROM model WHERE kind = 'base' AND source = 'tiny' AND path = ? AND deleted_at IS NULL`).get(dir);
    if (known && existsSync(join(dir, 'config.json'))) return toModelInfo(known);
    const py = worker.requirePython();
    if (!existsSync(join(dir, 'config.json'))) {
      const tmp = `${dir}.building-${randomBytes(3).toString('hex')}`;
      const run = await runPython(py, ['-m', 'cosmo_rl.tiny', '--out', tmp], {
        cwd: worker.workerDir,
        env: { ...process.env, PYTHONPATH: worker.workerDir, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
        timeoutMs: 300_000,
      });
      if (run.code !== 0) {
        rmSync(tmp, { recursive: true, force: true });
        throw new StudioError('internal', `Building the tiny model failed: ${run.spawnError ?? lastErrorLine(run.stderr)}`);
      }
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
    const info = inspectModelFolder(dir);
    if (known) return updateModel(ctx, known.id, { status: 'ready', info });
    return insertBaseModel(ctx, { source: 'tiny', name: 'Tiny Qwen2-VL (random weights, CPU test model)', path: dir, hubId: null, trust: false, status: 'ready', info });
  }

  /** Registers the hub model as downloading, then downloads it in the background with progress. */
  async function addHub(hubId: string, revision: string | undefined, trust: boolean): Promise<ModelInfo> {
    const dir = join(ctx.paths.models, 'hub', hubFolderName(hubId));
    if (trust) await confirmTrust(hubId, dir);
    const py = worker.requirePython();
    const size = await inspectHub(py, hubId, revision);
    if (!size.ok) throw new StudioError('unsupported', size.message);
    const free = diskSpace(ctx.paths.models).freeBytes;
    if (free > 0 && size.value.size > free) {
      throw new StudioError('too_large', `${hubId} needs ${(size.value.size / 1024 ** 3).toFixed(1)} GB but only ${(free / 1024 ** 3).toFixed(1)} GB are free in ${ctx.paths.models}.`);
    }
    mkdirPrivateSync(dir);
    const model = insertBaseModel(ctx, { source: 'hub', name: hubId, path: dir, hubId, trust, status: 'downloading', info: null });
    const total = size.value.size;
    void downloadHub(py, hubId, revision, dir, (done) => {
      updateModel(ctx, model.id, { download: { doneBytes: done, totalBytes: total, error: null } });
    }).then((result) => {
      if (result.ok) updateModel(ctx, model.id, { status: 'ready', info: inspectModelFolder(dir), download: { doneBytes: total, totalBytes: total, error: null } });
      else updateModel(ctx, model.id, { status: 'failed', download: { doneBytes: 0, totalBytes: total, error: result.message } });
    });
    // A retry of a failed (or an earlier) download is downloading again, not still failed.
    return updateModel(ctx, model.id, { status: 'downloading', download: { doneBytes: 0, totalBytes: total, error: null } });
  }

  return {
    listBaseModels: () => modelRows(ctx, `kind = 'base'`),

    inspectHubModel: async ({ hubId, revision }) => {
      const answer = await inspectHub(worker.requirePython(), hubId, revision);
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
        return insertBaseModel(ctx, { source: 'local', name, path, hubId: null, trust: input.trustRemoteCode, status: 'ready', info });
      }
      return addHub(input.hubId, input.revision, input.trustRemoteCode);
    },

    buildTinyModel: () => buildTiny(),

    listModels: ({ kind, runId }) => {
      if (runId) return modelRows(ctx, 'run_id = ?', runId);
      if (kind) return modelRows(ctx, 'kind = ?', kind);
      return modelRows(ctx, '');
    },
  };
}
