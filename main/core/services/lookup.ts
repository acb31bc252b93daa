/** Fetch-or-throw helpers shared by the services: a missing id is a not_found the user sees. */
import type { ReadableDB } from '../../../db/handles.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { ITEM_COLUMNS, toProject, toUser, type ItemSqlRow, type ProjectRow, type UserRow } from './rows.js';
import type { Project, User } from '../../../preload/contract/domain.js';

export function requireUser(db: ReadableDB, userId: number): User {
  const row = db.prepare<UserRow>('SELECT id, name, role, created_at FROM user WHERE id = ?').get(userId);
  if (!row) throw new StudioError('not_found', `no user with id ${userId}`);
  return toUser(row);
}

export function requireProjectRow(db: ReadableDB, projectId: number): ProjectRow {
  const row = db.prepare<ProjectRow>('SELECT * FROM project WHERE id = ?').get(projectId);
  if (!row) throw new StudioError('not_found', `no project with id ${projectId}`);
  return row;
}

export function requireProject(db: ReadableDB, projectId: number): Project {
  return toProject(requireProjectRow(db, projectId));
}

export function requireItemRow(db: ReadableDB, itemId: number): ItemSqlRow {
  const row = db.prepare<ItemSqlRow>(`SELECT ${ITEM_COLUMNS} FROM item i LEFT JOIN blob b ON b.sha256 = i.image_sha256 WHERE i.id = ?`).get(itemId);
  if (!row) throw new StudioError('not_found', `no item with id ${itemId}`);
  return row;
}
