/** How the CLI reports failures: one line a person can act on, then the precise problems, if any. */
import { StudioError } from '../../preload/contract/errors.js';
import type { ImportProblem } from '../../preload/contract/domain.js';
import { explainStorageError } from '../core/storage-errors.js';
import { escapeForTerminal } from './escape.js';
import type { CliIo } from './io.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage mistake the parser cannot see (e.g. --host without --expose): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const SHOWN_PROBLEMS = 20;

/** One problem on one line; what came from the file (name, field, message) cannot break out of it. */
export function problemLine(problem: ImportProblem): string {
  const where = [problem.file, problem.line === null ? null : `line ${problem.line}`, problem.field].filter(Boolean).join(', ');
  return escapeForTerminal(where ? `${where}: ${problem.message}` : problem.message);
}

export function printProblems(io: CliIo, heading: string, problems: readonly ImportProblem[]): void {
  if (problems.length === 0) return;
  io.stderr(`${heading} (${problems.length}):\n`);
  for (const problem of problems.slice(0, SHOWN_PROBLEMS)) io.stderr(`  ${problemLine(problem)}\n`);
  if (problems.length > SHOWN_PROBLEMS) io.stderr(`  ... and ${problems.length - SHOWN_PROBLEMS} more\n`);
}

/** Prints any failure and returns the exit code. Unexpected errors show their message, not a stack. */
export function reportFailure(io: CliIo, err: unknown): number {
  if (err instanceof UsageError) {
    io.stderr(`studio: ${escapeForTerminal(err.message)}\n`);
    return EXIT.usage;
  }
  if (err instanceof StudioError) {
    io.stderr(`studio: ${escapeForTerminal(err.message)}\n`);
    // The first problem is usually the message itself; list them all only when there are more.
    if (err.problems.length > 1) printProblems(io, 'problems', err.problems);
    return EXIT.failed;
  }
  // A file-system failure outside the core (an --out folder, an input file) names its path too.
  const explained = explainStorageError(err, 'studio.db');
  if (explained) return reportFailure(io, explained);
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`studio: unexpected error: ${escapeForTerminal(message)}\n`);
  if (io.env.STUDIO_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  return EXIT.failed;
}
