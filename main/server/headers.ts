/**
 * Response headers every answer of `studio serve` carries. The CSP lets the page load only its
 * own scripts and styles, talk only to this server (HTTP and its WebSocket), show images from
 * this server or from data:/blob: URLs (previews of picked files), and never be framed.
 * No 'unsafe-inline' anywhere: the built Vue app has no inline scripts or style elements
 * (bindings set styles through the DOM, which CSP allows).
 */
import type { ServerResponse } from 'node:http';

export function serverCsp(host: string | null): string {
  const connect = host ? `'self' ws://${host}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}


/** Headers for every response, whatever its route or status. */
export function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Answers that carry user data or the token must not be stored by shared caches. */
export function setNoStore(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store');
}
