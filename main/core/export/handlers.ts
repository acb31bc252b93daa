/** The export method of StudioApi. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { exportJsonl } from './jsonl.js';
import { exportSnapshot } from './snapshot.js';

export function exportHandlers(ctx: CoreContext): Pick<StudioHandlers, 'exportProject'> {
  return {
    exportProject: ({ projectId, format }) => (format === 'jsonl' ? exportJsonl(ctx, projectId) : exportSnapshot(ctx, projectId)),
  };
}
