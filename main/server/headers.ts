/**
 * Response headers of `studio serve`. The CSP lets the page load only its own scripts and styles,
 * talk only to this server (HTTP and its WebSocket), show images from this server or from
 * data:/blob: URLs (previews of picked files), and never be framed.
 * No 'unsafe-inline' anywhere: the built Vue app has no inline scripts or style elements
 * (bindings set styles through the DOM, which CSP allows).
 */

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

/** Headers on every response, whatever its route or status. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
