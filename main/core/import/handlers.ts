/** The upload and import methods of StudioApi. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { responseImportHandlers } from '../responses/import/handlers.js';
import { UploadArea } from '../uploads/area.js';
import { ImportJobs } from './jobs.js';
import { previewImport } from './preview.js';
import { resumePendingSearchIndex } from './search-index.js';

type ImportHandlers = Pick<StudioHandlers, 'beginUpload' | 'uploadFile' | 'startImport' | 'getImportJob' | 'startResponseImport' | 'previewImport'>;

class Closed extends Error {}

/** Finishes, in the background, the search index of imports an earlier run left half-done. */
function resumeSearchIndex(ctx: CoreContext): void {
  let closed = false;
  ctx.onClose(() => {
    closed = true;
  });
  const yieldNow = () => new Promise<void>((resolve, reject) => setImmediate(() => (closed ? reject(new Closed()) : resolve())));
  setImmediate(() => {
    if (closed) return;
    resumePendingSearchIndex(ctx.db.write, yieldNow)
      .then((ids) => {
        if (ids.length) ctx.log.info('search index finished for earlier imports', { importIds: ids });
      })
      .catch((err: unknown) => {
        if (!(err instanceof Closed)) ctx.log.error('finishing the search index failed', { err });
      });
  });
}

/** Uploads nobody imported within a week are removed when the studio opens. */
const UPLOAD_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function importHandlers(ctx: CoreContext): ImportHandlers {
  const uploads = new UploadArea(ctx.paths.uploads);
  const jobs = new ImportJobs(ctx, uploads);
  resumeSearchIndex(ctx);
  uploads
    .sweep(UPLOAD_MAX_AGE_MS, ctx.clock.now().getTime())
    .then((removed) => {
      if (removed.length) ctx.log.info('old uploads removed', { uploadIds: removed });
    })
    .catch((err: unknown) => ctx.log.warn('could not sweep old uploads', { err }));
  return {
    beginUpload: () => uploads.begin(),
    uploadFile: ({ uploadId, path, dataBase64, offset }) => uploads.putBase64(uploadId, path, dataBase64, offset ?? 0),
    startImport: (input) => jobs.start(input),
    previewImport: ({ uploadId, entry }) => {
      const target = jobs.target(uploadId, entry);
      return previewImport(target.path, target.displayName);
    },
    getImportJob: ({ jobId }) => jobs.get(jobId),
    // Responses files share the upload area and the job registry (one queue, one getImportJob).
    ...responseImportHandlers(jobs),
  };
}
