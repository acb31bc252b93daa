/**
 * The built renderer (out/renderer) as one Hono app, for both hosts: `studio serve` answers its
 * page requests with it (server/app.ts) and the desktop window's app://studio/ protocol calls
 * `app.fetch` with Electron's own Request (electron/desktop-routes.ts). Which files are served
 * and how (static-files.ts: only regular files inside the folder, no listings, index.html for
 * in-app routes) is the same on both; what differs is passed in: each host's own headers (its CSP).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { type StudioErrorBody } from '../../preload/contract/errors.js';
import { IMMUTABLE_CACHE } from '../server/blob-files.js';
import { httpStatus, toErrorBody, type ErrorLog } from '../server/dispatch.js';
import { resolveStatic, type StaticFile } from './static-files.js';

export interface RendererRoutesOptions {
  /** The built renderer; null serves nothing (404), e.g. an API-only server. */
  rendererDir: string | null;
  /** Unexpected failures, with their stack (the client gets a reference only). */
  log: ErrorLog;
  /** The host's headers on every answer, errors included (its CSP, nosniff...). */
  headers: (request: Request) => Record<string, string>;
}

function jsonError(c: Context, options: RendererRoutesOptions, body: StudioErrorBody, status = httpStatus(body.code), extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...options.headers(c.req.raw), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  });
}

function fileResponse(c: Context, options: RendererRoutesOptions, file: StaticFile): Response {
  const headers = {
    ...options.headers(c.req.raw),
    'Content-Type': file.type,
    'Content-Length': String(file.size),
    'Cache-Control': file.immutable ? IMMUTABLE_CACHE : 'no-cache',
  };
  // A HEAD opens no file (Hono drops a GET handler's body for HEAD, but the file would stay open).
  const body = c.req.method === 'HEAD' ? null : (Readable.toWeb(createReadStream(file.path)) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status: 200, headers });
}

export function createRendererRoutes(options: RendererRoutesOptions): Hono {
  const app = new Hono();
  app.onError((err, c) => jsonError(c, options, toErrorBody(err, options.log)));

  app.get('*', async (c) => {
    const path = new URL(c.req.url).pathname;
    const file = options.rendererDir ? await resolveStatic(options.rendererDir, path) : null;
    if (!file) return jsonError(c, options, { code: 'not_found', message: `Nothing is served at ${path.slice(0, 200)}`, problems: [] });
    return fileResponse(c, options, file);
  });
  // The app is read, never written to.
  app.all('*', (c) => jsonError(c, options, { code: 'unsupported', message: `${c.req.method.slice(0, 20)} is not served here`, problems: [] }, 405, { Allow: 'GET, HEAD' }));
  return app;
}
