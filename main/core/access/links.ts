/**
 * People's links (access_link): a random token per link, bound to one user, stored only as its
 * SHA-256. `personForToken` is what `studio serve` asks on every request made with a token that is
 * not the owner's; it reads the user's current role, so a role change applies to the next call.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AccessLink } from '../../../preload/contract/access.js';
import type { User } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireUser } from '../services/lookup.js';
import { toUser, type UserRow } from '../services/rows.js';

interface LinkRow {
  id: number;
  user_id: number;
  user_name: string;
  created_at: string;
  revoked_at: string | null;
}

/** A person's link as the server resolves it: which link (to close its sockets) and who. */
export interface Person {
  linkId: number;
  user: User;
}

const LINK_COLUMNS = 'l.id, l.user_id, u.name AS user_name, l.created_at, l.revoked_at';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toAccessLink(row: LinkRow): AccessLink {
  return { id: row.id, userId: row.user_id, userName: row.user_name, createdAt: row.created_at, revokedAt: row.revoked_at };
}

function requireLink(ctx: CoreContext, linkId: number): AccessLink {
  const row = ctx.db.write.prepare<LinkRow>(`SELECT ${LINK_COLUMNS} FROM access_link l JOIN user u ON u.id = l.user_id WHERE l.id = ?`).get(linkId);
  if (!row) throw new StudioError('not_found', `no link with id ${linkId}`);
  return toAccessLink(row);
}

export function listAccessLinks(ctx: CoreContext): AccessLink[] {
  return ctx.db.read.prepare<LinkRow>(`SELECT ${LINK_COLUMNS} FROM access_link l JOIN user u ON u.id = l.user_id ORDER BY l.id DESC`).all().map(toAccessLink);
}

/** 32 random bytes, base64url (the same shape as the owner's token). Returned once, never stored. */
export function createAccessLink(ctx: CoreContext, userId: number): { link: AccessLink; token: string } {
  const token = randomBytes(32).toString('base64url');
  return ctx.db.write.transaction(() => {
    requireUser(ctx.db.write, userId);
    const { lastInsertRowid } = ctx.db.write.prepare('INSERT INTO access_link (user_id, token_hash, created_at) VALUES (?, ?, ?)').run(userId, tokenHash(token), nowIso(ctx));
    const link = requireLink(ctx, Number(lastInsertRowid));
    ctx.log.info('access link created', { linkId: link.id, userId });
    return { link, token };
  });
}

export function revokeAccessLink(ctx: CoreContext, linkId: number): AccessLink {
  return ctx.db.write.transaction(() => {
    requireLink(ctx, linkId);
    ctx.db.write.prepare('UPDATE access_link SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(nowIso(ctx), linkId);
    ctx.log.info('access link revoked', { linkId });
    return requireLink(ctx, linkId);
  });
}

/** The person a live (not revoked) link's token belongs to, or null. The lookup is by hash. */
export function personForToken(ctx: CoreContext, token: string): Person | null {
  const row = ctx.db.read
    .prepare<UserRow & { link_id: number }>(
      'SELECT l.id AS link_id, u.id, u.name, u.role, u.created_at FROM access_link l JOIN user u ON u.id = l.user_id WHERE l.token_hash = ? AND l.revoked_at IS NULL',
    )
    .get(tokenHash(token));
  return row ? { linkId: row.link_id, user: toUser(row) } : null;
}
