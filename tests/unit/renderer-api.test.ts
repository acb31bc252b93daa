/**
 * The renderer's client layer without a browser: a fake transport stands in for IPC/HTTP so
 * envelope unwrapping, contract validation of replies and events, error mapping and the upload
 * helper can be checked exactly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../preload/contract/api';
import { BLOB_ORIGIN, navigationDecision } from '../../main/electron/security';
import { createElectronTransport, hasElectronBridge } from '../../renderer/src/api/electronTransport';
import type { MethodName } from '../../preload/contract/api';
import { HTTP } from '../../preload/contract/channels';
import { StudioError } from '../../preload/contract/errors';
import { clientFromTransport } from '../../renderer/src/api/typedClient';
import type { ConnectionState, Transport } from '../../renderer/src/api/transport';
import { fileToBase64, importableFiles, relativePath, UPLOAD_CHUNK_BYTES, uploadFiles } from '../../renderer/src/api/upload';

function fakeTransport(reply: (name: MethodName, input: unknown) => unknown) {
  const calls: { name: MethodName; input: unknown }[] = [];
  const listeners = new Set<(raw: unknown) => void>();
  const transport: Transport = {
    kind: 'http',
    async call(name, input) {
      calls.push({ name, input });
      return reply(name, input);
    },
    onRawEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener: (state: ConnectionState) => void) {
      listener('open');
      return () => undefined;
    },
    imageUrl: async (sha: string, kind) => (kind === 'thumb' ? `/blobs/${sha}/thumb` : `/blobs/${sha}`),
    releaseImageUrl: () => undefined,
    preloadImage: () => undefined,
    exportUrl: async (id: string) => `/exports/${id}`,
  };
  return { transport, calls, emit: (raw: unknown) => listeners.forEach((listener) => listener(raw)) };
}

const user = { id: 1, name: 'Ada', role: 'annotator', createdAt: '2026-01-01T00:00:00Z' };

describe('studio client', () => {
  it('unwraps an ok envelope and validates it with the output schema', async () => {
    const fake = fakeTransport(() => ({ ok: true, value: [user] }));
    const client = clientFromTransport(fake.transport);
    await expect(client.api.listUsers({})).resolves.toEqual([user]);
    expect(fake.calls).toEqual([{ name: 'listUsers', input: {} }]);
  });

  it('turns an error envelope into a StudioError with its code and problems', async () => {
    const problems = [{ file: 'createUser', line: null, field: 'name', message: 'Too small' }];
    const client = clientFromTransport(fakeTransport(() => ({ ok: false, error: { code: 'invalid_input', message: 'createUser: name: Too small', problems } })).transport);
    const error = await client.api.createUser({ name: '', role: 'annotator' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('invalid_input');
    expect((error as StudioError).problems).toEqual(problems);
  });

  it('refuses a reply that does not match the contract, naming where', async () => {
    const client = clientFromTransport(fakeTransport(() => ({ ok: true, value: [{ ...user, role: 'wizard' }] })).transport);
    const error = (await client.api.listUsers({}).catch((err: unknown) => err)) as StudioError;
    expect(error.code).toBe('internal');
    expect(error.message).toContain('0.role');
  });

  it('maps a transport failure to an internal StudioError', async () => {
    const client = clientFromTransport(
      fakeTransport(() => {
        throw new Error('socket hang up');
      }).transport,
    );
    const error = (await client.api.getInfo({}).catch((err: unknown) => err)) as StudioError;
    expect(error).toBeInstanceOf(StudioError);
    expect(error.message).toBe('socket hang up');
  });

  it('passes on valid events only', () => {
    const fake = fakeTransport(() => null);
    const client = clientFromTransport(fake.transport);
    const seen: unknown[] = [];
    const off = client.onEvent((event) => seen.push(event));
    fake.emit({ type: 'project.changed', projectId: 3 });
    fake.emit({ type: 'project.changed', projectId: 'three' });
    fake.emit({ type: 'nonsense' });
    off();
    fake.emit({ type: 'project.changed', projectId: 4 });
    expect(seen).toEqual([{ type: 'project.changed', projectId: 3 }]);
  });
});

describe('upload helper', () => {
  const inFolder = (name: string, path: string, body: string) => Object.assign(new File([body], name), { webkitRelativePath: path });

  it('keeps folder-relative paths and drops OS litter', () => {
    const files = [inFolder('items.jsonl', 'set/items.jsonl', '{}'), inFolder('.DS_Store', 'set/.DS_Store', 'x'), inFolder('a.png', 'set/images/a.png', 'png')];
    expect(importableFiles(files).map(relativePath)).toEqual(['set/items.jsonl', 'set/images/a.png']);
    expect(relativePath(new File(['x'], 'single.csv'))).toBe('single.csv');
  });

  it('base64-encodes bytes exactly, beyond one chunk', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    expect(await fileToBase64(new Blob([bytes]))).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('begins one upload, sends every file with its path and reports progress', async () => {
    const sent: { uploadId: string; path: string; dataBase64: string }[] = [];
    const api = {
      beginUpload: async () => ({ uploadId: 'upload-12345678' }),
      uploadFile: async (input: { uploadId: string; path: string; dataBase64: string }) => {
        sent.push(input);
        return { bytes: Buffer.from(input.dataBase64, 'base64').length };
      },
    };
    const progress: number[] = [];
    const result = await uploadFiles(api, [inFolder('items.jsonl', 'set/items.jsonl', 'line\n'), inFolder('a.png', 'set/images/a.png', 'PNG!')], (p) => progress.push(p.filesDone));
    expect(result).toEqual({ uploadId: 'upload-12345678', paths: ['set/items.jsonl', 'set/images/a.png'] });
    expect(sent.map((s) => [s.uploadId, s.path, Buffer.from(s.dataBase64, 'base64').toString()])).toEqual([
      ['upload-12345678', 'set/items.jsonl', 'line\n'],
      ['upload-12345678', 'set/images/a.png', 'PNG!'],
    ]);
    expect(progress.at(-1)).toBe(2);
  });

  it('sends a large file in chunks at increasing offsets, and an empty file once', async () => {
    const sent: { path: string; offset?: number; bytes: Buffer }[] = [];
    const api = {
      beginUpload: async () => ({ uploadId: 'upload-12345678' }),
      uploadFile: async (input: { uploadId: string; path: string; dataBase64: string; offset?: number }) => {
        const bytes = Buffer.from(input.dataBase64, 'base64');
        sent.push({ path: input.path, offset: input.offset, bytes });
        return { bytes: (input.offset ?? 0) + bytes.length };
      },
    };
    const size = 2 * UPLOAD_CHUNK_BYTES + 1000;
    const big = new Uint8Array(size).map((_, i) => (i * 7) % 251);
    const bytesDone: number[] = [];
    await uploadFiles(api, [new File([big], 'big.jsonl'), new File([], 'empty.csv')], (p) => bytesDone.push(p.bytesDone));
    expect(sent.map((s) => [s.path, s.offset, s.bytes.length])).toEqual([
      ['big.jsonl', 0, UPLOAD_CHUNK_BYTES],
      ['big.jsonl', UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES],
      ['big.jsonl', 2 * UPLOAD_CHUNK_BYTES, 1000],
      ['empty.csv', 0, 0],
    ]);
    expect(Buffer.concat(sent.filter((s) => s.path === 'big.jsonl').map((s) => s.bytes)).equals(Buffer.from(big))).toBe(true);
    expect(bytesDone).toContain(UPLOAD_CHUNK_BYTES);
    expect(bytesDone.at(-1)).toBe(size);
  });

  it('names the file a refused upload came from', async () => {
    const api = {
      beginUpload: async () => ({ uploadId: 'upload-12345678' }),
      uploadFile: async () => {
        throw new StudioError('too_large', 'The request body is larger than the 64 MB this call accepts');
      },
    };
    const error = (await uploadFiles(api, [inFolder('big.png', 'set/images/big.png', 'x')]).catch((err: unknown) => err)) as StudioError;
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('set/images/big.png: The request body is larger than the 64 MB this call accepts');
    expect(error.problems[0]?.file).toBe('set/images/big.png');
  });
});

describe('desktop transport', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('uses window.studio only when it has every contract method', () => {
    vi.stubGlobal('studio', { onEvent: () => () => undefined, getInfo: async () => null });
    expect(hasElectronBridge()).toBe(false);
    vi.stubGlobal('studio', { onEvent: () => () => undefined, ...Object.fromEntries(METHOD_NAMES.map((name) => [name, async () => null])) });
    expect(hasElectronBridge()).toBe(true);
  });

  it('calls the named bridge function and points images at studio-blob:// paths the desktop host serves', async () => {
    const calls: unknown[] = [];
    const functions = Object.fromEntries(METHOD_NAMES.map((name) => [name, async (input: unknown) => (calls.push([name, input]), { ok: true, value: [user] })]));
    vi.stubGlobal('studio', { onEvent: () => () => undefined, ...functions });
    const client = clientFromTransport(createElectronTransport());
    await expect(client.api.listUsers({})).resolves.toEqual([user]);
    expect(calls).toEqual([['listUsers', {}]]);
    const sha = 'a'.repeat(64);
    // The paths the shared file router answers on studio-blob://local/ (tests/integration/desktop-routes.test.ts).
    expect(await client.imageUrl(sha, 'full')).toBe(`${BLOB_ORIGIN}${HTTP.blob(sha)}`);
    expect(await client.imageUrl(sha, 'thumb')).toBe(`${BLOB_ORIGIN}${HTTP.thumb(sha)}`);
    const exportUrl = await client.exportUrl('20260101-export');
    expect(exportUrl).toBe(`${BLOB_ORIGIN}${HTTP.exportDownload('20260101-export')}`);
    expect(navigationDecision(exportUrl)).toBe('download');
  });
});
