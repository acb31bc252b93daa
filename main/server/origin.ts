/**
 * Host and Origin checks. The token already stops strangers (and no browser holds it in a cookie
 * for another page to ride on); these stop a page from another origin from talking to the server
 * through a browser (cross-site WebSocket, CSRF) as defence in depth, and,
 * while the server is bound to loopback, any Host other than the loopback names (DNS rebinding).
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/** What a Host header may look like at all: a name or address and a port, nothing to inject. */
const HOST_SHAPE = /^[A-Za-z0-9.\-[\]:]{1,300}$/;

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

/** The request's Host header when it is well-formed, else null. */
export function requestHost(req: IncomingMessage): string | null {
  const host = req.headers.host;
  return typeof host === 'string' && HOST_SHAPE.test(host) ? host : null;
}

/**
 * Loopback servers answer only to loopback names with their own port: 127.0.0.1, localhost,
 * [::1] and the address they are bound to (e.g. 127.0.0.2). An exposed server (`--expose`) is
 * reached under names we cannot know in advance, so only the shape is checked.
 */
export function hostAllowed(req: IncomingMessage, port: number, exposed: boolean, boundHost = '127.0.0.1'): boolean {
  const host = requestHost(req);
  if (host === null) return false;
  if (exposed) return true;
  const bound = boundHost.includes(':') ? `[${boundHost}]` : boundHost;
  return [...LOOPBACK_HOSTS, bound].some((name) => host === `${name}:${port}`);
}

/**
 * A browser always sends Origin on WebSocket upgrades and cross-origin POSTs; it must be this
 * server's own origin. Clients that are not browsers (the CLI, tests, scripts) send none and are
 * judged by the token alone.
 */
export function originAllowed(req: IncomingMessage): boolean {
  return sameOriginOrNone(req.headers.origin ?? null, requestHost(req));
}

/** The same check over the header values themselves (web `Request`s: the file routes). */
export function sameOriginOrNone(origin: string | null, rawHost: string | null | undefined): boolean {
  if (origin === null) return true;
  const host = typeof rawHost === 'string' && HOST_SHAPE.test(rawHost) ? rawHost : null;
  if (host === null) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
