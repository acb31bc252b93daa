/** Opens the studio core the way every CLI command does: same data dir rules as the desktop app. */
import { resolve } from 'node:path';
import { createLogger, type LogLevel, type Logger } from '../core/logger.js';
import type { LocalCaller } from '../core/context.js';
import { openStudio, type StudioCore } from '../core/studio.js';
import { onnxScoring } from '../inference/scoring.js';
import { defaultDataDir } from '../server/data-dir.js';
import type { CliIo } from './io.js';
import { packageInfo } from './package-root.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function resolveDataDir(io: CliIo, option: string | undefined): string {
  if (option) return resolve(option);
  return defaultDataDir({ env: io.env, platform: process.platform, home: io.env.HOME ?? io.env.USERPROFILE ?? process.cwd() });
}

/** Logs go to stderr as JSON lines; commands log warnings only, `serve` also logs info. */
export function cliLogger(io: CliIo, fallback: LogLevel): Logger {
  const wanted = io.env.STUDIO_LOG_LEVEL as LogLevel | undefined;
  const level = wanted && LEVELS.includes(wanted) ? wanted : fallback;
  return createLogger({ level, write: (line) => io.stderr(`${line}\n`) });
}

/**
 * The person typing a command is the local caller (precise errors for local paths); only an
 * explicit flag (`studio train --trust-remote-code`) says yes to trust_remote_code. `studio serve`
 * passes null: its callers are whoever holds the link.
 */
export function cliLocalCaller(trustRemoteCode: boolean): LocalCaller {
  return { confirmTrustRemoteCode: async () => trustRemoteCode };
}

export async function openCliCore(
  io: CliIo,
  dataDirOption: string | undefined,
  log: Logger,
  localCaller: LocalCaller | null,
  backups?: { everyHours: number; keep: number },
  readOnly = false,
): Promise<StudioCore> {
  const info = packageInfo();
  return openStudio({
    dataDir: resolveDataDir(io, dataDirOption),
    host: 'server',
    version: info.version,
    demoDataDir: info.demoDataDir,
    log,
    learnedScoring: onnxScoring(),
    ...(localCaller ? { localCaller } : {}),
    ...(backups ? { backups } : {}),
    ...(readOnly ? { readOnly } : {}),
  });
}

/** Runs `fn` with an open core and always closes it. */
export async function withCore<T>(
  io: CliIo,
  dataDirOption: string | undefined,
  fn: (core: StudioCore) => Promise<T>,
  localCaller: LocalCaller = cliLocalCaller(false),
  access: 'read-write' | 'read-only' = 'read-write',
): Promise<T> {
  const core = await openCliCore(io, dataDirOption, cliLogger(io, 'warn'), localCaller, undefined, access === 'read-only');
  try {
    return await fn(core);
  } finally {
    core.close();
  }
}

/** withCore for commands that only read: studio.db is opened read-only (nothing written, no migration). */
export async function withReadOnlyCore<T>(io: CliIo, dataDirOption: string | undefined, fn: (core: StudioCore) => Promise<T>): Promise<T> {
  return withCore(io, dataDirOption, fn, cliLocalCaller(false), 'read-only');
}
