/**
 * Turns whatever a transport hands back on failure into the contract's StudioError, so views
 * can branch on `code` and show `message` and `problems` without knowing the transport.
 */
import { StudioError, StudioErrorBody } from '../../../preload/contract/errors';

export { StudioError };

export function toStudioError(raw: unknown, fallback: string): StudioError {
  if (raw instanceof StudioError) return raw;
  const body = StudioErrorBody.safeParse(raw);
  if (body.success) return new StudioError(body.data.code, body.data.message, body.data.problems);
  if (raw instanceof Error) return new StudioError('internal', raw.message || fallback);
  return new StudioError('internal', fallback);
}

/** A sentence for a toast: the server's message is already written for people. */
export function errorMessage(err: unknown): string {
  if (err instanceof StudioError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
