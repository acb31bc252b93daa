/**
 * TEMPORARY, for helper S2: delete this file when you wire your real import, export, demo and
 * stats handlers into main/core/studio.ts (replace `...pendingHandlers(ctx)` there with your
 * partial handler objects). It exists only so the full StudioHandlers map typechecks until then;
 * every entry refuses with a clear `unsupported` error instead of pretending to work.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';

type PendingName = 'beginUpload' | 'uploadFile' | 'startImport' | 'getImportJob' | 'exportProject' | 'createDemoProject' | 'getStats';

function unavailable(name: PendingName): never {
  throw new StudioError('unsupported', `${name} is not available in this build of COSMO Studio`);
}

export function pendingHandlers(_ctx: CoreContext): Pick<StudioHandlers, PendingName> {
  return {
    beginUpload: () => unavailable('beginUpload'),
    uploadFile: () => unavailable('uploadFile'),
    startImport: () => unavailable('startImport'),
    getImportJob: () => unavailable('getImportJob'),
    exportProject: () => unavailable('exportProject'),
    createDemoProject: () => unavailable('createDemoProject'),
    getStats: () => unavailable('getStats'),
  };
}
