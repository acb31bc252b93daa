/**
 * The two custom schemes of the desktop window. app://studio/ serves the built renderer (with
 * the CSP header on every response, paths kept inside out/renderer); studio-blob://local/ serves
 * stored images, thumbnails and export downloads through the very router `studio serve` uses
 * for them (main/routes/files.ts). The renderer never gets file:// access.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { StudioError } from '../../preload/contract/errors.js';
import { toErrorBody, httpStatus, type ErrorLog } from '../server/dispatch.js';
import { resolveStatic } from '../server/static-files.js';
import type { ServerCore } from '../server/server.js';
import { createFileRoutes, errorResponse as fileErrorResponse } from '../routes/files.js';
import { APP_SCHEME, appResponseHeaders, BLOB_HOST, PRIVILEGED_SCHEMES } from './security.js';
import { BLOB_PROTOCOL } from '../../preload/contract/channels.js';

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES.map((entry) => ({ scheme: entry.scheme, privileges: { ...entry.privileges } })));
}

function body(stream: Readable): ReadableStream {
  return Readable.toWeb(stream) as unknown as ReadableStream;
}

function fileResponse(path: string, type: string): Response {
  return new Response(body(createReadStream(path)), { status: 200, headers: appResponseHeaders(type) });
}

function errorResponse(err: unknown, log: ErrorLog): Response {
  const error = toErrorBody(err, log);
  return new Response(JSON.stringify(error), { status: httpStatus(error.code), headers: appResponseHeaders('application/json; charset=utf-8') });
}

export function handleAppProtocol(rendererDir: string, log: ErrorLog): void {
  protocol.handle(APP_SCHEME, async (request) => {
    try {
      if (request.method !== 'GET') throw new StudioError('unsupported', 'app:// serves GET only');
      const file = await resolveStatic(rendererDir, new URL(request.url).pathname);
      if (!file) throw new StudioError('not_found', 'No such file in the app bundle');
      return fileResponse(file.path, file.type);
    } catch (err) {
      return errorResponse(err, log);
    }
  });
}

export function handleBlobProtocol(core: ServerCore, log: ErrorLog): void {
  // The same router `studio serve` uses for /blobs and /exports, with no guard: the window is the owner.
  const files = createFileRoutes({ blobs: core.blobs, exportsDir: core.paths.exports, log });
  protocol.handle(BLOB_PROTOCOL, async (request) => {
    if (new URL(request.url).host !== BLOB_HOST) return fileErrorResponse({ code: 'not_found', message: 'Not a studio-blob address', problems: [] });
    return files.fetch(request);
  });
}
