/** The export table: which exports exist, where, the hash that identifies their content, the filters and the file a download is. */
import { dirname } from 'node:path';
import type { ExportResult } from '../../../preload/contract/domain.js';
import type { ExportFilters } from '../../../preload/contract/export-history.js';
import type { CoreContext } from '../context.js';
import { downloadShape } from './download-shape.js';

/** The export's folder inside exports/ (a file export's path is a file in it). */
export function exportFolderOf(result: Pick<ExportResult, 'exportId' | 'path'>): string {
  return result.path.endsWith(result.exportId) ? result.path : dirname(result.path);
}

export function recordExport(ctx: CoreContext, projectId: number, result: ExportResult, counts: Record<string, unknown>, createdAt: string, filters: ExportFilters = {}): void {
  const fileName = downloadShape(exportFolderOf(result), result.exportId).fileName;
  ctx.db.write.transaction(() => {
    ctx.db.write
      .prepare('INSERT INTO export (id, project_id, format, path, sha256, counts, created_at, filters, file_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(result.exportId, projectId, result.format, result.path, result.sha256, JSON.stringify(counts), createdAt, JSON.stringify(filters), fileName);
  });
}

/** Names who asked for an export (the exporters record it; the handler knows the caller). */
export function recordExportCreator(ctx: CoreContext, exportId: string, userId: number): void {
  ctx.db.write.prepare('UPDATE export SET created_by = ? WHERE id = ?').run(userId, exportId);
}
