/**
 * Import jobs for the API: startImport answers at once with a queued job and the import runs in
 * the background, one at a time per studio (so two imports never race on the same duplicates).
 * Progress goes to every UI as `import.progress` events, at most ten a second, and the end as
 * `import.finished`; getImportJob answers polls. An upload is removed once its import commits,
 * and kept otherwise so the user can retry (e.g. with validRowsOnly) without sending it again.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ImportJob, ImportReport } from '../../../preload/contract/domain.js';
import type { ImportMapping } from '../../../preload/contract/import-preview.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import type { UploadArea } from '../uploads/area.js';
import { normaliseRelativePath } from '../uploads/relative-path.js';
import type { ImportProgress } from './engine.js';
import { importPath, type ImportPathOptions } from './import-path.js';

export interface StartImportInput {
  projectId: number;
  uploadId: string;
  entry?: string | undefined;
  validRowsOnly: boolean;
  mapping?: ImportMapping | undefined;
}

/** What a job runs: the item import, or another importer with the same options (responses). */
export type ImportRunner = (ctx: CoreContext, options: ImportPathOptions & { displayName: string }) => Promise<ImportReport>;

/** Finished jobs kept for polling; older ones are forgotten. */
const KEEP_FINISHED = 100;
const PROGRESS_INTERVAL_MS = 100;

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: CoreContext,
    private readonly uploads: UploadArea,
  ) {
    ctx.onClose(() => {
      this.closed = true;
    });
  }

  /** One registry and one queue for every kind of import, so getImportJob answers for all of them. */
  start(input: StartImportInput, runner: ImportRunner = importPath): ImportJob {
    requireProjectRow(this.ctx.db.read, input.projectId);
    const { path, displayName } = this.target(input.uploadId, input.entry);
    const job: ImportJob = { jobId: randomUUID(), projectId: input.projectId, status: 'queued', phase: 'reading', done: 0, total: null, report: null };
    this.jobs.set(job.jobId, job);
    this.forgetOld();
    this.queue = this.queue.then(() => this.run(job, path, displayName, input, runner));
    return { ...job };
  }

  /** The file or folder an import of this upload reads, and how problems name it. */
  target(uploadId: string, entry: string | undefined): { path: string; displayName: string } {
    const input = { entry };
    const dir = this.uploads.dir(uploadId);
    let path = dir;
    let displayName = 'the uploaded folder';
    if (input.entry !== undefined) {
      const checked = normaliseRelativePath(input.entry);
      if (!checked.ok) {
        throw new StudioError('invalid_input', `import entry "${input.entry}" ${checked.reason}`, [{ file: input.entry, line: null, field: 'entry', message: checked.reason }]);
      }
      path = join(dir, ...checked.path.split('/'));
      displayName = checked.path;
    }
    return { path, displayName };
  }

  get(jobId: string): ImportJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('not_found', `no import job ${jobId} (jobs are kept until the studio restarts)`);
    return { ...job };
  }

  private async run(job: ImportJob, path: string, displayName: string, input: StartImportInput, runner: ImportRunner): Promise<void> {
    if (this.closed) return;
    job.status = 'running';
    let lastEmit = 0;
    const onProgress = (progress: ImportProgress) => {
      job.phase = progress.phase;
      job.done = progress.done;
      job.total = progress.total;
      const now = Date.now();
      if (now - lastEmit >= PROGRESS_INTERVAL_MS) {
        lastEmit = now;
        this.ctx.events.emit({ type: 'import.progress', job: { ...job } });
      }
    };
    onProgress({ phase: 'reading', done: 0, total: null });
    let report: ImportReport;
    try {
      report = await runner(this.ctx, {
        projectId: input.projectId,
        path,
        validRowsOnly: input.validRowsOnly,
        mapping: input.mapping,
        onProgress,
        displayName,
      });
    } catch (error) {
      this.ctx.log.error('import failed', { jobId: job.jobId, err: error });
      const message = error instanceof StudioError ? error.message : `the import stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`;
      report = {
        committed: false,
        imported: 0,
        images: 0,
        labelsImported: 0,
        duplicates: [],
        skipped: [],
        errors: [{ file: displayName, line: null, field: null, message }],
        notices: [],
        durationMs: 0,
      };
    }
    if (this.closed) return;
    if (report.committed) await this.uploads.remove(input.uploadId).catch((err: unknown) => this.ctx.log.warn('could not remove upload', { err }));
    // Succeeded: no errors (it may still have imported nothing, when every row was a duplicate).
    job.status = report.errors.length === 0 ? 'succeeded' : 'failed';
    job.phase = 'done';
    job.report = report;
    this.ctx.events.emit({ type: 'import.finished', job: { ...job } });
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status === 'succeeded' || j.status === 'failed');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(job.jobId);
  }
}
