/**
 * Finds the file behind a blob or thumbnail URL and the type to serve it as. Shared by both hosts
 * (`studio serve` and the desktop `studio-blob:` protocol), so both validate the same way:
 * the hash must be 64 lowercase hex digits, and the type comes from the file's first bytes,
 * never from anything the request says.
 */
import { open } from 'node:fs/promises';
import { isSha256, type BlobStore } from '../core/blobs/store.js';
import { ensureThumbnail, THUMBNAIL_SIZES, type ThumbnailSize } from '../core/images/thumbnails.js';
import { StudioError } from '../../preload/contract/errors.js';

export interface BlobFile {
  path: string;
  type: string;
}

/** The four image formats the studio stores; anything else is served as a download. */
export function imageTypeOf(head: Uint8Array): string | null {
  const at = (i: number) => head[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return 'image/gif';
  const text = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString('latin1');
  if (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

async function head(path: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function checkSha(sha256: string): void {
  if (!isSha256(sha256)) throw new StudioError('invalid_input', 'A blob is named by its sha256: 64 lowercase hexadecimal digits');
}

export async function blobFile(blobs: BlobStore, sha256: string): Promise<BlobFile> {
  checkSha(sha256);
  const path = blobs.path(sha256);
  const bytes = await head(path);
  if (bytes === null) throw new StudioError('not_found', `No stored file has the hash ${sha256}`);
  return { path, type: imageTypeOf(bytes) ?? 'application/octet-stream' };
}

export function parseThumbSize(raw: string | null): ThumbnailSize {
  if (raw === null || raw === '') return 256;
  const size = Number(raw);
  const allowed = THUMBNAIL_SIZES as readonly number[];
  if (!allowed.includes(size)) throw new StudioError('invalid_input', `size: a thumbnail is ${THUMBNAIL_SIZES.join(', ')} pixels wide`);
  return size as ThumbnailSize;
}

export async function thumbFile(blobs: BlobStore, sha256: string, size: ThumbnailSize): Promise<BlobFile> {
  checkSha(sha256);
  if (!blobs.has(sha256)) throw new StudioError('not_found', `No stored image has the hash ${sha256}`);
  try {
    return { path: await ensureThumbnail(blobs, sha256, size), type: 'image/webp' };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new StudioError('unsupported', `No thumbnail can be made of ${sha256}: ${detail}`);
  }
}

/** Blobs never change under their name, so browsers may keep them for good (private: they sit behind the token). */
export const IMMUTABLE_CACHE = 'private, max-age=31536000, immutable';
