/** `studio serve`: opens the core and serves it to browsers until Ctrl-C. */
import { existsSync } from 'node:fs';
import { StudioError } from '../../../preload/contract/errors.js';
import { startServer } from '../../server/server.js';
import { isLoopbackAddress } from '../../server/origin.js';
import { ownerToken } from '../../server/owner-token.js';
import { DEFAULT_BACKUP_SCHEDULE, type BackupSchedule } from '../../core/backup/schedule.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { cliLogger, openCliCore } from '../open-core.js';
import { packageInfo } from '../package-root.js';

export interface ServeOptions {
  port: string;
  host?: string;
  expose?: boolean;
  /** Keep the owner's token across restarts (<data>/server-token). */
  keepToken?: boolean;
  dataDir?: string;
  backupEvery?: string;
  backupsKept?: string;
}

function parseSchedule(options: ServeOptions): BackupSchedule {
  const everyHours = Number(options.backupEvery ?? DEFAULT_BACKUP_SCHEDULE.everyHours);
  const keep = Number(options.backupsKept ?? DEFAULT_BACKUP_SCHEDULE.keep);
  if (!Number.isFinite(everyHours) || everyHours < 0) throw new UsageError(`--backup-every must be a number of hours (0 turns scheduled backups off), not "${options.backupEvery}"`);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--backups-kept must be a whole number from 1, not "${options.backupsKept}"`);
  return { everyHours, keep };
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${raw}"`);
  return port;
}

export async function serveCommand(io: CliIo, options: ServeOptions): Promise<number> {
  const port = parsePort(options.port);
  const backups = parseSchedule(options);
  const host = options.host ?? (options.expose ? '0.0.0.0' : '127.0.0.1');
  if (!isLoopbackAddress(host) && !options.expose) {
    throw new UsageError(`--host ${host} would let other machines reach the studio; add --expose to confirm that is what you want`);
  }
  const info = packageInfo();
  const rendererDir = existsSync(info.rendererDir) ? info.rendererDir : null;
  const log = cliLogger(io, 'info');
  // No local caller: whoever holds the link is not the person at this machine (no trust_remote_code).
  const core = await openCliCore(io, options.dataDir, log, null, backups);
  let server;
  let owner;
  try {
    owner = ownerToken(core.paths.root, options.keepToken === true);
    server = await startServer({ core, host, port, token: owner.token, allowRemote: options.expose === true, rendererDir, log });
  } catch (err) {
    core.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StudioError('conflict', `Port ${port} on ${host} is already in use; choose another with --port (0 picks a free one)`);
    }
    throw err;
  }
  io.stdout(`COSMO Studio ${info.version} is serving ${core.paths.root}\n`);
  if (!rendererDir) io.stdout('The UI is not built (run `npm run build`): only the API is served.\n');
  if (server.exposed) {
    io.stderr(
      `WARNING: listening on ${host}:${server.port}, reachable from other machines. Anyone who has the link can read and change ` +
        'every project, and the traffic is plain HTTP: use it only on a network you trust, or behind a TLS proxy.\n',
    );
  }
  io.stdout(`Open ${server.url}\n`);
  if (owner.origin === 'kept') io.stdout('This is the same link as before (--keep-token): open tabs reconnect.\n');
  else if (options.keepToken) io.stdout('This link is kept across restarts (--keep-token); people\u2019s own links are made under People.\n');
  else {
    io.stdout(
      `This is a new link${owner.replacedKept ? ' (the kept one is void)' : ''}: links from an earlier start no longer work, and open tabs say so. ` +
        'Add --keep-token to keep it across restarts. People\u2019s own links (made under People) survive restarts.\n',
    );
  }
  io.stdout('Press Ctrl-C to stop.\n');

  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    else io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  core.close();
  io.stdout('Stopped.\n');
  return 0;
}
