/** The one error shape that crosses a boundary: a code the UI can branch on and a sentence a person can act on. */
import { z } from 'zod';
import { ImportProblem } from './domain.js';

export const ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'unauthorized', 'forbidden', 'too_large', 'unsupported', 'internal'] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const StudioErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where the problem is (file, line, field), when it comes from input. */
  problems: z.array(ImportProblem).default([]),
});
export type StudioErrorBody = z.infer<typeof StudioErrorBody>;

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly problems: ImportProblem[];

  constructor(code: ErrorCode, message: string, problems: ImportProblem[] = []) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.problems = problems;
  }

  toBody(): StudioErrorBody {
    return { code: this.code, message: this.message, problems: this.problems };
  }
}

/** Turns a zod failure into the same shape, naming each field path. */
export function validationError(what: string, issues: readonly z.core.$ZodIssue[]): StudioError {
  const problems = issues.map((issue) => ({
    file: what,
    line: null,
    field: issue.path.map(String).join('.') || null,
    message: issue.message,
  }));
  const first = problems[0];
  const where = first?.field ? `${first.field}: ` : '';
  return new StudioError('invalid_input', `${what}: ${where}${first?.message ?? 'invalid input'}`, problems);
}
