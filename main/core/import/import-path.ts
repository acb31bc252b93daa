/**
 * Importing from a path on this machine's disk (the `studio import` CLI, the demo project, the
 * upload jobs): a JSONL or CSV file, or a folder of images with its sidecar items file.
 */
import type { ImportReport } from '../../../preload/contract/domain.js';
import type { CoreContext } from '../context.js';
import { runImport, type ImportProgress } from './engine.js';
import { resolveSource } from './source.js';
import type { ImportMapping } from '../../../preload/contract/import-preview.js';
import type { ImageLimits } from '../images/accept.js';

export interface ImportPathOptions {
  projectId: number;
  /** A .jsonl / .csv file or a folder with an items file. */
  path: string;
  /** Import the valid rows and list the others in `skipped`, instead of all-or-nothing. */
  validRowsOnly?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** How problems name the path (default: its base name; a folder's items file by its own name). */
  displayName?: string;
  imageLimits?: ImageLimits;
  maxTextBytes?: number;
  /** Which source columns are the id, the text and the image (item imports; others ignore it). */
  mapping?: ImportMapping | undefined;
}

/** Runs one import to the end and returns its report; tells every UI when the project changed. */
export async function importPath(ctx: CoreContext, options: ImportPathOptions): Promise<ImportReport> {
  const source = await resolveSource(options.path, options.displayName);
  const report = await runImport({ db: ctx.db, blobs: ctx.blobs, now: () => ctx.clock.now().toISOString(), ...(options.imageLimits ? { imageLimits: options.imageLimits } : {}) }, source, {
    projectId: options.projectId,
    validRowsOnly: options.validRowsOnly ?? false,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.maxTextBytes ? { maxTextBytes: options.maxTextBytes } : {}),
    mapping: options.mapping,
  });
  ctx.log.info('import finished', {
    projectId: options.projectId,
    committed: report.committed,
    imported: report.imported,
    duplicates: report.duplicates.length,
    errors: report.errors.length,
    skipped: report.skipped.length,
    durationMs: report.durationMs,
  });
  if (report.committed) ctx.events.emit({ type: 'project.changed', projectId: options.projectId });
  return report;
}
