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
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP } from '../../preload/contract/channels.js';
import { StudioError } from '../../preload/contract/errors.js';
import type { StudioHandlers } from '../../preload/contract/api.js';
import type { BlobStore } from '../core/blobs/store.js';
import { createLogger, type Logger } from '../core/logger.js';
import { createServerApp } from './app.js';
import { isAcceptableToken, newToken, nodeHeaders, webSocketToken } from './auth.js';
import { identify, type PersonLookup } from './callers.js';
import { httpStatus, toErrorBody, type ErrorLog } from './dispatch.js';
import { createEventSockets, type EventSource } from './events-socket.js';
import { hostAllowed, isLoopbackAddress, sameOriginOrNone } from './origin.js';
import { COMMON_HEADERS } from './headers.js';
import { jsonResponse } from './respond.js';
import { sendWebResponse, webRequestOf } from './web-bridge.js';

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
  const app = createServerApp({
    core,
    token,
    hostAllowed: (requestHost) => hostAllowed(requestHost, port, exposed, host),
    describeAddress: () => `127.0.0.1:${port}`,
    closeLinkSockets: (linkId) => sockets.closeLink(linkId),
    rendererDir: options.rendererDir,
    log,
  });

  // Node's request to the app's web Request and its Response back (web-bridge.ts). The app
  // answers every failure of its own; this catch is for the bridge's.
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let discard: () => void = () => req.resume();
    try {
      const bridged = await webRequestOf(req);
      discard = bridged.discard;
      const { request } = bridged;
      const response = await app.fetch(request);
      discard();
      sendWebResponse(res, response, (err) => log(`${request.method} ${new URL(request.url).pathname.slice(0, 200)} stream`, err));
    } catch (err) {
      discard();
      if (res.headersSent) return void res.destroy();
      const body = toErrorBody(err, log);
      sendWebResponse(res, jsonResponse(body, httpStatus(body.code), { ...COMMON_HEADERS }), () => res.destroy());
    }
  };
  const server: Server = createServer((req, res) => {
    answer(req, res).catch(() => res.destroy());
  });
  // Slow-loris and idle limits; uploads of 64 MB still fit comfortably.
  server.requestTimeout = 120_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 5_000;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://studio.invalid');
    if (url.pathname !== HTTP.events) return sockets.refuse(socket, 404, 'Only /events accepts a WebSocket');
    const header = nodeHeaders(req);
    if (!hostAllowed(header('host'), port, exposed, host) || !sameOriginOrNone(header('origin'), header('host'))) return sockets.refuse(socket, 403, 'Cross-origin WebSocket refused');
    const caller = identify(webSocketToken(header), token, core.access);
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
