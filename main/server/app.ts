/**
 * Every HTTP request of `studio serve` (all but the /events WebSocket upgrade, which server.ts
 * hands to events-socket.ts) as one Hono app over web Request/Response. The shared routes
 * (main/routes/) answer images and exports (files.ts) and the page (renderer.ts) exactly as they
 * do for the desktop's custom protocols; this app puts the server's own checks around them and
 * answers the StudioApi at POST /api/<method>.
 *
 * Order of the checks, as before the move to Hono: the common headers on every answer, the Host
 * (DNS rebinding), then per route: files behind their guard (file-guard.ts); /api and /events
 * behind the token (401); an API call must be a POST (405) from this origin or none (403), its
 * body within its limit and the large-body budget, its input allowed to this caller (403) and
 * valid for the method (400); the page needs no token (it holds no data).
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTP } from '../../preload/contract/channels.js';
import { createFileRoutes } from '../routes/files.js';
import { createRendererRoutes } from '../routes/renderer.js';
import { requestToken, webHeaders } from './auth.js';
import { ByteBudget } from './body-budget.js';
import { readJson, MB } from './body.js';
import { authoriseCall, identify, sessionOf, type Caller } from './callers.js';
import { callByName, toErrorBody, type ErrorLog } from './dispatch.js';
import { MISSING_TOKEN, serverFileGuard } from './file-guard.js';
import { COMMON_HEADERS, serverCsp } from './headers.js';
import { sameOriginOrNone, wellFormedHost } from './origin.js';
import { errorBody, errorResponse, jsonResponse } from './respond.js';
import type { ServerCore } from './server.js';
import { LINK_LIFETIME_MS, signExportLink } from './signed-links.js';

/** uploadFile carries a file as base64 (4/3 of its size); everything else is small. */
const BODY_LIMITS: Record<string, number> = { uploadFile: 64 * MB };
const DEFAULT_BODY_LIMIT = 4 * MB;
/** Large bodies held at once: two full uploadFile chunks (about 600 MB of memory while they are decoded). */
const LARGE_BODY_BUDGET = 128 * MB;

export interface ServerAppOptions {
  core: ServerCore;
  /** The owner's token. */
  token: string;
  /** True when a Host header names this server (server.ts knows the port only once it listens). */
  hostAllowed: (host: string | null) => boolean;
  /** What the port is answered as in the Host refusal. */
  describeAddress: () => string;
  /** A revoked link's open event sockets are closed at once. */
  closeLinkSockets: (linkId: number) => void;
  rendererDir: string | null;
  log: ErrorLog;
}

type Env = { Variables: { caller: Caller } };

export function createServerApp(options: ServerAppOptions): Hono<Env> {
  const { core, token, log } = options;
  const largeBodies = new ByteBudget(LARGE_BODY_BUDGET);
  const files = createFileRoutes({
    blobs: core.blobs,
    exportsDir: core.paths.exports,
    log,
    guard: serverFileGuard(token, core.access),
    signExportLink: (exportId) => signExportLink(token, exportId, Date.now() + LINK_LIFETIME_MS),
  });
  const renderer = createRendererRoutes({
    rendererDir: options.rendererDir,
    log,
    headers: (request) => ({ 'Content-Security-Policy': serverCsp(wellFormedHost(request.headers.get('host'))) }),
  });

  const app = new Hono<Env>();
  app.onError((err) => errorResponse(toErrorBody(err, log)));

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(COMMON_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', async (c, next) => {
    if (!options.hostAllowed(c.req.header('host') ?? null)) return errorResponse(errorBody('unauthorized', `This server answers only to ${options.describeAddress()}`), 403);
    await next();
  });

  // Images and exports: the router the desktop's studio-blob:// protocol serves too (its guard checks the token).
  app.all('/blobs/*', (c) => files.fetch(c.req.raw));
  app.all('/exports/*', (c) => files.fetch(c.req.raw));

  const needsToken = createMiddleware<Env>(async (c, next) => {
    const caller = identify(requestToken(webHeaders(c.req.raw.headers)), token, core.access);
    if (caller === null) return errorResponse(errorBody('unauthorized', MISSING_TOKEN), 401);
    c.set('caller', caller);
    await next();
  });
  app.use('/api/*', needsToken);
  app.use(HTTP.events, needsToken);

  app.all('/api/*', async (c) => {
    if (c.req.method !== 'POST') return errorResponse(errorBody('unsupported', 'API methods are called with POST'), 405, { Allow: 'POST' });
    if (!sameOriginOrNone(c.req.header('origin') ?? null, c.req.header('host'))) return errorResponse(errorBody('unauthorized', 'Calls from another origin are refused'), 403);
    const name = new URL(c.req.url).pathname.slice('/api/'.length);
    const caller = c.get('caller');
    const limit = BODY_LIMITS[name];
    const declared = Number(c.req.header('content-length'));
    // Held until the handler is done: the decoded bytes live until the file is written.
    const release = limit ? await largeBodies.acquire(Number.isFinite(declared) && declared > 0 ? Math.min(declared, limit) : limit) : null;
    try {
      const input = await readJson(c.req.raw, limit ?? DEFAULT_BODY_LIMIT);
      authoriseCall(caller, name, input);
      // The session is what this host knows about the caller; the core knows only its owner.
      const output = name === 'getSession' ? sessionOf(caller) : await callByName(core.handlers, name, input);
      // A revoked link's open event connection ends now, not at its next reconnect.
      if (name === 'revokeAccessLink') options.closeLinkSockets((output as { id: number }).id);
      return jsonResponse(output);
    } finally {
      release?.();
    }
  });

  app.on(['GET', 'HEAD'], HTTP.events, () => errorResponse(errorBody('invalid_input', '/events is a WebSocket: connect with an Upgrade request'), 426));

  // The page shell (the built app) holds no data: it is served without the token so a reload
  // works after the page moved the token from its URL into sessionStorage.
  app.all('*', (c) => renderer.fetch(c.req.raw));
  return app;
}
