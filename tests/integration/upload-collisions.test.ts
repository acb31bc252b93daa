/**
 * Upload paths that collide with what the upload already holds, over the real HTTP server: a file
 * under a file, a file over a folder, a name over 255 bytes. Each is a 4xx with a sentence naming
 * the upload's own path (never the server's folder), and the files already sent stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../preload/contract/errors';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ mode: 'in-process', rendererDir: null });
});
afterAll(async () => {
  await server.stop();
});

const b64 = (text: string) => Buffer.from(text).toString('base64');

async function refusal(promise: Promise<unknown>): Promise<StudioError & { status: number }> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  return err as StudioError & { status: number };
}

describe('upload path collisions', () => {
  it('a file under a file is a 409 naming the path', async () => {
    const { uploadId } = await server.call('beginUpload', {});
    await server.call('uploadFile', { uploadId, path: 'data/items.jsonl', dataBase64: b64('{}\n') });
    const err = await refusal(server.call('uploadFile', { uploadId, path: 'data/items.jsonl/image.png', dataBase64: b64('x') }));
    expect(err.status).toBe(409);
    expect(err.message).toBe('upload path "data/items.jsonl/image.png": a folder on this path is already a file of this upload; rename one of them');
    expect(err.message).not.toContain(server.dataDir);
  });

  it('a file over a folder is a 409 naming the path', async () => {
    const { uploadId } = await server.call('beginUpload', {});
    await server.call('uploadFile', { uploadId, path: 'images/a.png', dataBase64: b64('png') });
    const err = await refusal(server.call('uploadFile', { uploadId, path: 'images', dataBase64: b64('x') }));
    expect(err.status).toBe(409);
    expect(err.message).toBe('upload path "images": this name is already a folder of this upload; rename one of them');
  });

  it('a name over 255 bytes is a 400 saying the limit', async () => {
    const { uploadId } = await server.call('beginUpload', {});
    const long = `${'é'.repeat(128)}.png`; // 260 bytes in UTF-8, 132 characters
    const err = await refusal(server.call('uploadFile', { uploadId, path: `images/${long}`, dataBase64: b64('x') }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('is 260 bytes; names are at most 255 bytes');
    expect(err.problems[0]).toMatchObject({ file: `images/${long}`, field: 'path' });
  });
});
