/**
 * The file routes both hosts serve, as one Hono app: stored images (/blobs/<sha256>), their
 * thumbnails (/blobs/<sha256>/thumb?size=) and export archives (/exports/<id>, and on the server
 * POST /exports/<id>/link for a signed download link). `studio serve` hands it its /blobs/ and
 * /exports/ requests (through server/web-bridge.ts) and the desktop window's studio-blob://local/
 * protocol calls `app.fetch` with Electron's own Request, so an image or an export is validated,
 * typed and answered the same way whichever host asks.
 *
 * What differs between the hosts is passed in: the server's `guard` (token, people's roles,
 * signed links, Origin) and its link signer. The desktop passes neither: the window is the owner
 * and nothing else can reach its protocol.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { StudioError, type StudioErrorBody } from '../../preload/contract/errors.js';
import type { BlobStore } from '../core/blobs/store.js';
import { blobFile, IMMUTABLE_CACHE, parseThumbSize, thumbFile, type BlobFile } from '../server/blob-files.js';
import { httpStatus, toErrorBody, type ErrorLog } from '../server/dispatch.js';
import { exportDownload } from '../server/export-files.js';

/** What a guarded request asks for; `exportPath` is the raw path after /exports/ (`<id>` or `<id>/link`). */
export type FileTarget = { kind: 'blob' } | { kind: 'export'; exportPath: string };

/**
 * Decides whether a request may go on, before any route looks at it: returns nothing to let it
 * through, a Response to answer with instead, or throws a StudioError (answered as its body).
 */
export type FileGuard = (request: Request, target: FileTarget) => Response | undefined;

export interface FileRoutesOptions {
  blobs: BlobStore;
  /** The data dir's exports/ folder. */
  exportsDir: string;
  /** Unexpected failures, with their stack (the client gets a reference only). */
  log: ErrorLog;
  guard?: FileGuard;
  /** A signed download link for an export (`studio serve` only); without it POST /exports/<id>/link is not served. */
  signExportLink?: (exportId: string) => string;
}

/** A stored file is shown, never run: no scripts, no loads, a unique origin (an SVG or HTML posing as an image included). */
export const BLOB_CSP = "default-src 'none'; sandbox";

/**
 * Set on every answer of these routes, whatever its status: none is ever a document to render
 * (an image opened directly cannot run anything, even an SVG or HTML that slipped in).
 */
export const FILE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': BLOB_CSP,
};

export function errorResponse(body: StudioErrorBody, status = httpStatus(body.code), headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...FILE_RESPONSE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

/** Larger reads than fs's 64 KiB default: each chunk crosses a web stream (and on the server back), so fewer chunks cost less. */
const FILE_CHUNK = 256 * 1024;

function webStream(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
}

function isHead(c: Context): boolean {
  return c.req.method === 'HEAD';
}

function blobResponse(c: Context, file: BlobFile, etag: string): Response {
  const headers: Record<string, string> = { ...FILE_RESPONSE_HEADERS, 'Content-Type': file.type, 'Cache-Control': IMMUTABLE_CACHE, ETag: etag };
  // Anything that is not one of our image formats is never rendered inline.
  if (!file.type.startsWith('image/')) headers['Content-Disposition'] = 'attachment';
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  // A HEAD opens no file (Hono drops a GET handler's body for HEAD, but the file would stay open).
  return new Response(isHead(c) ? null : webStream(createReadStream(file.path, { highWaterMark: FILE_CHUNK })), { status: 200, headers });
}

export function createFileRoutes(options: FileRoutesOptions): Hono {
  const { blobs, exportsDir, log, guard } = options;
  const app = new Hono();

  app.onError((err) => {
    const body = toErrorBody(err, log);
    return errorResponse(body);
  });
  app.notFound((c) => errorResponse({ code: 'not_found', message: `Nothing is served at ${c.req.path.slice(0, 200)}`, problems: [] }));

  if (guard) {
    app.use('/blobs/*', async (c, next) => {
      const refused = guard(c.req.raw, { kind: 'blob' });
      if (refused) return refused;
      await next();
    });
    app.use('/exports/*', async (c, next) => {
      const path = new URL(c.req.url).pathname;
      const refused = guard(c.req.raw, { kind: 'export', exportPath: path.slice('/exports/'.length) });
      if (refused) return refused;
      await next();
    });
  }

  app.get('/blobs/:sha256', async (c) => {
    const sha256 = c.req.param('sha256');
    return blobResponse(c, await blobFile(blobs, sha256), `"${sha256}"`);
  });

  app.get('/blobs/:sha256/thumb', async (c) => {
    const sha256 = c.req.param('sha256');
    const size = parseThumbSize(c.req.query('size') ?? null);
    return blobResponse(c, await thumbFile(blobs, sha256, size), `"${sha256}-thumb-${size}"`);
  });

  app.get('/exports/:exportId', async (c) => {
    const download = await exportDownload(exportsDir, c.req.param('exportId'));
    const headers = {
      ...FILE_RESPONSE_HEADERS,
      'Content-Type': download.contentType,
      'Content-Disposition': `attachment; filename="${download.fileName}"`,
      'Cache-Control': 'no-store',
      'Content-Length': String(download.size),
    };
    return new Response(isHead(c) ? null : webStream(download.open()), { status: 200, headers });
  });

  const { signExportLink } = options;
  if (signExportLink) {
    app.post('/exports/:exportId/link', async (c) => {
      const exportId = c.req.param('exportId');
      // Only an export that exists gets a link (exportDownload validates the id and the folder).
      await exportDownload(exportsDir, exportId);
      return new Response(JSON.stringify({ url: signExportLink(exportId) }), {
        status: 200,
        headers: { ...FILE_RESPONSE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    });
  }

  // Any other method on these paths: they are read with GET (and HEAD) only.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], ['/blobs/*', '/exports/*'], (c) =>
    errorResponse({ code: 'unsupported', message: `${c.req.method} is not served here`, problems: [] }, 405, { Allow: 'GET, HEAD' }),
  );
  // A path of the right prefix but the wrong shape (`/exports/a/b`) names nothing valid.
  app.get('/exports/*', () => {
    throw new StudioError('invalid_input', 'An export id is a plain name of letters, digits, _, - and .');
  });

  return app;
}
