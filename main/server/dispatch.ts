/**
 * How a host calls one StudioApi method: parse the raw input with the method's zod schema
 * (defaults applied), call the core's handler, and turn any failure into the one error shape that
 * crosses a boundary. Both hosts and the CLI call methods through here, so a method behaves the
 * same over HTTP, over IPC and from the command line.
 */
import { randomBytes } from 'node:crypto';
import { isMethodName, studioMethods, type MethodName, type MethodOutput, type MethodParsedInput, type StudioHandlers } from '../../preload/contract/api.js';
import { StudioError, validationError, type ErrorCode, type StudioErrorBody } from '../../preload/contract/errors.js';

/** Where unexpected failures are written, with their stack; the caller only gets a reference. */
export type ErrorLog = (message: string, err: unknown) => void;

export function parseInput<K extends MethodName>(name: K, raw: unknown): MethodParsedInput<K> {
  const parsed = studioMethods[name].input.safeParse(raw);
  if (!parsed.success) throw validationError(name, parsed.error.issues);
  return parsed.data as MethodParsedInput<K>;
}

/** Parses, calls and returns the handler's value; throws StudioError for anything a user must see. */
export async function callMethod<K extends MethodName>(handlers: StudioHandlers, name: K, raw: unknown): Promise<MethodOutput<K>> {
  const input = parseInput(name, raw);
  const handler = handlers[name] as (input: MethodParsedInput<K>) => Promise<MethodOutput<K>> | MethodOutput<K>;
  return await handler(input);
}

/** The same call by a name that came off the wire. */
export async function callByName(handlers: StudioHandlers, name: string, raw: unknown): Promise<unknown> {
  if (!isMethodName(name)) throw new StudioError('not_found', `There is no StudioApi method called "${name.slice(0, 100)}"`);
  return callMethod(handlers, name, raw);
}

/**
 * The error body for anything thrown. StudioErrors pass through as they are; anything else is a
 * bug or an environment failure: it is logged with its stack under a short reference, and the
 * caller gets the reference and no internals (no stack, no paths, no SQL).
 */
export function toErrorBody(err: unknown, log: ErrorLog): StudioErrorBody {
  if (err instanceof StudioError) return err.toBody();
  const ref = randomBytes(4).toString('hex');
  log(`internal error ${ref}`, err);
  return { code: 'internal', message: `Something went wrong inside the studio (reference ${ref}; the host's log has the details).`, problems: [] };
}

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  internal: 500,
};

export function httpStatus(code: ErrorCode): number {
  return STATUS[code];
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: StudioErrorBody };

/** The IPC reply: a value or an error body, never a thrown error (thrown errors lose their code crossing contextBridge). */
export async function callAsEnvelope(handlers: StudioHandlers, name: string, raw: unknown, log: ErrorLog): Promise<Envelope<unknown>> {
  try {
    return { ok: true, value: await callByName(handlers, name, raw) };
  } catch (err) {
    return { ok: false, error: toErrorBody(err, log) };
  }
}
