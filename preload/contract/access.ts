/**
 * People's links for a team on `studio serve`. The token `studio serve` prints is the owner's
 * (an admin acting as anyone, like the desktop app). An admin makes a link for one person: its
 * token binds every call made with it to that person, so labels, verdicts and votes are
 * attributed by the server from the token, and that person's role decides what they may call
 * (method-access.ts). The token is returned once, by createAccessLink; the studio keeps only its
 * hash. Revoking a link refuses it at once, its open event connection included.
 */
import { z } from 'zod';
import { Role, User } from './domain.js';

const Id = z.number().int().positive();
const Empty = z.object({}).strict();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** Who this connection is: the owner (printed link, desktop app) or one person's link. */
export const Session = z.object({
  /** True for the owner: admin, and may act as any annotator (pick a profile). */
  owner: z.boolean(),
  /** The person a link belongs to; null for the owner. */
  user: User.nullable(),
  /** What the server enforces: the owner is always admin, a person has their user's role. */
  role: Role,
});
export type Session = z.infer<typeof Session>;

export const AccessLink = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  userName: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type AccessLink = z.infer<typeof AccessLink>;

export const accessMethods = {
  /** Who the caller is; the page uses it to open as that person and hide what they may not do. */
  getSession: method(Empty, Session),
  /** Every link ever made, newest first, revoked ones included (with when). */
  listAccessLinks: method(Empty, z.array(AccessLink)),
  /** A new link for one person. `token` is shown this once: the page builds `<origin>/?token=<token>`. */
  createAccessLink: method(z.object({ userId: Id }), z.object({ link: AccessLink, token: z.string() })),
  /** Refuses the link from now on (HTTP calls and its open event connection). Idempotent. */
  revokeAccessLink: method(z.object({ linkId: Id }), AccessLink),
} as const;
