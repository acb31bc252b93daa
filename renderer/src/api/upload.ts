/**
 * Sends picked files (a JSONL/CSV file, or a whole folder picked with `webkitdirectory`) into an
 * upload area: beginUpload, then each file base64-encoded with its relative path kept so the
 * sidecar JSONL's image paths still resolve on the host, in chunks of UPLOAD_CHUNK_BYTES.
 */
import type { StudioApi } from '../../../preload/contract/api';
import { StudioError, toStudioError } from './errors';

export interface UploadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  current: string;
}

export interface UploadResult {
  uploadId: string;
  /** Relative paths as stored in the upload area, in the order sent. */
  paths: string[];
}

/** Files nobody meant to import: OS litter that folder picks drag along. */
const IGNORED = /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini|\._[^/]*)$/;

export function relativePath(file: File): string {
  const withFolder = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  return withFolder && withFolder.length > 0 ? withFolder : file.name;
}

export function importableFiles(files: readonly File[]): File[] {
  return files.filter((file) => !IGNORED.test(relativePath(file)));
}

/** Bytes of a file per uploadFile call (about 5.3 MB as base64; the server takes up to 64 MB). */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

const CHUNK = 0x8000;
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export async function uploadFiles(api: Pick<StudioApi, 'beginUpload' | 'uploadFile'>, files: readonly File[], onProgress?: (progress: UploadProgress) => void): Promise<UploadResult> {
  const toSend = importableFiles(files);
  const { uploadId } = await api.beginUpload({});
  const bytesTotal = toSend.reduce((sum, file) => sum + file.size, 0);
  const progress: UploadProgress = { filesDone: 0, filesTotal: toSend.length, bytesDone: 0, bytesTotal, current: '' };
  const paths: string[] = [];
  for (const file of toSend) {
    const path = relativePath(file);
    progress.current = path;
    onProgress?.({ ...progress });
    try {
      // Chunk by chunk: every request stays far below the server's body limit, no whole large
      // file is held as one base64 string, and progress moves while a big file is sent.
      let offset = 0;
      do {
        const chunk = file.slice(offset, offset + UPLOAD_CHUNK_BYTES);
        await api.uploadFile({ uploadId, path, dataBase64: await fileToBase64(chunk), offset });
        offset += chunk.size;
        progress.bytesDone += chunk.size;
        onProgress?.({ ...progress });
      } while (offset < file.size);
    } catch (err) {
      // Name the file: "the body is too large" alone does not say which of 300 files it was.
      const cause = toStudioError(err, 'upload failed');
      throw new StudioError(cause.code, `${path}: ${cause.message}`, cause.problems.length ? cause.problems : [{ file: path, line: null, field: null, message: cause.message }]);
    }
    paths.push(path);
    progress.filesDone += 1;
    onProgress?.({ ...progress });
  }
  return { uploadId, paths };
}
