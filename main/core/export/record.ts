/** The export table: which exports exist, where, and the hash that identifies their content. */
import type { ExportResult } from '../../../preload/contract/domain.js';
import type { CoreContext } from '../context.js';

export function recordExport(ctx: CoreContext, projectId: number, result: ExportResult, counts: Record<string, unknown>, createdAt: string): void {
  ctx.db.write.transaction(() => {
    ctx.db.write
      .prepare('INSERT INTO export (id, project_id, format, path, sha256, counts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(result.exportId, projectId, result.format, result.path, result.sha256, JSON.stringify(counts), createdAt);
  });
}
