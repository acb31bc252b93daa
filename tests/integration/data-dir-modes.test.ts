/**
 * The data directory is private to its owner whatever the umask: folders 0700, files 0600
 * (content-addressed blobs, thumbnails and finished exports 0400, read-only as they never change).
 * Checked under a permissive umask (000), so a mode that came from the umask would show.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/tempdir';
import { ensureThumbnail } from '../../main/core/images/thumbnails';
import { openTempCore, type TempCore } from '../helpers/core';
import { labelledProject } from './training-project';

const mode = (path: string) => statSync(path).mode & 0o777;

/** Every entry under `root` with a mode outside the allowed ones, as "path 0644". */
function strayModes(root: string, allowed: { dir: number[]; file: number[] }): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const m = mode(path);
      if (entry.isDirectory()) {
        if (!allowed.dir.includes(m)) out.push(`${relative(root, path)}/ ${m.toString(8)}`);
        walk(path);
      } else if (entry.isFile() && !allowed.file.includes(m)) {
        out.push(`${relative(root, path)} ${m.toString(8)}`);
      }
    }
  };
  walk(root);
  return out;
}

let previousUmask: number;
let t: TempCore;
const temp = makeTempDir();

beforeAll(async () => {
  previousUmask = process.umask(0o000);
  // A data directory the studio creates itself (not the test's mkdtemp, which is 0700 already).
  t = await openTempCore({ dataDir: join(temp.path, 'fresh', 'data') });
});

afterAll(() => {
  t?.close();
  process.umask(previousUmask);
  temp.cleanup();
});

describe('data directory modes', () => {
  it('creates the data directory and its folders 0700 and studio.db with its -wal and -shm 0600', async () => {
    expect(mode(t.dataDir).toString(8)).toBe('700');
    for (const name of ['blobs', 'uploads', 'exports', 'runs', 'models']) expect(mode(join(t.dataDir, name)).toString(8), name).toBe('700');
    await t.call('createProject', { name: 'modes' });
    for (const name of ['studio.db', 'studio.db-wal', 'studio.db-shm']) expect(mode(join(t.dataDir, name)).toString(8), name).toBe('600');
  });

  it('keeps blobs, thumbnails, uploads and exports private', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#a33' } })
      .png()
      .toBuffer();
    const { sha256 } = await t.core.blobs.put(png);
    await ensureThumbnail(t.core.blobs, sha256, 128);
    const { uploadId } = await t.call('beginUpload', {});
    await t.call('uploadFile', { uploadId, path: 'folder/items.jsonl', dataBase64: Buffer.from('{"id":"a","text":"x"}\n').toString('base64'), offset: 0 });
    await t.call('uploadFile', { uploadId, path: 'folder/big.bin', dataBase64: Buffer.from('first').toString('base64'), offset: 0 });
    await t.call('uploadFile', { uploadId, path: 'folder/big.bin', dataBase64: Buffer.from('second').toString('base64'), offset: 5 });
    const projectId = await labelledProject(t);
    await t.call('exportProject', { projectId, format: 'jsonl' });
    await t.call('exportProject', { projectId, format: 'snapshot' });
    expect(readdirSync(join(t.dataDir, 'exports')).length).toBe(2);

    expect(strayModes(t.dataDir, { dir: [0o700], file: [0o600, 0o400] })).toEqual([]);
    expect(mode(t.core.blobs.path(sha256)).toString(8)).toBe('400');
  });
});
