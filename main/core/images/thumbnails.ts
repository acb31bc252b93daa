/**
 * Thumbnails for the browse grid and the queue's prefetch: WebP, fitted inside size x size,
 * made on first request and cached beside the blobs under thumbs/<ab>/<sha>-<size>.webp, so
 * the key is the source hash and the size and a cached file never goes stale (blobs never change).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic, type BlobStore } from '../blobs/store.js';
import { mkdirPrivate, READ_ONLY_FILE } from '../private-files.js';
import { DEFAULT_IMAGE_LIMITS } from './accept.js';

export const THUMBNAIL_SIZES = [128, 256, 512] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

export function thumbnailPath(blobs: BlobStore, sha256: string, size: ThumbnailSize): string {
  blobs.path(sha256); // validates the hash
  return join(blobs.root, 'thumbs', sha256.slice(0, 2), `${sha256}-${size}.webp`);
}

/** Renders bytes to a WebP thumbnail; sharp refuses inputs above the pixel limit before decoding. */
export async function renderThumbnail(bytes: Uint8Array, size: ThumbnailSize, maxPixels = DEFAULT_IMAGE_LIMITS.maxPixels): Promise<Buffer> {
  return sharp(bytes, { limitInputPixels: maxPixels, animated: false })
    .rotate() // honour EXIF orientation so thumbnails match what a browser shows
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

/** The path of the cached thumbnail of a stored blob, made now if missing. */
export async function ensureThumbnail(blobs: BlobStore, sha256: string, size: ThumbnailSize = 256, maxPixels = DEFAULT_IMAGE_LIMITS.maxPixels): Promise<string> {
  const target = thumbnailPath(blobs, sha256, size);
  if (existsSync(target)) return target;
  const webp = await renderThumbnail(await blobs.read(sha256), size, maxPixels);
  const dir = join(blobs.root, 'thumbs', sha256.slice(0, 2));
  await mkdirPrivate(dir);
  await writeFileAtomic(target, webp, dir, READ_ONLY_FILE);
  return target;
}
