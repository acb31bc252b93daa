/**
 * Import jobs: upload the picked files, start the import (of prompts, or of model responses with
 * their verdicts and votes: the same job, events and report), then follow the job through
 * `import.progress` / `import.finished` events, with polling as a fallback for a dropped socket.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ImportJob } from '../../../preload/contract/domain';
import type { ImportMapping, ImportPreview } from '../../../preload/contract/import-preview';
import { uploadFiles, type UploadProgress } from '../api';
import { useStudio } from '../composables/useStudio';

const POLL_MS = 1000;
/** A job the host cannot report on for this long is given up on, with an error the user sees. */
const MAX_FAILED_POLLS = 15;
const FINISHED = new Set<ImportJob['status']>(['succeeded', 'failed']);

export type ImportStage = 'idle' | 'uploading' | 'previewed' | 'importing' | 'finished';
/** What the picked file holds: prompts (items) or model responses (startResponseImport). */
export type ImportKind = 'items' | 'responses';

export const useImports = defineStore('imports', () => {
  const client = useStudio();
  const stage = ref<ImportStage>('idle');
  const upload = ref<UploadProgress | null>(null);
  const job = ref<ImportJob | null>(null);
  /** The kind of the job in `job`, so the report can say "responses" or "items". */
  const kind = ref<ImportKind>('items');
  /** The first rows of the sent file and the guessed mapping (prompt imports), before anything is written. */
  const preview = ref<ImportPreview | null>(null);
  /** The upload the preview read; the import then reads the same upload. */
  let sentUploadId: string | null = null;
  let poll: number | undefined;
  let settle: { resolve: (job: ImportJob) => void; reject: (err: unknown) => void } | null = null;
  let failedPolls = 0;

  function accept(next: ImportJob): void {
    if (!job.value || job.value.jobId !== next.jobId) return;
    // Events and polls can cross: never step back from a finished state.
    if (FINISHED.has(job.value.status) && !FINISHED.has(next.status)) return;
    job.value = next;
    if (FINISHED.has(next.status)) finish(next);
  }

  function finish(done: ImportJob): void {
    window.clearInterval(poll);
    poll = undefined;
    stage.value = 'finished';
    settle?.resolve(done);
    settle = null;
  }

  client.onEvent((event) => {
    if (event.type === 'import.progress' || event.type === 'import.finished') accept(event.job);
  });

  /** Sends the files and reads back the first rows of `entry`; nothing is imported yet. */
  async function prepare(files: File[], entry: string | undefined): Promise<ImportPreview> {
    reset();
    kind.value = 'items';
    stage.value = 'uploading';
    try {
      const sent = await uploadFiles(client.api, files, (progress) => {
        upload.value = progress;
      });
      sentUploadId = sent.uploadId;
      return await repreview(entry);
    } catch (err) {
      stage.value = 'idle';
      throw err;
    }
  }

  /** The preview of another data file of the same upload. */
  async function repreview(entry: string | undefined): Promise<ImportPreview> {
    if (!sentUploadId) throw new Error('Nothing has been sent to preview');
    preview.value = await client.api.previewImport({ uploadId: sentUploadId, ...(entry ? { entry } : {}) });
    stage.value = 'previewed';
    return preview.value;
  }

  /** Resolves with the finished job (its report says what happened). Uses the previewed upload when there is one. */
  async function run(projectId: number, files: File[], entry: string | undefined, validRowsOnly: boolean, what: ImportKind = 'items', mapping?: ImportMapping): Promise<ImportJob> {
    const previewed = what === 'items' ? sentUploadId : null;
    reset();
    kind.value = what;
    try {
      let uploadId = previewed;
      if (!uploadId) {
        stage.value = 'uploading';
        uploadId = (
          await uploadFiles(client.api, files, (progress) => {
            upload.value = progress;
          })
        ).uploadId;
      }
      stage.value = 'importing';
      const input = { projectId, uploadId, validRowsOnly, ...(entry ? { entry } : {}) };
      const started = what === 'responses' ? await client.api.startResponseImport(input) : await client.api.startImport({ ...input, ...(mapping ? { mapping } : {}) });
      job.value = started;
      const finished = new Promise<ImportJob>((resolve, reject) => {
        settle = { resolve, reject };
      });
      failedPolls = 0;
      if (FINISHED.has(started.status)) finish(started);
      else
        poll = window.setInterval(() => {
          client.api
            .getImportJob({ jobId: started.jobId })
            .then((next) => {
              failedPolls = 0;
              accept(next);
            })
            .catch((err: unknown) => {
              failedPolls += 1;
              if (failedPolls >= MAX_FAILED_POLLS) giveUp(err);
            });
        }, POLL_MS);
      return await finished;
    } catch (err) {
      stage.value = 'idle';
      throw err;
    }
  }

  function giveUp(err: unknown): void {
    window.clearInterval(poll);
    poll = undefined;
    stage.value = 'idle';
    settle?.reject(err);
    settle = null;
  }

  function reset(): void {
    window.clearInterval(poll);
    poll = undefined;
    settle = null;
    stage.value = 'idle';
    upload.value = null;
    job.value = null;
    preview.value = null;
    sentUploadId = null;
  }

  return { stage, upload, job, kind, preview, prepare, repreview, run, reset };
});
