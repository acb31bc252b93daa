/**
 * The desktop window's custom protocols without Electron: main/electron/protocols.ts hands
 * `protocol.handle` nothing but `(request) => routes.app.fetch(request)` (and `.blob`), so these
 * tests send createDesktopRoutes the Requests Electron would and read the Responses the window
 * gets: app://studio/ is the shared renderer router with the desktop's CSP (paths kept inside the
 * bundle, GET and HEAD only), studio-blob://local/ the shared file router; other hosts are 404.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP } from '../../preload/contract/channels';
import { StudioErrorBody } from '../../preload/contract/errors';
import { createDesktopRoutes, type DesktopRoutes } from '../../main/electron/desktop-routes';
import { APP_ENTRY, APP_ORIGIN, BLOB_ORIGIN, RENDERER_CSP } from '../../main/electron/security';
import { BLOB_CSP } from '../../main/routes/files';
import { openTempCore, type TempCore } from '../helpers/core';

let temp: TempCore;
let routes: DesktopRoutes;
let rendererDir: string;
let outside: string;
let pngSha: string;
const logged: unknown[] = [];
const INDEX = '<!doctype html><title>desktop</title>';

beforeAll(async () => {
  temp = await openTempCore();
  rendererDir = mkdtempSync(join(tmpdir(), 'studio-desktop-renderer-'));
  outside = mkdtempSync(join(tmpdir(), 'studio-desktop-outside-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), INDEX);
  writeFileSync(join(rendererDir, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(outside, 'secret.txt'), 'not for the window');
  symlinkSync(join(outside, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  routes = createDesktopRoutes({ rendererDir, blobs: temp.core.blobs, exportsDir: temp.core.paths.exports, log: (_m, err) => logged.push(err) });
  const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 20, g: 130, b: 30 } } })
    .png()
    .toBuffer();
  pngSha = (await temp.core.blobs.put(png)).sha256;
  mkdirSync(join(temp.core.paths.exports, 'exp-desk'), { recursive: true });
  writeFileSync(join(temp.core.paths.exports, 'exp-desk', 'items.jsonl'), '{"id":"a"}\n');
});

afterAll(() => {
  temp.close();
  rmSync(rendererDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const app = (url: string, init?: RequestInit) => routes.app.fetch(new Request(url, init));
const blob = (url: string, init?: RequestInit) => routes.blob.fetch(new Request(url, init));

describe('app://studio/', () => {
  it('serves the renderer with the desktop CSP and nosniff on every answer, errors included', async () => {
    const page = await app(APP_ENTRY);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(INDEX);
    const asset = await app(`${APP_ORIGIN}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await app(`${APP_ORIGIN}/assets/nothing.js`);
    expect(missing.status).toBe(404);
    expect(StudioErrorBody.parse(await missing.json()).code).toBe('not_found');
    for (const res of [page, asset, missing]) {
      expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });

  it('answers in-app routes with the app and keeps every path inside the bundle', async () => {
    expect(await (await app(`${APP_ORIGIN}/projects/3/label`)).text()).toBe(INDEX);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/link.txt', '/%00']) {
      const res = await app(`${APP_ORIGIN}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('not for the window');
    }
  });

  it('reads with GET and HEAD only; a HEAD carries the headers and no body', async () => {
    const head = await app(APP_ENTRY, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(INDEX)));
    expect(await head.text()).toBe('');
    const post = await app(APP_ENTRY, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(post.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });

  it('answers only its own host', async () => {
    for (const url of ['app://evil/index.html', 'app://studio.evil.com/index.html']) expect((await app(url)).status, url).toBe(404);
  });
});

describe('studio-blob://local/', () => {
  it('serves images, thumbnails and exports through the shared file router, with the image CSP', async () => {
    const image = await blob(`${BLOB_ORIGIN}${HTTP.blob(pngSha)}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-security-policy')).toBe(BLOB_CSP);
    expect(Buffer.from(await image.arrayBuffer()).equals(await temp.core.blobs.read(pngSha))).toBe(true);
    const thumb = await blob(`${BLOB_ORIGIN}${HTTP.thumb(pngSha)}?size=128`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const download = await blob(`${BLOB_ORIGIN}${HTTP.exportDownload('exp-desk')}`);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('{"id":"a"}\n');
  });

  it('refuses other hosts, unknown blobs and paths that leave the exports folder', async () => {
    expect((await blob(`studio-blob://elsewhere${HTTP.blob(pngSha)}`)).status).toBe(404);
    expect((await blob(`${BLOB_ORIGIN}${HTTP.blob('f'.repeat(64))}`)).status).toBe(404);
    expect([400, 404]).toContain((await blob(`${BLOB_ORIGIN}/exports/..%2f..%2fstudio.db`)).status);
    expect((await blob(`${BLOB_ORIGIN}/studio.db`)).status).toBe(404);
    // The desktop signs no links: POST /exports/<id>/link is the server's alone.
    expect((await blob(`${BLOB_ORIGIN}${HTTP.exportLink('exp-desk')}`, { method: 'POST' })).status).toBe(405);
    expect(logged).toEqual([]);
  });
});
