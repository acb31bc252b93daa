/**
 * The typed client over any transport: every contract method, replies unwrapped from their
 * envelope and validated with the method's output schema, events validated with StudioEvent.
 * Free of DOM globals, so it is unit-tested with a fake transport.
 */
import { METHOD_NAMES, type MethodName, type StudioApi } from '../../../preload/contract/api';
import { StudioEvent } from '../../../preload/contract/events';
import { unwrapEnvelope } from './envelope';
import { toStudioError } from './errors';
import type { ConnectionState, ImageKind, Transport } from './transport';

export interface StudioClient {
  readonly api: StudioApi;
  readonly host: Transport['kind'];
  onEvent(listener: (event: StudioEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  imageUrl(sha256: string, kind: ImageKind): Promise<string>;
  releaseImageUrl(url: string): void;
  preloadImage(sha256: string): void;
  exportUrl(exportId: string): Promise<string>;
}

export function clientFromTransport(transport: Transport): StudioClient {
  const api = {} as Record<MethodName, (input: unknown) => Promise<unknown>>;
  for (const name of METHOD_NAMES) {
    api[name] = async (input: unknown) => {
      let raw: unknown;
      try {
        raw = await transport.call(name, input ?? {});
      } catch (err) {
        throw toStudioError(err, `${name} failed`);
      }
      return unwrapEnvelope(name, raw);
    };
  }
  return {
    api: api as unknown as StudioApi,
    host: transport.kind,
    onEvent(listener) {
      return transport.onRawEvent((raw) => {
        const event = StudioEvent.safeParse(raw);
        if (event.success) listener(event.data);
      });
    },
    onConnection: (listener) => transport.onConnection(listener),
    imageUrl: (sha, kind) => transport.imageUrl(sha, kind),
    releaseImageUrl: (url) => transport.releaseImageUrl(url),
    preloadImage: (sha) => transport.preloadImage(sha),
    exportUrl: (id) => transport.exportUrl(id),
  };
}
