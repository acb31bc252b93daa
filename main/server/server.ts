/**
 * `studio serve`: the HTTP + WebSocket host. It serves the same StudioApi as the desktop app
 * (POST /api/<method>), the stored images (/blobs), export downloads (/exports), pushed events
 * (/events) and the built renderer, all behind one token. It binds 127.0.0.1 unless the caller
 * explicitly allows another interface (`allowRemote`, the CLI's `--expose`).
 *
 * The token it prints is the owner's (admin). People's links carry tokens of their own, looked up
 * in the database on every request; each call is checked against the person's role and
 * attributed to them (callers.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP } from '../../preload/contract/channels.js';
import { StudioError } from '../../preload/contract/errors.js';
import type { StudioHandlers } from '../../preload/contract/api.js';
import type { BlobStore } from '../core/blobs/store.js';
import { createLogger, type Logger } from '../core/logger.js';
import { isAcceptableToken, newToken, requestToken, webSocketToken } from './auth.js';
import { authoriseCall, identify, sessionOf, type Caller, type PersonLookup } from './callers.js';
import { blobFile, IMMUTABLE_CACHE, parseThumbSize, thumbFile, type BlobFile } from './blob-files.js';
import { readJson, MB } from './body.js';
import { ByteBudget } from './body-budget.js';
import { callByName, httpStatus, toErrorBody, type ErrorLog } from './dispatch.js';
import { createEventSockets, type EventSource } from './events-socket.js';
import { exportDownload } from './export-files.js';
import { serverCsp, setCommonHeaders } from './headers.js';
import { hostAllowed, isLoopbackAddress, originAllowed, requestHost } from './origin.js';
import { errorBody, sendError, sendJson } from './respond.js';
import { openStatic, resolveStatic } from './static-files.js';
import { LINK_LIFETIME_MS, signExportLink, verifyExportLink } from './signed-links.js';

/** What the server needs of the core: the handlers, its events, its blobs and where exports live. */
export interface ServerCore {
  handlers: StudioHandlers;
  events: EventSource;
  blobs: BlobStore;
  paths: { exports: string };
  /** Who a token that is not the owner's belongs to (people's links). */
  access: PersonLookup;
}

export interface ServerOptions {
  core: ServerCore;
  /** Interface to bind. Anything but loopback needs `allowRemote`. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A fixed owner token (at least 32 URL-safe characters; `--keep-token`); by default a fresh random one. */
  token?: string;
  /** The explicit consent to listen beyond this machine (`studio serve --expose`). */
  allowRemote?: boolean;
  /** The built renderer (out/renderer); null serves the API only. */
  rendererDir: string | null;
  /** Unexpected failures are logged here with their stack (the client gets a reference only). */
  log?: Logger;
}

export interface RunningServer {
  /** The address to open, token included. */
  url: string;
  origin: string;
  token: string;
  host: string;
  port: number;
  exposed: boolean;
  close(): Promise<void>;
}

/** uploadFile carries a file as base64 (4/3 of its size); everything else is small. */
const BODY_LIMITS: Record<string, number> = { uploadFile: 64 * MB };
const DEFAULT_BODY_LIMIT = 4 * MB;
/** Large bodies held at once: two full uploadFile chunks (about 600 MB of memory while they are decoded). */
const LARGE_BODY_BUDGET = 128 * MB;

function sendFile(req: IncomingMessage, res: ServerResponse, file: BlobFile, headers: Record<string, string>): void {
  res.writeHead(200, { 'Content-Type': file.type, ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const exposed = !isLoopbackAddress(host);
  if (exposed && !options.allowRemote) {
    throw new StudioError('invalid_input', `Refusing to listen on ${host}: only 127.0.0.1 is served unless remote access is explicitly allowed (--expose)`);
  }
  const token = options.token ?? newToken();
  if (!isAcceptableToken(token)) throw new StudioError('invalid_input', 'The token must be at least 32 characters of A-Z, a-z, 0-9, _ and -');
  const logger = (options.log ?? createLogger()).child({ component: 'server' });
  const log: ErrorLog = (message, err) => logger.error(message, { err });
  const { core } = options;
  const sockets = createEventSockets(core.events);
  let port = 0;
  const largeBodies = new ByteBudget(LARGE_BODY_BUDGET);

  const handleApi = async (req: IncomingMessage, res: ServerResponse, name: string, caller: Caller) => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, errorBody('unsupported', 'API methods are called with POST'), 405);
      return;
    }
    if (!originAllowed(req)) {
      sendError(res, errorBody('unauthorized', 'Calls from another origin are refused'), 403);
      return;
    }
    const limit = BODY_LIMITS[name];
    const declared = Number(req.headers['content-length']);
    // Held until the handler is done: the decoded bytes live until the file is written.
    const release = limit ? await largeBodies.acquire(Number.isFinite(declared) && declared > 0 ? Math.min(declared, limit) : limit) : null;
    try {
      const input = await readJson(req, limit ?? DEFAULT_BODY_LIMIT);
      authoriseCall(caller, name, input);
      // The session is what this host knows about the caller; the core knows only its owner.
      const output = name === 'getSession' ? sessionOf(caller) : await callByName(core.handlers, name, input);
      // A revoked link's open event connection ends now, not at its next reconnect.
      if (name === 'revokeAccessLink') sockets.closeLink((output as { id: number }).id);
      sendJson(res, 200, output);
    } finally {
      release?.();
    }
  };

  const handleBlob = async (req: IncomingMessage, res: ServerResponse, url: URL, rest: string) => {
    const thumb = rest.endsWith('/thumb');
    const sha = thumb ? rest.slice(0, -'/thumb'.length) : rest;
    const size = thumb ? parseThumbSize(url.searchParams.get('size')) : null;
    const file = size ? await thumbFile(core.blobs, sha, size) : await blobFile(core.blobs, sha);
    const headers: Record<string, string> = { 'Cache-Control': IMMUTABLE_CACHE, ETag: `"${sha}${size ? `-thumb-${size}` : ''}"` };
    // Anything that is not one of our image formats is never rendered inline.
    if (!file.type.startsWith('image/')) headers['Content-Disposition'] = 'attachment';
    headers['Content-Security-Policy'] = "default-src 'none'; sandbox";
    if (req.headers['if-none-match'] === headers.ETag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    sendFile(req, res, file, headers);
  };

  const handleExport = async (req: IncomingMessage, res: ServerResponse, exportId: string) => {
    const download = await exportDownload(core.paths.exports, exportId);
    res.writeHead(200, {
      'Content-Type': download.contentType,
      'Content-Disposition': `attachment; filename="${download.fileName}"`,
      'Cache-Control': 'no-store',
      'Content-Length': download.size,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = download.open();
    stream.on('error', (err) => {
      log(`export ${exportId} archive`, err);
      res.destroy();
    });
    stream.pipe(res);
  };

  const handleExportLink = async (req: IncomingMessage, res: ServerResponse, exportId: string) => {
    req.resume();
    if (!originAllowed(req)) {
      sendError(res, errorBody('unauthorized', 'Calls from another origin are refused'), 403);
      return;
    }
    // Only an export that exists gets a link (exportDownload validates the id and the folder).
    await exportDownload(core.paths.exports, exportId);
    sendJson(res, 200, { url: signExportLink(token, exportId, Date.now() + LINK_LIFETIME_MS) });
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const file = options.rendererDir ? await resolveStatic(options.rendererDir, url.pathname) : null;
    if (!file) {
      sendError(res, errorBody('not_found', `Nothing is served at ${url.pathname.slice(0, 200)}`));
      return;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': file.type,
      'Content-Length': file.size,
      'Content-Security-Policy': serverCsp(requestHost(req)),
      'Cache-Control': file.immutable ? IMMUTABLE_CACHE : 'no-cache',
    };
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = openStatic(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    setCommonHeaders(res);
    if (!hostAllowed(req, port, exposed, host)) {
      sendError(res, errorBody('unauthorized', `This server answers only to 127.0.0.1:${port}`), 403);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://studio.invalid');
    const path = url.pathname;
    const exportPath = path.startsWith('/exports/') ? path.slice('/exports/'.length) : null;
    // A GET of an export may carry a signed link instead of the header (a followed link has none).
    const signedDownload = exportPath !== null && url.searchParams.has('sig') && verifyExportLink(token, exportPath, url);
    const dataRoute = path.startsWith('/api/') || path.startsWith('/blobs/') || exportPath !== null || path === HTTP.events;
    const caller = dataRoute && !signedDownload ? identify(requestToken(req), token, core.access) : null;
    if (dataRoute && !signedDownload && caller === null) {
      req.resume();
      sendError(res, errorBody('unauthorized', 'Missing, wrong or revoked token: open the link that `studio serve` printed, or ask for a new one'), 401);
      return;
    }
    // Exports are admin-only (exportProject); a signed link was only ever issued to an admin.
    if (exportPath !== null && caller !== null) authoriseCall(caller, 'exportProject', null);
    if (path.startsWith('/api/')) return handleApi(req, res, path.slice('/api/'.length), caller!);
    if (exportPath?.endsWith('/link') && req.method === 'POST' && !signedDownload) return handleExportLink(req, res, exportPath.slice(0, -'/link'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      res.setHeader('Allow', 'GET, HEAD');
      sendError(res, errorBody('unsupported', `${req.method ?? 'This method'} is not served here`), 405);
      return;
    }
    if (path.startsWith('/blobs/')) return handleBlob(req, res, url, path.slice('/blobs/'.length));
    if (exportPath !== null) return handleExport(req, res, exportPath);
    if (path === HTTP.events) {
      sendError(res, errorBody('invalid_input', '/events is a WebSocket: connect with an Upgrade request'), 426);
      return;
    }
    // The page shell (the built app) holds no data: it is served without the token so a reload
    // works after the page moved the token from its URL into sessionStorage.
    return handleStatic(req, res, url);
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const body = toErrorBody(err, log);
      sendError(res, body, httpStatus(body.code));
    });
  });
  // Slow-loris and idle limits; uploads of 64 MB still fit comfortably.
  server.requestTimeout = 120_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://studio.invalid');
    if (url.pathname !== HTTP.events) return sockets.refuse(socket, 404, 'Only /events accepts a WebSocket');
    if (!hostAllowed(req, port, exposed, host) || !originAllowed(req)) return sockets.refuse(socket, 403, 'Cross-origin WebSocket refused');
    const caller = identify(webSocketToken(req), token, core.access);
    if (caller === null) return sockets.refuse(socket, 401, 'Missing, wrong or revoked token');
    sockets.accept(req, socket, head, caller.kind === 'person' ? caller.linkId : null);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  // An exposed server is reached under this machine's name; the printed origin is only a hint.
  const origin = `http://${exposed && (host === '0.0.0.0' || host === '::') ? '127.0.0.1' : urlHost}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    host,
    port,
    exposed,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
