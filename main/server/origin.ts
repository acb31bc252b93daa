/**
 * Host and Origin checks. The token already stops strangers (and no browser holds it in a cookie
 * for another page to ride on); these stop a page from another origin from talking to the server
 * through a browser (cross-site WebSocket, CSRF) as defence in depth, and,
 * while the server is bound to loopback, any Host other than the loopback names (DNS rebinding).
 * They read header values, so the Hono app (web Requests) and the WebSocket upgrade (Node's
 * request) check alike.
 */

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/** What a Host header may look like at all: a name or address and a port, nothing to inject. */
const HOST_SHAPE = /^[A-Za-z0-9.\-[\]:]{1,300}$/;

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

/** A Host header's value when it is well-formed, else null. */
export function wellFormedHost(rawHost: string | null | undefined): string | null {
  return typeof rawHost === 'string' && HOST_SHAPE.test(rawHost) ? rawHost : null;
}

/**
 * Loopback servers answer only to loopback names with their own port: 127.0.0.1, localhost,
 * [::1] and the address they are bound to (e.g. 127.0.0.2). An exposed server (`--expose`) is
 * reached under names we cannot know in advance, so only the shape is checked.
 */
export function hostAllowed(rawHost: string | null | undefined, port: number, exposed: boolean, boundHost = '127.0.0.1'): boolean {
  const host = wellFormedHost(rawHost);
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
export function sameOriginOrNone(origin: string | null, rawHost: string | null | undefined): boolean {
  if (origin === null) return true;
  const host = wellFormedHost(rawHost);
  if (host === null) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
