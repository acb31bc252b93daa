/**
 * The token that guards every data route of `studio serve` (API calls, images, exports, the
 * event WebSocket). Anyone who can reach the port but was not handed the printed URL gets 401:
 * other local users, other browser tabs, DNS-rebinding pages.
 *
 * The token travels only in the `x-studio-token` header. Browsers cannot set headers on a
 * WebSocket, so the page offers it as a subprotocol value (`cosmo-studio.token.<token>` beside
 * `cosmo-studio.events`) and the server answers with the plain `cosmo-studio.events`, never echoing
 * the token. It is never read from a cookie (cookies are not scoped by port: every other web server
 * on 127.0.0.1 the browser visits would receive it) nor from a URL (URLs land in logs, history and
 * proxies). The page shell itself holds no data and is served without the token, so a reload works
 * once the page has moved the token from its first URL into sessionStorage.
 *
 * The printed token is the owner's; people's links carry tokens of their own (callers.ts).
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HTTP } from '../../preload/contract/channels.js';

/** 32 random bytes, base64url: 43 characters, safe in URLs, headers and subprotocol values. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

/** Tokens given by the user (`--token`) must be long enough to guess at no better than random. */
export function isAcceptableToken(token: string): boolean {
  return TOKEN_SHAPE.test(token) && token.length >= 32;
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison takes the same time
 * whatever the candidate's length (timingSafeEqual itself needs equal lengths).
 */
export function tokensEqual(expected: string, candidate: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(candidate).digest();
  return timingSafeEqual(a, b);
}

/**
 * One request header by its lower-case name, or null when it is missing (or repeated, for Node's
 * array-valued headers): the same reading over web `Headers` (the Hono app) and Node's upgrade
 * request (the event WebSocket).
 */
export type HeaderOf = (name: string) => string | null;

export function nodeHeaders(req: IncomingMessage): HeaderOf {
  return (name) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : null;
  };
}

export function webHeaders(headers: Headers): HeaderOf {
  return (name) => headers.get(name);
}

/** The token a request carries in its `x-studio-token` header, or null. */
export function requestToken(header: HeaderOf): string | null {
  return header(HTTP.tokenHeader);
}

/** The subprotocols a WebSocket upgrade offers (`Sec-WebSocket-Protocol: a, b`). */
export function offeredProtocols(header: HeaderOf): string[] {
  const value = header('sec-websocket-protocol');
  if (value === null) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * The token a WebSocket upgrade carries: the header (clients that are not browsers) or, for
 * browsers, the value of the first token-bearing subprotocol offered. Null when neither is there.
 */
export function webSocketToken(header: HeaderOf): string | null {
  if (header(HTTP.tokenHeader) !== null) return requestToken(header);
  const offered = offeredProtocols(header).find((protocol) => protocol.startsWith(HTTP.tokenProtocolPrefix));
  return offered === undefined ? null : offered.slice(HTTP.tokenProtocolPrefix.length);
}
