/** The export methods of StudioApi: exportProject and the export history (listExports). */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { ExportFormat, ExportResult } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow, requireUser } from '../services/lookup.js';
import { listExports } from './history.js';
import { exportHfFolder } from './hf-folder.js';
import { activeFilters } from './item-filters.js';
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

/** The exports that take filters. */
const ITEM_FORMATS = new Set<ExportFormat>(['jsonl', 'parquet', 'hf']);

export function exportHandlers(ctx: CoreContext): Pick<StudioHandlers, 'exportProject' | 'listExports'> {
  return {
    exportProject: async ({ projectId, format, filters, userId }) => {
      requireProjectRow(ctx.db.read, projectId);
      if (userId !== undefined) requireUser(ctx.db.read, userId);
      // A filter the format cannot apply is refused rather than silently ignored.
      if (!ITEM_FORMATS.has(format) && Object.keys(activeFilters(filters)).length > 0) {
        throw new StudioError('invalid_input', `The ${format} export writes the whole project; filters apply to the jsonl, parquet and hf exports`);
      }
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
