/** Reviewer-only actions refuse annotators by name. */
import type { ReadableDB } from '../../../db/handles.js';
import type { User } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { requireUser } from '../services/lookup.js';

export function requireReviewer(db: ReadableDB, userId: number, action: string): User {
  const user = requireUser(db, userId);
  if (user.role === 'annotator') throw new StudioError('unauthorized', `${user.name} is an annotator: only a reviewer or an admin can ${action}`);
  return user;
}
