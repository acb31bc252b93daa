/**
 * The reply envelope both hosts use: `{ ok: true, value }` or `{ ok: false, error }`.
 * The value is validated with the method's output schema before any view sees it.
 */
import { z } from 'zod';
import { studioMethods, type MethodName, type MethodOutput } from '../../../preload/contract/api';
import { StudioError } from '../../../preload/contract/errors';
import { toStudioError } from './errors';

const Envelope = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: z.unknown() })]);

export function unwrapEnvelope<K extends MethodName>(name: K, raw: unknown): MethodOutput<K> {
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) throw new StudioError('internal', `${name}: the host sent a reply in an unknown shape`);
  if (!envelope.data.ok) throw toStudioError(envelope.data.error, `${name} failed`);
  return parseOutput(name, envelope.data.value);
}

export function parseOutput<K extends MethodName>(name: K, value: unknown): MethodOutput<K> {
  const parsed = studioMethods[name].output.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new StudioError('internal', `${name}: the host's reply does not match the contract${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as MethodOutput<K>;
}
