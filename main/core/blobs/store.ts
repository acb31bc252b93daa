/**
 * Content-addressed files: a blob's name is the sha256 of its bytes, stored at
 * blobs/<first two hex>/<sha256>. A blob is written once (temp file, fsync, rename, fsync of
 * the folder) and never overwritten, so a path handed out stays valid and its bytes never change.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdirPrivate, PRIVATE_FILE, READ_ONLY_FILE, setMode } from '../private-files.js';

export interface StoredBlob {
  sha256: string;
  bytes: number;
  /** False when the same bytes were already stored. */
  created: boolean;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

/** Writes bytes durably to `path` through a temp file in the same folder and a rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array, dir: string, mode = PRIVATE_FILE): Promise<void> {
  const temp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, mode);
  try {
    await setMode(handle, mode);
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable. Some platforms (Windows) cannot open a folder: skip there.
  let handle;
  try {
    handle = await open(dir, fsConstants.O_RDONLY);
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // fsync on a directory handle is unsupported on some file systems; the rename still happened.
  } finally {
    await handle.close();
  }
}

export class BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Where the blob with this hash lives (whether or not it exists yet). */
  path(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return isSha256(sha256) && existsSync(this.path(sha256));
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.path(sha256));
  }

  /** Removes a blob and its thumbnails (garbage collection only: a referenced blob is never removed). */
  async remove(sha256: string): Promise<number> {
    const path = this.path(sha256);
    const size = existsSync(path) ? (await stat(path)).size : 0;
    await rm(path, { force: true });
    const thumbs = join(this.root, 'thumbs', sha256.slice(0, 2));
    for (const name of existsSync(thumbs) ? await readdir(thumbs) : []) {
      if (name.startsWith(`${sha256}-`)) await rm(join(thumbs, name), { force: true });
    }
    return size;
  }

  /** Every stored blob's hash with its modification time (thumbnails and temp files left out). */
  async *list(): AsyncGenerator<{ sha256: string; mtimeMs: number }> {
    const prefixes = existsSync(this.root) ? await readdir(this.root) : [];
    for (const prefix of prefixes) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of await readdir(join(this.root, prefix))) {
        if (isSha256(name) && name.startsWith(prefix)) yield { sha256: name, mtimeMs: (await stat(join(this.root, prefix, name))).mtimeMs };
      }
    }
  }

  /** Stores bytes under their hash; a blob already present is left untouched. */
  async put(bytes: Uint8Array, knownSha256?: string): Promise<StoredBlob> {
    const sha256 = knownSha256 ?? sha256Hex(bytes);
    const target = this.path(sha256);
    if (existsSync(target)) {
      const existing = await stat(target);
      if (existing.size === bytes.length) return { sha256, bytes: bytes.length, created: false };
      // A size mismatch means a damaged earlier write outside our rename protocol: replace it.
    }
    const dir = join(this.root, sha256.slice(0, 2));
    await mkdirPrivate(dir);
    await writeFileAtomic(target, bytes, dir, READ_ONLY_FILE);
    return { sha256, bytes: bytes.length, created: true };
  }
}
