/**
 * Scheduled backups while a studio serves (`studio serve`, the desktop app): one on start when the
 * newest scheduled backup is older than the interval, then one every interval, the newest `keep`
 * kept in <data>/backups. A failed backup is logged and retried at the next tick; it never stops
 * the studio.
 */
import type { CoreContext } from '../context.js';
import { backupsDir, createBackup, listBackups, pruneScheduledBackups } from './backups.js';

export interface BackupSchedule {
  everyHours: number;
  keep: number;
}

export const DEFAULT_BACKUP_SCHEDULE: BackupSchedule = { everyHours: 6, keep: 8 };

function stampTime(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(stamp);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : 0;
}

/** Starts the schedule on the context; it stops when the core closes. */
export function startBackupSchedule(ctx: CoreContext, schedule: BackupSchedule): void {
  const everyMs = schedule.everyHours * 3_600_000;
  const dir = backupsDir(ctx.paths);
  let running = false;
  let closed = false;
  const tick = async (): Promise<void> => {
    if (running || closed) return;
    running = true;
    try {
      const made = await createBackup(ctx.db, ctx.paths, { kind: 'scheduled', now: ctx.clock.now() });
      const removed = pruneScheduledBackups(dir, schedule.keep);
      ctx.log.info('scheduled backup written', { path: made.path, removed });
    } catch (err) {
      ctx.log.error('scheduled backup failed; it is tried again at the next interval', { err, dir });
    } finally {
      running = false;
    }
  };
  const newest = listBackups(dir)
    .filter((b) => b.kind === 'scheduled')
    .at(-1);
  const dueIn = newest ? Math.max(0, stampTime(newest.stamp) + everyMs - ctx.clock.now().getTime()) : 0;
  let interval: ReturnType<typeof setInterval> | null = null;
  const first = setTimeout(
    () => {
      void tick();
      interval = setInterval(() => void tick(), everyMs);
      interval.unref();
    },
    Math.min(dueIn, 2 ** 31 - 1),
  );
  first.unref();
  ctx.onClose(() => {
    closed = true;
    clearTimeout(first);
    if (interval) clearInterval(interval);
  });
}
