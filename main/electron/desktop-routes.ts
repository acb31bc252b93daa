/**
 * What the desktop window's two custom protocols answer, as the shared Hono apps (main/routes/):
 * app://studio/ is the built renderer (renderer.ts, the very router `studio serve` uses for its
 * page) with the desktop's CSP; studio-blob://local/ is the stored images, thumbnails and export
 * downloads (files.ts, the router behind the server's /blobs and /exports), with no guard: the
 * window is the owner, nothing else reaches these protocols. protocols.ts hands each
 * `protocol.handle` a thin `(request) => app.fetch(request)`; nothing here imports electron, so the
 * unit tests send these apps the same Requests Electron would (tests/unit/desktop-routes.test.ts).
 */
import { Hono } from 'hono';
import type { BlobStore } from '../core/blobs/store.js';
import { createFileRoutes, errorResponse as fileErrorResponse } from '../routes/files.js';
import { createRendererRoutes } from '../routes/renderer.js';
import type { ErrorLog } from '../server/dispatch.js';
import { APP_HOST, APP_RESPONSE_HEADERS, BLOB_HOST } from './security.js';

export interface DesktopRoutesOptions {
  /** out/renderer (inside the app bundle). */
  rendererDir: string;
  blobs: BlobStore;
  exportsDir: string;
  log: ErrorLog;
}

export interface DesktopRoutes {
  /** app://studio/ */
  app: Hono;
  /** studio-blob://local/ */
  blob: Hono;
}

/** Only the one host of each scheme is answered (app://evil/, studio-blob://elsewhere/ are 404). */
function onlyHost(host: string, inner: Hono, notFound: (request: Request) => Response): Hono {
  const app = new Hono();
  app.all('*', (c) => (new URL(c.req.url).host === host ? inner.fetch(c.req.raw) : notFound(c.req.raw)));
  return app;
}

export function createDesktopRoutes(options: DesktopRoutesOptions): DesktopRoutes {
  const renderer = createRendererRoutes({ rendererDir: options.rendererDir, log: options.log, headers: () => ({ ...APP_RESPONSE_HEADERS }) });
  const files = createFileRoutes({ blobs: options.blobs, exportsDir: options.exportsDir, log: options.log });
  const notFound = (what: string) => () => fileErrorResponse({ code: 'not_found', message: `Not a ${what} address`, problems: [] });
  return {
    app: onlyHost(APP_HOST, renderer, notFound('studio app')),
    blob: onlyHost(BLOB_HOST, files, notFound('studio-blob')),
  };
}
