/** Users: annotators, reviewers, admins. Names are unique ignoring case (and Unicode width forms). */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import type { User } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireUser } from './lookup.js';
import { toUser, type UserRow } from './rows.js';

type UserHandlers = Pick<StudioHandlers, 'listUsers' | 'createUser' | 'updateUser'>;

/** The key names are compared by: "Ada", "ADA" and "Ａｄａ" are the same person. */
export function userNameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

function assertNameFree(ctx: CoreContext, name: string, exceptUserId: number | null): void {
  const clash = ctx.db.write.prepare<{ id: number; name: string }>('SELECT id, name FROM user WHERE name_key = ?').get(userNameKey(name));
  if (clash && clash.id !== exceptUserId) {
    throw new StudioError('conflict', `a user named "${clash.name}" already exists`, [{ file: 'user', line: null, field: 'name', message: `"${name}" is taken (names ignore case)` }]);
  }
}

export function listUsers(ctx: CoreContext): User[] {
  return ctx.db.read.prepare<UserRow>('SELECT id, name, role, created_at FROM user ORDER BY id').all().map(toUser);
}

export function userHandlers(ctx: CoreContext): UserHandlers {
  return {
    listUsers: () => listUsers(ctx),

    createUser: ({ name, role }) =>
      ctx.db.write.transaction(() => {
        assertNameFree(ctx, name, null);
        const row = ctx.db.write
          .prepare<UserRow>('INSERT INTO user (name, name_key, role, created_at) VALUES (?, ?, ?, ?) RETURNING id, name, role, created_at')
          .get(name, userNameKey(name), role, nowIso(ctx));
        if (!row) throw new StudioError('internal', 'creating the user returned no row');
        ctx.log.info('user created', { userId: row.id, role });
        return toUser(row);
      }),

    updateUser: ({ userId, name, role }) =>
      ctx.db.write.transaction(() => {
        const current = requireUser(ctx.db.write, userId);
        const nextName = name ?? current.name;
        if (name !== undefined) assertNameFree(ctx, name, userId);
        ctx.db.write.prepare('UPDATE user SET name = ?, name_key = ?, role = ? WHERE id = ?').run(nextName, userNameKey(nextName), role ?? current.role, userId);
        return requireUser(ctx.db.write, userId);
      }),
  };
}
