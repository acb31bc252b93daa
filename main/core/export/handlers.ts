/** The export methods of StudioApi: exportProject and the export history (listExports). */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { ExportFormat, ExportResult } from '../../../preload/contract/domain.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow, requireUser } from '../services/lookup.js';
import { listExports } from './history.js';
import { exportHfFolder } from './hf-folder.js';
import { exportJsonl, type ItemExportOptions } from './jsonl.js';
import { exportParquet } from './parquet.js';
import { exportPreferences } from './preferences.js';
import { recordExportCreator } from './record.js';
import { exportResponses } from './responses.js';
import { exportSnapshot } from './snapshot.js';

/**
 * Each format's exporter, writing a new folder under `outDir` (default: the data dir's exports/).
 * The item exports (jsonl, parquet, hf) take filters; the others write the whole project.
 */
export const EXPORTERS: Record<ExportFormat, (ctx: CoreContext, projectId: number, outDir?: string, options?: ItemExportOptions) => Promise<ExportResult>> = {
  jsonl: exportJsonl,
  snapshot: (ctx, projectId, outDir) => exportSnapshot(ctx, projectId, outDir),
  responses: (ctx, projectId, outDir) => exportResponses(ctx, projectId, outDir),
  preferences: (ctx, projectId, outDir) => exportPreferences(ctx, projectId, outDir),
  parquet: exportParquet,
  hf: exportHfFolder,
};

export function exportHandlers(ctx: CoreContext): Pick<StudioHandlers, 'exportProject' | 'listExports'> {
  return {
    exportProject: async ({ projectId, format, filters, userId }) => {
      requireProjectRow(ctx.db.read, projectId);
      if (userId !== undefined) requireUser(ctx.db.read, userId);
      const result = await EXPORTERS[format](ctx, projectId, undefined, { filters });
      if (userId !== undefined) recordExportCreator(ctx, result.exportId, userId);
      return result;
    },
    listExports: ({ projectId }) => {
      requireProjectRow(ctx.db.read, projectId);
      return listExports(ctx, projectId);
    },
  };
}
