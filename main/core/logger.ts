/** Structured logging: one JSON object per line, to stderr by default (stdout stays free for CLIs). */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line (e.g. `{ component: 'import' }`). */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Receives each formatted line (without newline). Default: process.stderr. */
  write?: (line: string) => void;
  now?: () => Date;
}

function errorFields(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const minimum = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (RANK[level] < minimum) return;
      const entries = Object.entries({ ...base, ...fields }).map(([k, v]) => [k, errorFields(v)]);
      write(JSON.stringify({ time: now().toISOString(), level, message, ...Object.fromEntries(entries) }));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** Discards everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  const nothing = () => undefined;
  const logger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing, child: () => logger };
  return logger;
}
