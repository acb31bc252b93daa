/**
 * Importing model responses, people's verdicts on them and preference votes from a JSONL file
 * (the studio's own response and preference lines, TRL preference rows, chat rows; see
 * main/core/responses/import/README.md). The file goes through the same upload area as items
 * (beginUpload, uploadFile), and the job is the same ImportJob: poll it with getImportJob, follow
 * it with `import.progress` / `import.finished` events. The report counts responses under
 * `imported`, verdicts plus votes under `labelsImported` (split in verdictsImported and
 * preferencesImported).
 */
import { z } from 'zod';
import { ImportJob } from './domain.js';

const Id = z.number().int().positive();

export const responseImportMethods = {
  startResponseImport: {
    input: z.object({
      projectId: Id,
      uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      /** The .jsonl file inside the upload; omitted when the upload holds exactly one. */
      entry: z.string().max(1000).optional(),
      /** Import the valid lines and report what was left, instead of all-or-nothing. */
      validRowsOnly: z.boolean().default(false),
    }),
    output: ImportJob,
  },
} as const;
