import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore, sha256Hex } from '../../main/core/blobs/store.js';

describe('BlobStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blobs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = new BlobStore(join(dir, 'blobs'));

  it('stores bytes under their sha256 in a two-character fan-out folder', async () => {
    const bytes = Buffer.from('hello blobs');
    const sha = sha256Hex(bytes);
    expect(store.has(sha)).toBe(false);
    const stored = await store.put(bytes);
    expect(stored).toEqual({ sha256: sha, bytes: bytes.length, created: true });
    expect(store.path(sha)).toBe(join(dir, 'blobs', sha.slice(0, 2), sha));
    expect(store.has(sha)).toBe(true);
    expect((await store.read(sha)).toString()).toBe('hello blobs');
  });

  it('never overwrites: the same bytes again leave the file as it was', async () => {
    const bytes = Buffer.from('same bytes');
    const first = await store.put(bytes);
    const mtime = statSync(store.path(first.sha256)).mtimeMs;
    const second = await store.put(bytes);
    expect(second.created).toBe(false);
    expect(statSync(store.path(first.sha256)).mtimeMs).toBe(mtime);
  });

  it('writes read-only files and leaves no temp files behind', async () => {
    const { sha256 } = await store.put(Buffer.from('read only'));
    expect(statSync(store.path(sha256)).mode & 0o222).toBe(0);
    const leftovers = readdirSync(join(dir, 'blobs', sha256.slice(0, 2))).filter((n) => n.startsWith('.tmp-'));
    expect(leftovers).toEqual([]);
  });

  it('refuses anything that is not a sha256 as a blob name', () => {
    expect(() => store.path('../../etc/passwd')).toThrow(/not a sha256/);
    expect(store.has('ABC')).toBe(false);
  });
});
