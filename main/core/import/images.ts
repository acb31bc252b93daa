/**
 * Turns an import row's image reference into a stored blob: a relative path that must stay
 * inside the imported folder (after following symlinks), or a base64 data URI. The bytes pass
 * the image gate (real format, byte and pixel limits, then a full decode) before they are written
 * to the store.
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex, type BlobStore } from '../blobs/store.js';
import { acceptImage, ImageRejected, type ImageLimits } from '../images/accept.js';
import { decodeImage } from '../images/decode.js';
import { FORMAT_NAME, type ImageMime } from '../images/sniff.js';
import { isInside, normaliseRelativePath } from '../uploads/relative-path.js';
import type { ImageSpec } from './row.js';

export interface ResolvedImage {
  sha256: string;
  mime: ImageMime;
  width: number;
  height: number;
  bytes: number;
}

export type ImageResult = { ok: true; image: ResolvedImage; notices: string[] } | { ok: false; message: string };

export class ImageResolver {
  private readonly root: string;
  private realRoot: string | null = null;
  private readonly cache = new Map<string, ImageResult>();
  /** Off once the import is known to commit nothing: images are still checked, not stored. */
  store = true;
  /** Blobs this import wrote that were not in the store before: removed again when it commits nothing. */
  readonly created: string[] = [];

  constructor(
    root: string,
    private readonly blobs: BlobStore,
    private readonly limits: ImageLimits,
  ) {
    this.root = root;
  }

  async resolve(spec: ImageSpec): Promise<ImageResult> {
    if (spec.kind === 'data') return this.accept(spec.bytes, 'the data URI image', spec.declaredMime);
    const checked = normaliseRelativePath(spec.path);
    if (!checked.ok) return { ok: false, message: `image path "${spec.path}" ${checked.reason}` };
    const cached = this.cache.get(checked.path);
    if (cached) return cached.ok ? { ...cached, notices: [] } : cached;
    const result = await this.fromPath(checked.path);
    this.cache.set(checked.path, result);
    return result;
  }

  private async fromPath(rel: string): Promise<ImageResult> {
    this.realRoot ??= await realpath(this.root);
    const target = join(this.root, ...rel.split('/'));
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      // realpath fails for a missing file and for a dangling symlink: say which.
      const link = await lstat(target).catch(() => null);
      if (link?.isSymbolicLink()) return { ok: false, message: `image ${rel} is a symbolic link to a file that does not exist` };
      return { ok: false, message: `image ${rel} does not exist in the imported folder` };
    }
    if (!isInside(this.realRoot, real)) {
      return { ok: false, message: `image ${rel} is a symbolic link pointing outside the imported folder` };
    }
    const info = await lstat(real);
    if (!info.isFile()) return { ok: false, message: `image ${rel} is not a file` };
    if (info.size > this.limits.maxBytes) {
      // Refused before reading it into memory.
      return this.accept(new Uint8Array(0), rel, null, info.size);
    }
    return this.accept(await readFile(real), rel, null);
  }

  private async accept(bytes: Uint8Array, name: string, declaredMime: string | null, sizeOnDisk?: number): Promise<ImageResult> {
    try {
      if (sizeOnDisk !== undefined) {
        throw new ImageRejected(`${name} is ${(sizeOnDisk / 1048576).toFixed(1)} MB, above the ${(this.limits.maxBytes / 1048576).toFixed(1)} MB image limit`);
      }
      const accepted = acceptImage(bytes, name, this.limits);
      // Sniffed from the header, then decoded for real: a damaged file never reaches the store.
      const shown = await decodeImage(bytes, name, accepted, this.limits.maxPixels);
      const notices = [...accepted.notices];
      if (declaredMime && declaredMime !== accepted.mime && declaredMime in FORMAT_NAME) {
        notices.push(`${name} says ${declaredMime} but its bytes are ${FORMAT_NAME[accepted.mime]}; stored as ${FORMAT_NAME[accepted.mime]}`);
      }
      const sha256 = sha256Hex(bytes);
      if (this.store && (await this.blobs.put(bytes, sha256)).created) this.created.push(sha256);
      return { ok: true, image: { sha256, mime: accepted.mime, width: shown.width, height: shown.height, bytes: bytes.length }, notices };
    } catch (error) {
      if (error instanceof ImageRejected) return { ok: false, message: error.message };
      throw error;
    }
  }
}
