/**
 * The upload area: the browser and the desktop app both send an import's files here (one
 * folder per upload, relative paths kept so a sidecar JSONL's image paths resolve), then start
 * the import from that folder. Names are random, paths stay inside the folder, sizes are capped.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import { writeFileAtomic } from '../blobs/store.js';
import { mkdirPrivate } from '../private-files.js';
import { normaliseRelativePath } from './relative-path.js';

export interface UploadLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Largest upload (all files together), in bytes. */
  maxTotalBytes: number;
  /** Most files in one upload. */
  maxFiles: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 200 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxFiles: 200_000,
};

const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

interface Usage {
  bytes: number;
  files: Map<string, number>;
}

export function decodeBase64Strict(data: string, what: string): Buffer {
  const compact = data.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new StudioError('invalid_input', `${what}: the file content is not valid base64`);
  }
  return Buffer.from(compact, 'base64');
}

/** Writes a further chunk at `offset`, which must be the file's size on disk. */
async function appendAt(path: string, bytes: Uint8Array, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    if (size !== offset) throw new StudioError('conflict', `${basename(path)} holds ${size} bytes, not the ${offset} the chunk follows`);
    await handle.write(bytes, 0, bytes.length, offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The longest file or folder name most file systems take (ext4, APFS, NTFS: 255 bytes or units). */
const MAX_NAME_BYTES = 255;

/**
 * A path of this upload that collides with one sent before: a file under a file, a file over a
 * folder. Said with the upload's own relative path (never the server's folder), as a 409.
 */
function pathCollision(err: unknown, path: string): StudioError | null {
  const code = (err as { code?: unknown }).code;
  const problem = (message: string) => new StudioError('conflict', `upload path "${path}": ${message}`, [{ file: path, line: null, field: 'path', message }]);
  if (code === 'ENOTDIR' || code === 'EEXIST') return problem('a folder on this path is already a file of this upload; rename one of them');
  if (code === 'EISDIR') return problem('this name is already a folder of this upload; rename one of them');
  if (code === 'ENAMETOOLONG') return problem(`a name on this path is longer than the file system allows (${MAX_NAME_BYTES} bytes)`);
  return null;
}

export class UploadArea {
  readonly root: string;
  readonly limits: UploadLimits;
  /** Bytes and files per upload, so the caps need no walk of the folder on each file. */
  private readonly usage = new Map<string, Usage>();

  constructor(root: string, limits: UploadLimits = DEFAULT_UPLOAD_LIMITS) {
    this.root = root;
    this.limits = limits;
  }

  async begin(): Promise<{ uploadId: string }> {
    const uploadId = randomBytes(18).toString('base64url');
    await mkdirPrivate(join(this.root, uploadId));
    this.usage.set(uploadId, { bytes: 0, files: new Map() });
    return { uploadId };
  }

  /** The folder of an upload that exists; StudioError not_found otherwise. */
  dir(uploadId: string): string {
    if (!UPLOAD_ID.test(uploadId)) throw new StudioError('invalid_input', `"${uploadId}" is not an upload id`);
    const dir = join(this.root, uploadId);
    if (!existsSync(dir)) throw new StudioError('not_found', `upload ${uploadId} does not exist (it may have been imported already)`);
    return dir;
  }

  /**
   * Writes one file of an upload, or one chunk of it. Offset 0 writes the file anew (atomically);
   * a later chunk is appended and must start where the bytes received so far end, so a lost or
   * repeated chunk is refused rather than silently corrupting the file. Returns the file's size.
   */
  async putFile(uploadId: string, rawPath: string, bytes: Uint8Array, offset = 0): Promise<{ bytes: number }> {
    const dir = this.dir(uploadId);
    const checked = normaliseRelativePath(rawPath);
    if (!checked.ok) {
      throw new StudioError('invalid_input', `upload path "${rawPath}" ${checked.reason}`, [{ file: rawPath, line: null, field: 'path', message: checked.reason }]);
    }
    const tooLong = checked.path.split('/').find((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES);
    if (tooLong !== undefined) {
      throw new StudioError('invalid_input', `upload path "${checked.path}": the name "${tooLong.slice(0, 40)}..." is ${Buffer.byteLength(tooLong)} bytes; names are at most ${MAX_NAME_BYTES} bytes`, [
        { file: checked.path, line: null, field: 'path', message: `a name longer than ${MAX_NAME_BYTES} bytes` },
      ]);
    }
    const usage = await this.usageOf(uploadId, dir);
    const previous = usage.files.get(checked.path);
    if (offset > 0 && previous !== offset) {
      throw new StudioError('conflict', `${checked.path}: a chunk starting at byte ${offset} does not follow the ${previous ?? 0} bytes received so far`);
    }
    const replaced = offset === 0 ? (previous ?? 0) : 0;
    const size = offset + bytes.length;
    if (size > this.limits.maxFileBytes) {
      throw new StudioError('too_large', `${checked.path} is ${size} bytes, above the ${this.limits.maxFileBytes}-byte limit for one file`);
    }
    if (usage.bytes - replaced + bytes.length > this.limits.maxTotalBytes) {
      throw new StudioError('too_large', `upload ${uploadId} would exceed ${this.limits.maxTotalBytes} bytes with ${checked.path}`);
    }
    if (previous === undefined && usage.files.size >= this.limits.maxFiles) {
      throw new StudioError('too_large', `upload ${uploadId} already holds ${this.limits.maxFiles} files`);
    }
    // Counted before the write, so a second chunk sent without waiting is refused, not interleaved.
    usage.bytes += bytes.length - replaced;
    usage.files.set(checked.path, size);
    const target = join(dir, ...checked.path.split('/'));
    try {
      if (offset === 0) {
        await mkdirPrivate(dirname(target));
        await writeFileAtomic(target, bytes, dirname(target));
      } else {
        await appendAt(target, bytes, offset);
      }
    } catch (err) {
      usage.bytes -= bytes.length - replaced;
      if (previous === undefined) usage.files.delete(checked.path);
      else usage.files.set(checked.path, previous);
      throw pathCollision(err, checked.path) ?? err;
    }
    return { bytes: size };
  }

  async putBase64(uploadId: string, rawPath: string, dataBase64: string, offset = 0): Promise<{ bytes: number }> {
    return this.putFile(uploadId, rawPath, decodeBase64Strict(dataBase64, rawPath), offset);
  }

  /** Removes an upload's folder once its import has finished. */
  async remove(uploadId: string): Promise<void> {
    if (!UPLOAD_ID.test(uploadId)) return;
    this.usage.delete(uploadId);
    await rm(join(this.root, uploadId), { recursive: true, force: true });
  }

  /**
   * Removes uploads untouched for longer than maxAgeMs (an upload whose import failed is kept for
   * a retry, but not forever; the user's own files were only copied here). Returns the ids removed.
   */
  async sweep(maxAgeMs: number, now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch {
      return removed;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || !UPLOAD_ID.test(entry.name)) continue;
      const info = await stat(join(this.root, entry.name));
      if (now - info.mtimeMs > maxAgeMs) {
        await this.remove(entry.name);
        removed.push(entry.name);
      }
    }
    return removed;
  }

  /** Usage of an upload begun before a restart is counted once from disk. */
  private async usageOf(uploadId: string, dir: string): Promise<Usage> {
    const known = this.usage.get(uploadId);
    if (known) return known;
    const usage: Usage = { bytes: 0, files: new Map() };
    const walk = async (folder: string, prefix: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(join(folder, entry.name), rel);
        else if (entry.isFile() && !entry.name.startsWith('.tmp-')) {
          const size = (await stat(join(folder, entry.name))).size;
          usage.files.set(rel, size);
          usage.bytes += size;
        }
      }
    };
    await walk(dir, '');
    this.usage.set(uploadId, usage);
    return usage;
  }
}
