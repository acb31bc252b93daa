/**
 * The export history: every recorded export of a project, newest first, with who made it, its
 * filters, counts, file and hash. `available` says whether the download route can still hand it
 * out (it serves the data dir's exports/ only; a CLI export written elsewhere, or a folder someone
 * deleted, stays listed but cannot be downloaded).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExportFormat } from '../../../preload/contract/domain.js';
import { ExportFilters, type ExportRecord } from '../../../preload/contract/export-history.js';
import type { CoreContext } from '../context.js';

interface ExportSql {
  id: string;
  project_id: number;
  format: string;
  path: string;
  sha256: string;
  counts: string;
  created_at: string;
  filters: string;
  file_name: string | null;
  created_by: string | null;
}

function numbers(json: string): Record<string, number> {
  const parsed: unknown = JSON.parse(json);
  const out: Record<string, number> = {};
  if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) if (typeof v === 'number') out[k] = v;
  return out;
}

export function listExports(ctx: CoreContext, projectId: number): ExportRecord[] {
  const rows = ctx.db.read
    .prepare<ExportSql>(
      `SELECT e.id, e.project_id, e.format, e.path, e.sha256, e.counts, e.created_at, e.filters, e.file_name, u.name AS created_by
       FROM export e LEFT JOIN user u ON u.id = e.created_by WHERE e.project_id = ? ORDER BY e.created_at DESC, e.rowid DESC`,
    )
    .all(projectId);
  return rows.map((r) => ({
    exportId: r.id,
    projectId: r.project_id,
    format: ExportFormat.parse(r.format),
    createdAt: r.created_at,
    createdBy: r.created_by,
    filters: ExportFilters.parse(JSON.parse(r.filters)),
    counts: numbers(r.counts),
    path: r.path,
    sha256: r.sha256,
    // Exports older than the history were always folders (a .tar).
    fileName: r.file_name ?? `${r.id}.tar`,
    available: existsSync(join(ctx.paths.exports, r.id)),
  }));
}
