/**
 * The access methods as the core serves them. The core's caller is the owner (the desktop app,
 * the CLI, the printed link): getSession says so. `studio serve` answers getSession itself for a
 * person's link, and checks every call's role before it reaches these handlers.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { CoreContext } from '../context.js';
import { createAccessLink, listAccessLinks, revokeAccessLink } from './links.js';

type AccessHandlers = Pick<StudioHandlers, 'getSession' | 'listAccessLinks' | 'createAccessLink' | 'revokeAccessLink'>;

export function accessHandlers(ctx: CoreContext): AccessHandlers {
  return {
    getSession: () => ({ owner: true, user: null, role: 'admin' }),
    listAccessLinks: () => listAccessLinks(ctx),
    createAccessLink: ({ userId }) => createAccessLink(ctx, userId),
    revokeAccessLink: ({ linkId }) => revokeAccessLink(ctx, linkId),
  };
}
