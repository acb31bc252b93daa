/**
 * The token that guards every request of `studio serve`. Anyone who can reach the port but was
 * not handed the printed URL gets 401: other local users, other browser tabs, DNS-rebinding
 * pages. The token travels in the `x-studio-token` header (API calls), in `?token=` (the first
 * page load, image and download URLs, the WebSocket), or in an HttpOnly SameSite=Strict cookie
 * set on the first page load, so a reload of the page works without the URL's token.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HTTP } from '../../preload/contract/channels.js';

/** 32 random bytes, base64url: 43 characters, safe in URLs, headers and cookies. */
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
 * Cookies are shared by every port of a host, so two studios on 127.0.0.1 would overwrite each
 * other's cookie if it had one name: the name carries the port.
 */
export function cookieName(port: number): string {
  return `studio_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export type TokenSource = 'header' | 'query' | 'cookie';

/** Every token the request carries, from each place it may come from. */
export function presentedTokens(req: IncomingMessage, url: URL, port: number): Array<{ source: TokenSource; token: string }> {
  const found: Array<{ source: TokenSource; token: string }> = [];
  const header = req.headers[HTTP.tokenHeader];
  if (typeof header === 'string') found.push({ source: 'header', token: header });
  const query = url.searchParams.get('token');
  if (query !== null) found.push({ source: 'query', token: query });
  const cookie = cookieValue(req.headers.cookie, cookieName(port));
  if (cookie !== null) found.push({ source: 'cookie', token: cookie });
  return found;
}

/**
 * The request is authorised when a presented token matches. A wrong token in one place is not
 * rescued by a right one elsewhere: the header and query are checked before the cookie, and the
 * first one present decides, so a stale cookie never hides a bad header and vice versa.
 */
export function authorise(req: IncomingMessage, url: URL, port: number, expected: string): { ok: boolean; source: TokenSource | null } {
  const first = presentedTokens(req, url, port)[0];
  if (!first) return { ok: false, source: null };
  return { ok: tokensEqual(expected, first.token), source: first.source };
}
