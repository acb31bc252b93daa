/**
 * Export folders: each export is a new folder (exports/<id>/, never reused or overwritten),
 * written under a temporary name and renamed into place when complete, its files made read-only,
 * so a half-written export is never mistaken for a finished one. Like the rest of the data
 * directory it is private: folders 0700, files 0600 while written and 0400 when finished.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import { mkdirPrivate, PRIVATE_DIR, PRIVATE_FILE, READ_ONLY_FILE, setMode } from '../private-files.js';

export interface ExportFolder {
  exportId: string;
  /** Where files are written while the export runs. */
  temp: string;
  /** Where the finished export lives. */
  final: string;
}

function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (s || 'project').slice(0, 40);
}

/** A fresh export id: UTC time, project name, format and a random suffix (unique, sortable). */
export function newExportFolder(parent: string, projectName: string, format: string, now: Date): ExportFolder {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const exportId = `${stamp}-${slug(projectName)}-${format}-${randomBytes(3).toString('hex')}`;
  return { exportId, temp: join(parent, `.tmp-${exportId}`), final: join(parent, exportId) };
}

export async function beginFolder(folder: ExportFolder): Promise<void> {
  await mkdirPrivate(folder.temp);
}

/** A new file of an export, 0600 whatever the umask; the caller closes it. */
export async function createExportFile(path: string): Promise<FileHandle> {
  const handle = await open(path, 'wx', PRIVATE_FILE);
  await setMode(handle);
  return handle;
}

/** Writes a whole file and flushes it to disk. */
export async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await createExportFile(path);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes every file under dir read-only and private (folders stay writable by the owner so a user can delete an export). */
async function freeze(dir: string): Promise<void> {
  await chmod(dir, PRIVATE_DIR);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await freeze(path);
    else if (entry.isFile()) await chmod(path, READ_ONLY_FILE);
  }
}

/** Freezes the files and moves the finished export into place; the final name never exists yet. */
export async function finishFolder(folder: ExportFolder): Promise<void> {
  await freeze(folder.temp);
  await rename(folder.temp, folder.final);
}

export async function abandonFolder(folder: ExportFolder): Promise<void> {
  await rm(folder.temp, { recursive: true, force: true });
}

export async function hashFileInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFileInto(hash, path);
  return hash.digest('hex');
}
