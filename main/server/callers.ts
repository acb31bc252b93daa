/**
 * Who is calling `studio serve`, and what they may do. The printed token is the owner's: admin,
 * free to act as any annotator (like the desktop app). Any other token is looked up as a
 * person's link (hashed, in the database, revoked ones refused); the person's current role decides
 * which methods they may call (contract/method-access.ts) and every field that names who is
 * acting (`annotatorId`) must name them, so what they label is attributed from the token, not
 * from what the page sends.
 */
import type { Session } from '../../preload/contract/access.js';
import type { User } from '../../preload/contract/domain.js';
import { StudioError } from '../../preload/contract/errors.js';
import type { MethodName } from '../../preload/contract/api.js';
import { ATTRIBUTED_FIELDS, PERSONAL_FIELDS, requiredAccess, roleAllows } from '../../preload/contract/method-access.js';
import { isAcceptableToken, tokensEqual } from './auth.js';

export type Caller = { kind: 'owner' } | { kind: 'person'; linkId: number; user: User };

export interface PersonLookup {
  personForToken(token: string): { linkId: number; user: User } | null;
}

/** The caller a token stands for, or null (missing, wrong or revoked: 401). */
export function identify(token: string | null, ownerToken: string, people: PersonLookup): Caller | null {
  if (token === null) return null;
  if (tokensEqual(ownerToken, token)) return { kind: 'owner' };
  // Only well-formed tokens reach the database (the same shape every link's token has).
  if (!isAcceptableToken(token)) return null;
  const person = people.personForToken(token);
  return person ? { kind: 'person', ...person } : null;
}

/** What getSession answers for this caller. */
export function sessionOf(caller: Caller): Session {
  return caller.kind === 'owner' ? { owner: true, user: null, role: 'admin' } : { owner: false, user: caller.user, role: caller.user.role };
}

const NEEDS_SENTENCE = { read: 'anyone', annotator: 'anyone', reviewer: 'a reviewer or an admin', admin: 'an admin' } as const;

/**
 * Throws `forbidden` (403) unless the caller may make this call: the role allows the method and
 * no field naming who acts names someone else. The owner passes every check.
 */
export function authoriseCall(caller: Caller, name: string, input: unknown): void {
  if (caller.kind === 'owner') return;
  const { user } = caller;
  if (!roleAllows(user.role, name)) {
    throw new StudioError('forbidden', `${user.name} is ${user.role === 'annotator' ? 'an' : 'a'} ${user.role}; only ${NEEDS_SENTENCE[requiredAccess(name)]} may call ${name.slice(0, 100)}.`);
  }
  if (typeof input !== 'object' || input === null) return;
  for (const field of ATTRIBUTED_FIELDS) {
    const value = (input as Record<string, unknown>)[field];
    if (value !== undefined && value !== user.id) {
      throw new StudioError('forbidden', `This link belongs to ${user.name} (user ${user.id}): it cannot act as user ${String(value).slice(0, 20)}.`);
    }
  }
  const personal = Object.prototype.hasOwnProperty.call(PERSONAL_FIELDS, name) ? PERSONAL_FIELDS[name as MethodName] : undefined;
  const whose = personal === undefined ? undefined : (input as Record<string, unknown>)[personal];
  if (whose !== undefined && whose !== user.id && user.role !== 'admin') {
    throw new StudioError('forbidden', `This link belongs to ${user.name} (user ${user.id}): only an admin may see or change another person's settings.`);
  }
}
