/**
 * Export downloads are links a browser follows (a download cannot carry the token header), so the
 * page asks for a signed link with the header (`POST /exports/<id>/link`) and follows that. The
 * link names one export and runs out after LINK_LIFETIME_MS: leaked from a log or history, it
 * gives that one archive for a minute, never the token or any other route. The signature is an
 * HMAC-SHA256 keyed with the server's token, so a restarted server (new token) voids old links.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HTTP } from '../../preload/contract/channels.js';

export const LINK_LIFETIME_MS = 60_000;

function signature(token: string, exportId: string, expires: number): Buffer {
  return createHmac('sha256', token).update(`export\n${exportId}\n${expires}`).digest();
}

/** `/exports/<id>?expires=<ms>&sig=<base64url>`, valid until `expires` (ms since the epoch). */
export function signExportLink(token: string, exportId: string, expires: number): string {
  const sig = signature(token, exportId, expires).toString('base64url');
  return `${HTTP.exportDownload(exportId)}?expires=${expires}&sig=${sig}`;
}

/** True when the URL carries a signature for this export that is right and has not run out. */
export function verifyExportLink(token: string, exportId: string, url: URL, now = Date.now()): boolean {
  const expiresText = url.searchParams.get('expires');
  const sigText = url.searchParams.get('sig');
  if (expiresText === null || sigText === null || !/^\d{1,15}$/.test(expiresText)) return false;
  const expires = Number(expiresText);
  // A link is never valid for longer than it was issued for, whatever its expiry says.
  if (expires <= now || expires > now + LINK_LIFETIME_MS) return false;
  const given = Buffer.from(sigText, 'base64url');
  const expected = signature(token, exportId, expires);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
