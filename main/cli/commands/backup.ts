/** `studio backup` and `studio restore`: an online copy of studio.db, and putting one back. */
import { resolve } from 'node:path';
import { createBackup } from '../../core/backup/backups.js';
import { collectBlobGarbage, GC_MIN_AGE_MS } from '../../core/blobs/gc.js';
import { UsageError } from '../errors.js';
import { restoreBackup } from '../../core/backup/restore.js';
import { dataPaths } from '../../core/paths.js';
import { rethrowExplained } from '../../core/storage-errors.js';
import type { CliIo } from '../io.js';
import { resolveDataDir, withCore } from '../open-core.js';

export async function backupCommand(io: CliIo, options: { out?: string; dataDir?: string }): Promise<number> {
  return withCore(io, options.dataDir, async (core) => {
    const made = await createBackup(core.context.db, core.paths, options.out ? { outDir: resolve(options.out) } : {}).catch((err: unknown) => rethrowExplained(err, core.paths.db));
    io.stdout(`Backed up ${core.paths.db} to ${made.path} (schema ${made.schemaVersion}, checked).\n`);
    io.stdout(`Its ${made.blobCount} images stay in ${made.blobs} (content-addressed, never changed); copy that folder too for a backup on another disk.\n`);
    return 0;
  });
}

export async function restoreCommand(io: CliIo, file: string, options: { dataDir?: string }): Promise<number> {
  const paths = dataPaths(resolveDataDir(io, options.dataDir));
  let result;
  try {
    result = restoreBackup(paths, resolve(file));
  } catch (err) {
    rethrowExplained(err, paths.db);
  }
  io.stdout(`Restored ${result.restored} (schema ${result.schemaVersion}, checked) as ${paths.db}.\n`);
  if (result.previous) io.stdout(`The studio.db it replaced is kept as ${result.previous}.\n`);
  return 0;
}

export async function gcCommand(io: CliIo, options: { minAgeHours?: string; dataDir?: string }): Promise<number> {
  const hours = options.minAgeHours === undefined ? GC_MIN_AGE_MS / 3_600_000 : Number(options.minAgeHours);
  if (!Number.isFinite(hours) || hours < 0) throw new UsageError(`--min-age-hours must be a number of hours, not "${options.minAgeHours}"`);
  return withCore(io, options.dataDir, async (core) => {
    const report = await collectBlobGarbage({ db: core.context.db.read, blobs: core.blobs, paths: core.paths }, { minAgeMs: hours * 3_600_000 }).catch((err: unknown) =>
      rethrowExplained(err, core.paths.db),
    );
    io.stdout(
      `Removed ${report.removed} images no item or backup refers to (${(report.bytesFreed / 1048576).toFixed(1)} MB); kept ${report.kept}` +
        (report.tooYoung > 0 ? `; ${report.tooYoung} unreferenced ones are younger than ${hours} h and were left (an import may still commit them)` : '') +
        '.\n',
    );
    return 0;
  });
}
