/** The export method of StudioApi. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { ExportFormat, ExportResult } from '../../../preload/contract/domain.js';
import type { CoreContext } from '../context.js';
import { exportJsonl } from './jsonl.js';
import { exportPreferences } from './preferences.js';
import { exportResponses } from './responses.js';
import { exportSnapshot } from './snapshot.js';

/** Each format's exporter, writing a new folder under `outDir` (default: the data dir's exports/). */
export const EXPORTERS: Record<ExportFormat, (ctx: CoreContext, projectId: number, outDir?: string) => Promise<ExportResult>> = {
  jsonl: exportJsonl,
  snapshot: exportSnapshot,
  responses: exportResponses,
  preferences: exportPreferences,
};

export function exportHandlers(ctx: CoreContext): Pick<StudioHandlers, 'exportProject'> {
  return {
    exportProject: ({ projectId, format }) => EXPORTERS[format](ctx, projectId),
  };
}
