/**
 * `studio serve`'s guard for the shared file routes (main/routes/files.ts): the same checks every
 * data route has. A request needs the owner's token or a live person's link in the
 * `x-studio-token` header; export routes (download and link) are admin-only like exportProject;
 * an export GET may instead carry a signed link (a followed link cannot send a header), valid for
 * that one export and a minute; a POST must come from this server's own origin (CSRF).
 */
import { HTTP } from '../../preload/contract/channels.js';
import { StudioError } from '../../preload/contract/errors.js';
import { errorResponse, type FileGuard } from '../routes/files.js';
import { authoriseCall, identify, type PersonLookup } from './callers.js';
import { sameOriginOrNone } from './origin.js';
import { verifyExportLink } from './signed-links.js';

export const MISSING_TOKEN = 'Missing, wrong or revoked token: open the link that `studio serve` printed, or ask for a new one';

export function serverFileGuard(ownerToken: string, people: PersonLookup): FileGuard {
  return (request, target) => {
    const url = new URL(request.url);
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    // A GET of an export may carry a signed link instead of the header; it was only ever issued to an admin.
    if (target.kind === 'export' && isRead && url.searchParams.has('sig') && verifyExportLink(ownerToken, target.exportPath, url)) return undefined;
    const caller = identify(request.headers.get(HTTP.tokenHeader), ownerToken, people);
    if (caller === null) throw new StudioError('unauthorized', MISSING_TOKEN);
    if (target.kind === 'export') authoriseCall(caller, 'exportProject', null);
    // The bridge builds the URL from the (already checked) Host header, so its host is the request's.
    if (!isRead && !sameOriginOrNone(request.headers.get('origin'), url.host)) {
      return errorResponse({ code: 'unauthorized', message: 'Calls from another origin are refused', problems: [] }, 403);
    }
    return undefined;
  };
}
