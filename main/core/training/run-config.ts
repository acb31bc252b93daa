/**
 * Validation of run config documents with the contract's zod schema, reporting problems the way
 * the worker's pydantic side does: `<source>: <field path>: <message>` with paths like
 * `stages[1].steps`, so a user sees the same sentence whichever side refused the file.
 */
import { z } from 'zod';
import { RunConfig } from '../../../preload/contract/run-config.js';
import { StudioError } from '../../../preload/contract/errors.js';

export interface ConfigIssue {
  /** `a.b[1].c`, or `(root)`. */
  path: string;
  message: string;
}

export type ConfigCheck = { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

function issueMessage(issue: z.core.$ZodIssue, data: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(data, issue.path) === undefined) return 'is required';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return `must have at least ${String(issue.minimum)} item(s)`;
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'string') return `must have at most ${String(issue.maximum)} item(s)`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** One issue per problem; an unknown key is reported at its own path, as pydantic does. */
export function configIssues(error: z.ZodError, data: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_key') {
      out.push({ path: formatPath(issue.path), message: 'is not one of the allowed names' });
    } else {
      out.push({ path: formatPath(issue.path), message: issueMessage(issue, data) });
    }
  }
  return out;
}

export function checkRunConfig(data: unknown): ConfigCheck {
  const parsed = RunConfig.safeParse(data);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, issues: configIssues(parsed.error, data) };
}

/** Parses or throws a StudioError whose message and problems name `source` and each field. */
export function parseRunConfig(data: unknown, source: string): RunConfig {
  const check = checkRunConfig(data);
  if (check.ok) return check.config;
  const problems = check.issues.map((i) => ({ file: source, line: null, field: i.path, message: i.message }));
  const first = check.issues[0];
  throw new StudioError('invalid_input', `${source}: ${first?.path ?? '(root)'}: ${first?.message ?? 'invalid'}`, problems);
}

/** POSIX shell quoting, for the command line a user can copy. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact worker invocation the job manager runs, as one copyable line. */
export function workerCommandLine(python: string, workerDir: string, configPath: string, resume = false): string {
  const args = [python, '-m', 'cosmo_rl.train', '--config', configPath, ...(resume ? ['--resume'] : [])];
  return `cd ${shellQuote(workerDir)} && ${args.map(shellQuote).join(' ')}`;
}
