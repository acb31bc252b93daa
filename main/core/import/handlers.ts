/** The upload and import methods of StudioApi. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { UploadArea } from '../uploads/area.js';
import { ImportJobs } from './jobs.js';

type ImportHandlers = Pick<StudioHandlers, 'beginUpload' | 'uploadFile' | 'startImport' | 'getImportJob'>;

export function importHandlers(ctx: CoreContext): ImportHandlers {
  const uploads = new UploadArea(ctx.paths.uploads);
  const jobs = new ImportJobs(ctx, uploads);
  return {
    beginUpload: () => uploads.begin(),
    uploadFile: ({ uploadId, path, dataBase64 }) => uploads.putBase64(uploadId, path, dataBase64),
    startImport: (input) => jobs.start(input),
    getImportJob: ({ jobId }) => jobs.get(jobId),
  };
}
