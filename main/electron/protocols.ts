/**
 * The two custom schemes of the desktop window. app://studio/ serves the built renderer (with
 * the CSP header on every response, paths kept inside out/renderer); studio-blob://local/ serves
 * stored images, thumbnails and export downloads under the same paths and with the same
 * validation as `studio serve`. The renderer never gets file:// access.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { StudioError } from '../../preload/contract/errors.js';
import { blobFile, IMMUTABLE_CACHE, parseThumbSize, thumbFile } from '../server/blob-files.js';
import { toErrorBody, httpStatus, type ErrorLog } from '../server/dispatch.js';
import { exportDownload } from '../server/export-files.js';
import { resolveStatic } from '../server/static-files.js';
import type { ServerCore } from '../server/server.js';
import { APP_SCHEME, appResponseHeaders, parseBlobRequest, PRIVILEGED_SCHEMES } from './security.js';
import { BLOB_PROTOCOL } from '../../preload/contract/channels.js';

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES.map((entry) => ({ scheme: entry.scheme, privileges: { ...entry.privileges } })));
}

function body(stream: Readable): ReadableStream {
  return Readable.toWeb(stream) as unknown as ReadableStream;
}

function fileResponse(path: string, type: string, extra: Record<string, string> = {}): Response {
  return new Response(body(createReadStream(path)), { status: 200, headers: { ...appResponseHeaders(type), ...extra } });
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
  protocol.handle(BLOB_PROTOCOL, async (request) => {
    try {
      const target = request.method === 'GET' ? parseBlobRequest(request.url) : null;
      if (!target) throw new StudioError('not_found', 'Not a studio-blob address');
      if (target.kind === 'blob') {
        const file = await blobFile(core.blobs, target.sha256);
        return fileResponse(file.path, file.type, { 'Cache-Control': IMMUTABLE_CACHE });
      }
      if (target.kind === 'thumb') {
        const file = await thumbFile(core.blobs, target.sha256, parseThumbSize(target.size));
        return fileResponse(file.path, file.type, { 'Cache-Control': IMMUTABLE_CACHE });
      }
      const download = await exportDownload(core.paths.exports, target.exportId);
      return new Response(body(download.open()), {
        status: 200,
        headers: {
          ...appResponseHeaders(download.contentType),
          'Content-Disposition': `attachment; filename="${download.fileName}"`,
          'Content-Length': String(download.size),
        },
      });
    } catch (err) {
      return errorResponse(err, log);
    }
  });
}
