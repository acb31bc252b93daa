/** startResponseImport: a responses file from the upload area, run by the shared import job registry. */
import type { StudioHandlers } from '../../../../preload/contract/api.js';
import type { ImportJobs } from '../../import/jobs.js';
import { importResponsesPath } from './import-path.js';

export function responseImportHandlers(jobs: ImportJobs): Pick<StudioHandlers, 'startResponseImport'> {
  return {
    startResponseImport: (input) => jobs.start(input, importResponsesPath),
  };
}
