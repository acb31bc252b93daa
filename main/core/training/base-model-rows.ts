/**
 * The writes of base model rows the training handlers make (register, status, download progress),
 * each announced as `model.changed`; and the model list queries.
 */
import { StudioError } from '../../../preload/contract/errors.js';
import type { ModelInfo } from '../../../preload/contract/training.js';
import { nowIso, type CoreContext } from '../context.js';
import type { BackboneInfo } from './backbone.js';
import { getModelRow, toModelInfo, type ModelRow } from './store.js';

export interface NewBaseModel {
  source: 'local' | 'hub' | 'tiny';
  name: string;
  path: string;
  hubId: string | null;
  trust: boolean;
  status: 'ready' | 'downloading';
  info: BackboneInfo | null;
}

export interface ModelPatch {
  status?: ModelRow['status'];
  info?: BackboneInfo;
  download?: { doneBytes: number; totalBytes: number | null; error: string | null };
}

/** The models not deleted, by id; `where` narrows them (a SQL condition over `params`). */
export function modelRows(ctx: CoreContext, where: string, ...params: (string | number)[]): ModelInfo[] {
  return ctx.db.read
    .prepare<ModelRow>(`SELECT * FROM model WHERE deleted_at IS NULL ${where ? `AND ${where}` : ''} ORDER BY id`)
    .all(...params)
    .map(toModelInfo);
}

/** Registers a base model, or answers the one already registered at that path. */
export function insertBaseModel(ctx: CoreContext, fields: NewBaseModel): ModelInfo {
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

export function updateModel(ctx: CoreContext, id: number, patch: ModelPatch): ModelInfo {
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
