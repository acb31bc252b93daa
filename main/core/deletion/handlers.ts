/**
 * The deletion methods of StudioApi (preload/contract/deletion.ts): preview, delete (archive
 * first, then one transaction, then the unused image files), the list of deletions, and undo.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { DeletionCounts } from '../../../preload/contract/deletion.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { requireUser } from '../services/lookup.js';
import { writeArchive } from './archive.js';
import { removeImageFiles, removeInTransaction } from './remove.js';
import { restoreDeletion } from './restore.js';
import { countScope, deletionBlocker, resolveScope } from './scope.js';
import { deletionSummary } from './summary.js';

type DeletionHandlers = Pick<StudioHandlers, 'previewDeletion' | 'deleteItems' | 'listDeletions' | 'restoreDeletion'>;

interface DeletionListRow {
  id: number;
  project_id: number;
  project_name: string;
  scope: 'items' | 'project';
  counts: string;
  export_id: string;
  path: string;
  deleted_by: string | null;
  created_at: string;
  restored_at: string | null;
}

export function deletionHandlers(ctx: CoreContext): DeletionHandlers {
  return {
    previewDeletion: ({ target }) => {
      const resolved = resolveScope(ctx.db.read, target);
      const counts = countScope(ctx.db.read, resolved);
      return {
        target,
        projectName: resolved.project.name,
        counts,
        blockedBy: deletionBlocker(ctx.db.read, resolved),
        summary: deletionSummary(resolved.scope, resolved.project.name, counts),
        confirmPhrase: resolved.scope === 'project' ? resolved.project.name : null,
      };
    },

    deleteItems: async ({ target, expectedItems, confirm, userId }) => {
      if (userId !== undefined) requireUser(ctx.db.read, userId);
      const resolved = resolveScope(ctx.db.read, target);
      if (resolved.scope === 'project' && confirm !== resolved.project.name) {
        throw new StudioError('invalid_input', `Type the project's name, "${resolved.project.name}", to delete it.`);
      }
      if (resolved.itemIds.length !== expectedItems) {
        throw new StudioError('conflict', `This would delete ${resolved.itemIds.length} items, not the ${expectedItems} the confirmation showed; nothing was deleted. Look at the new preview.`);
      }
      const blocked = deletionBlocker(ctx.db.read, resolved);
      if (blocked) throw new StudioError('conflict', blocked);
      const counts = countScope(ctx.db.read, resolved);
      // Nothing is removed unless the archive is complete, flushed and registered.
      const archive = await writeArchive(ctx, resolved, counts, userId);
      const removed = removeInTransaction(ctx, { target, archived: resolved, counts, exportId: archive.exportId, userId });
      const freedBytes = await removeImageFiles(ctx, removed.freedImages);
      ctx.log.info('items deleted', { projectId: resolved.project.id, deletionId: removed.deletionId, scope: resolved.scope, items: counts.items, exportId: archive.exportId });
      ctx.events.emit({ type: 'project.changed', projectId: resolved.project.id });
      const { tally: _tally, ...archiveInfo } = archive;
      return { deletionId: removed.deletionId, projectId: resolved.project.id, scope: resolved.scope, counts, archive: archiveInfo, freedBytes };
    },

    listDeletions: ({ projectId }) => {
      const rows = ctx.db.read
        .prepare<DeletionListRow>(
          `SELECT d.id, d.project_id, p.name AS project_name, d.scope, d.counts, d.export_id, e.path, u.name AS deleted_by, d.created_at, d.restored_at
           FROM deletion d JOIN project p ON p.id = d.project_id JOIN export e ON e.id = d.export_id LEFT JOIN user u ON u.id = d.deleted_by
           WHERE ? IS NULL OR d.project_id = ? ORDER BY d.id DESC`,
        )
        .all(projectId ?? null, projectId ?? null);
      return rows.map((r) => {
        const folder = r.path.endsWith('.jsonl') ? dirname(r.path) : r.path;
        return {
          deletionId: r.id,
          projectId: r.project_id,
          projectName: r.project_name,
          scope: r.scope,
          counts: DeletionCounts.parse(JSON.parse(r.counts)),
          exportId: r.export_id,
          archivePath: folder,
          archiveAvailable: existsSync(folder),
          deletedBy: r.deleted_by,
          createdAt: r.created_at,
          restoredAt: r.restored_at,
        };
      });
    },

    restoreDeletion: async ({ deletionId }) => {
      const result = await restoreDeletion(ctx, deletionId);
      ctx.events.emit({ type: 'project.changed', projectId: result.projectId });
      return result;
    },
  };
}
