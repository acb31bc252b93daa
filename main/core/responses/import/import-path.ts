/**
 * Importing a responses file from a path on this machine's disk (`studio import-responses`, the
 * upload jobs, the bench).
 */
import type { ImportReport } from '../../../../preload/contract/domain.js';
import type { CoreContext } from '../../context.js';
import type { ImportProgress } from '../../import/engine.js';
import { runResponseImport } from './engine.js';
import { resolveResponseSource } from './source.js';

export interface ResponseImportPathOptions {
  projectId: number;
  /** A .jsonl file, or a folder holding exactly one. */
  path: string;
  validRowsOnly?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** How problems name the file (default: its base name). */
  displayName?: string;
}

/** Runs one responses import to the end and returns its report; tells every UI when the project changed. */
export async function importResponsesPath(ctx: CoreContext, options: ResponseImportPathOptions): Promise<ImportReport> {
  const source = await resolveResponseSource(options.path, options.displayName);
  const report = await runResponseImport({ db: ctx.db, now: () => ctx.clock.now().toISOString() }, source, {
    projectId: options.projectId,
    validRowsOnly: options.validRowsOnly ?? false,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  ctx.log.info('responses import finished', {
    projectId: options.projectId,
    committed: report.committed,
    imported: report.imported,
    labelsImported: report.labelsImported,
    duplicates: report.duplicates.length,
    errors: report.errors.length,
    skipped: report.skipped.length,
    durationMs: report.durationMs,
  });
  if (report.committed) ctx.events.emit({ type: 'project.changed', projectId: options.projectId });
  return report;
}
