/** Applies pending migrations from db/registry.ts: all of them in one transaction, or none. */
import type Database from 'better-sqlite3';
import type { Migration } from '../../../db/registry.js';
import { StudioError } from '../../../preload/contract/errors.js';

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(native: Database.Database): number {
  return native.pragma('user_version', { simple: true }) as number;
}

/** Throws unless versions run 1, 2, 3 ... in order (a registry edit gone wrong). */
export function checkRegistry(migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) {
      throw new StudioError('internal', `migration registry out of order: position ${index + 1} holds version ${m.version} (${m.name})`);
    }
  });
}

export function migrate(native: Database.Database, migrations: readonly Migration[]): MigrationOutcome {
  checkRegistry(migrations);
  const latest = migrations.length;
  const from = schemaVersion(native);
  if (from > latest) {
    throw new StudioError('unsupported', `studio.db was written by a newer COSMO Studio (schema ${from} > ${latest}); upgrade the studio`);
  }
  const pending = migrations.slice(from);
  if (pending.length === 0) return { from, to: from, applied: [] };

  // One transaction: a failure in any migration leaves the file exactly as it was.
  // user_version lives in the database header, so it commits or rolls back with the rest.
  native
    .transaction(() => {
      for (const m of pending) {
        try {
          native.exec(m.up);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          throw new StudioError('internal', `migration ${m.version} (${m.name}) failed: ${reason}`);
        }
      }
      native.pragma(`user_version = ${latest}`);
    })
    .immediate();
  return { from, to: latest, applied: pending.map((m) => `${m.version}_${m.name}`) };
}
