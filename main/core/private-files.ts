/**
 * The data directory holds people's labels, images and the models they train: it is private to
 * its owner whatever the umask. Folders are 0700, files 0600, and files that never change
 * (content-addressed blobs, thumbnails, finished exports) 0400. The mode is given at creation and
 * set again with chmod, because the mode passed to open/mkdir is only what the umask lets through.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;
export const READ_ONLY_FILE = 0o400;

/** The folders `mkdir -p path` would create, outermost first. */
function missingDirs(path: string): string[] {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  return missing;
}

/** mkdir -p with every folder it creates (and `path` itself) made 0700. */
export function mkdirPrivateSync(path: string): void {
  const created = missingDirs(path);
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR });
  for (const dir of new Set([...created, resolve(path)])) chmodSync(dir, PRIVATE_DIR);
}

export async function mkdirPrivate(path: string): Promise<void> {
  const created = missingDirs(path);
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR });
  for (const dir of new Set([...created, resolve(path)])) await chmod(dir, PRIVATE_DIR);
}

/** Sets an open file's mode exactly (the mode given to open() passed through the umask). */
export async function setMode(handle: FileHandle, mode: number = PRIVATE_FILE): Promise<void> {
  await handle.chmod(mode);
}

/** Creates `path` empty with mode 0600 when missing, and makes it 0600 when present. */
export function ensurePrivateFileSync(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE));
  chmodSync(path, PRIVATE_FILE);
}

/**
 * Runs `start` (a spawn) with umask 077, so the files a child process writes into the data
 * directory (checkpoints, downloads, the tiny model, the Python environment) are private too.
 * spawn() forks before it returns, so the process-wide umask is back before any other code runs.
 */
export function withPrivateUmask<T>(start: () => T): T {
  const previous = process.umask(0o077);
  try {
    return start();
  } finally {
    process.umask(previous);
  }
}

/** writeFileSync with the file 0600 whatever the umask (also when it already existed). */
export function writePrivateFileSync(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data, { mode: PRIVATE_FILE });
  chmodSync(path, PRIVATE_FILE);
}
