/**
 * `studio serve --keep-token`: the owner's token survives a restart, so the printed link and every
 * open tab keep working (people's links live in the database and survive regardless). The token
 * is kept in <data>/server-token, mode 0600 like the rest of the data directory. Without the flag
 * a restart makes a new token and removes a kept one, so an old link really stops working.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileSync } from '../core/private-files.js';
import { isAcceptableToken, newToken } from './auth.js';

export const OWNER_TOKEN_FILE = 'server-token';

export interface OwnerToken {
  token: string;
  /** kept: read back from the file; new: made now (and written, with --keep-token). */
  origin: 'kept' | 'new';
  /** Without --keep-token: a kept token was there and is now void. */
  replacedKept: boolean;
}

export function ownerToken(dataDir: string, keep: boolean): OwnerToken {
  const file = join(dataDir, OWNER_TOKEN_FILE);
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
  if (!keep) {
    if (stored !== null) rmSync(file, { force: true });
    return { token: newToken(), origin: 'new', replacedKept: stored !== null };
  }
  if (stored !== null && isAcceptableToken(stored)) return { token: stored, origin: 'kept', replacedKept: false };
  const token = newToken();
  writePrivateFileSync(file, `${token}\n`);
  return { token, origin: 'new', replacedKept: false };
}
