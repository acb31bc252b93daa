/**
 * One router (main/routes/files.ts) serves images, thumbnails and exports to both hosts: the
 * desktop's studio-blob:// protocol calls `app.fetch` with no guard (electron/desktop-routes.ts), `studio serve` hands it its
 * /blobs/ and /exports/ requests behind the token. Here the desktop's router is called directly
 * and the same requests go through the real HTTP server: status, headers and bytes must match.
 * Also the Node/web bridge (streaming, HEAD, a client that goes away) and the server's guard.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP } from '../../preload/contract/channels';
import { StudioErrorBody } from '../../preload/contract/errors';
import type { StudioCore } from '../../main/core/studio';
import { createDesktopRoutes, type DesktopRoutes } from '../../main/electron/desktop-routes';
import { createFileRoutes, type FileGuard } from '../../main/routes/files';
import { serverFileGuard } from '../../main/server/file-guard';
import { signExportLink } from '../../main/server/signed-links';
import { startTestServer, type TestServer } from '../helpers/server';

/** The headers the router itself decides (the server adds its own common ones beside them). */
const ROUTE_HEADERS = ['content-type', 'cache-control', 'etag', 'content-security-policy', 'x-content-type-options', 'content-disposition', 'content-length', 'allow'];

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: Buffer;
}

async function answerOf(response: Response): Promise<Answer> {
  const headers = Object.fromEntries(ROUTE_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

let server: TestServer;
let core: StudioCore;
let desktop: DesktopRoutes['blob'];
let pngSha: string;
let bigSha: string;
const logged: unknown[] = [];

beforeAll(async () => {
  server = await startTestServer({ mode: 'in-process', rendererDir: null });
  core = server.core!;
  // Exactly what main/electron/protocols.ts hands protocol.handle for studio-blob://local/.
  desktop = createDesktopRoutes({ rendererDir: join(server.dataDir, 'no-renderer'), blobs: core.blobs, exportsDir: core.paths.exports, log: (_m, err) => logged.push(err) }).blob;
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 20, g: 130, b: 30 } } })
    .png()
    .toBuffer();
  pngSha = (await core.blobs.put(png)).sha256;
  bigSha = (await core.blobs.put(randomBytes(6 * 1024 * 1024))).sha256;
  const dir = join(core.paths.exports, 'exp-both');
  mkdirSync(join(dir, 'images'), { recursive: true });
  writeFileSync(join(dir, 'items.jsonl'), '{"id":"a"}\n');
  writeFileSync(join(dir, 'images', `${pngSha}.png`), png);
});

afterAll(async () => {
  await server.stop();
});

const fromDesktop = async (path: string, init: RequestInit = {}) => answerOf(await desktop.fetch(new Request(`studio-blob://local${path}`, init)));
const fromServer = async (path: string, init: RequestInit = {}) =>
  answerOf(await fetch(`${server.origin}${path}`, { ...init, headers: { [HTTP.tokenHeader]: server.token, ...(init.headers as Record<string, string> | undefined) } }));

describe('the same router on both hosts', () => {
  const paths = () => [
    HTTP.blob(pngSha),
    `${HTTP.thumb(pngSha)}?size=128`,
    HTTP.thumb(pngSha),
    HTTP.blob(bigSha),
    HTTP.exportDownload('exp-both'),
    // Refusals: unknown, malformed, a size that is not offered, a path that leaves exports/.
    HTTP.blob('f'.repeat(64)),
    HTTP.thumb('f'.repeat(64)),
    HTTP.blob(pngSha.toUpperCase()),
    `${HTTP.thumb(pngSha)}?size=9999`,
    HTTP.exportDownload('no-such-export'),
    '/exports/..%2f..%2fstudio.db',
    '/exports/exp-both/images',
  ];

  it('answers every blob, thumbnail and export path with the same status, headers and bytes', async () => {
    for (const path of paths()) {
      const [a, b] = await Promise.all([fromDesktop(path), fromServer(path)]);
      expect(b.status, path).toBe(a.status);
      expect(b.headers, path).toEqual(a.headers);
      if (a.status === 200) expect(b.body.equals(a.body), path).toBe(true);
      else expect(StudioErrorBody.parse(JSON.parse(b.body.toString('utf8')))).toEqual(StudioErrorBody.parse(JSON.parse(a.body.toString('utf8'))));
    }
    expect(logged).toEqual([]);
  });

  it('serves images with their real type, the sandbox CSP, nosniff and immutable caching', async () => {
    const image = await fromDesktop(HTTP.blob(pngSha));
    expect(image.status).toBe(200);
    expect(image.headers).toMatchObject({
      'content-type': 'image/png',
      'cache-control': 'private, max-age=31536000, immutable',
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
      'content-disposition': null,
      etag: `"${pngSha}"`,
    });
    expect(image.body.equals(await core.blobs.read(pngSha))).toBe(true);
    const thumb = await fromDesktop(`${HTTP.thumb(pngSha)}?size=128`);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumb.body).metadata()).width).toBe(128);
    // Bytes that are no image are a download, never rendered.
    expect((await fromDesktop(HTTP.blob(bigSha))).headers['content-disposition']).toBe('attachment');
  });

  it('answers 304 to a matching ETag and HEAD without a body, on both hosts alike', async () => {
    for (const fetcher of [fromDesktop, fromServer]) {
      const again = await fetcher(HTTP.blob(pngSha), { headers: { 'if-none-match': `"${pngSha}"` } });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      const head = await fetcher(HTTP.exportDownload('exp-both'), { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers['content-length'])).toBeGreaterThan(1024);
      expect(head.body.length).toBe(0);
    }
  });

  it('reads only: other methods get 405 on both, and the desktop issues no signed links', async () => {
    for (const path of [HTTP.blob(pngSha), HTTP.exportDownload('exp-both')]) {
      const [a, b] = await Promise.all([fromDesktop(path, { method: 'DELETE' }), fromServer(path, { method: 'DELETE' })]);
      expect([a.status, b.status]).toEqual([405, 405]);
      expect(a.headers.allow).toBe('GET, HEAD');
    }
    expect((await fromDesktop(HTTP.exportLink('exp-both'), { method: 'POST' })).status).toBe(405);
    expect((await fromServer(HTTP.exportLink('exp-both'), { method: 'POST' })).status).toBe(200);
  });
});

describe('the server side', () => {
  it('guards the router: no token 401, a signed link for its export only, a person who is no admin 403', async () => {
    const guard: FileGuard = serverFileGuard(server.token, {
      personForToken: (token) => (token === 'p'.repeat(43) ? { linkId: 1, user: { id: 7, name: 'Bea', role: 'annotator', createdAt: '2026-01-01T00:00:00Z' } } : null),
    });
    const guarded = createFileRoutes({ blobs: core.blobs, exportsDir: core.paths.exports, log: () => undefined, guard, signExportLink: (id) => signExportLink(server.token, id, Date.now() + 60_000) });
    const at = (path: string, headers: Record<string, string> = {}, method = 'GET') => guarded.fetch(new Request(`http://127.0.0.1:1${path}`, { method, headers }));
    expect((await at(HTTP.blob(pngSha))).status).toBe(401);
    expect((await at(HTTP.blob(pngSha), { [HTTP.tokenHeader]: server.token })).status).toBe(200);
    expect((await at(HTTP.blob(pngSha), { [HTTP.tokenHeader]: 'p'.repeat(43) })).status).toBe(200);
    expect((await at(HTTP.exportDownload('exp-both'), { [HTTP.tokenHeader]: 'p'.repeat(43) })).status).toBe(403);
    const link = signExportLink(server.token, 'exp-both', Date.now() + 30_000);
    expect((await at(link)).status).toBe(200);
    expect((await at(link.replace('exp-both', 'exp-other'))).status).toBe(401);
    // A link POST from another origin is refused even with the token (CSRF).
    expect((await at(HTTP.exportLink('exp-both'), { [HTTP.tokenHeader]: server.token, origin: 'http://evil.example' }, 'POST')).status).toBe(403);
    expect((await at(HTTP.exportLink('exp-both'), { [HTTP.tokenHeader]: server.token, origin: 'http://127.0.0.1:1' }, 'POST')).status).toBe(200);
  });

  it('streams a large blob and survives a client that goes away midway', async () => {
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.origin}${HTTP.blob(bigSha)}`, { headers: { [HTTP.tokenHeader]: server.token } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > 64 * 1024) {
            req.destroy();
            resolve(bytes);
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve(-1));
      setTimeout(() => reject(new Error('no data')), 5000);
      req.end();
    });
    expect(received).toBeGreaterThan(64 * 1024);
    expect(received).toBeLessThan(6 * 1024 * 1024);
    const whole = await fromServer(HTTP.blob(bigSha));
    expect(whole.body.equals(await core.blobs.read(bigSha))).toBe(true);
  });
});
