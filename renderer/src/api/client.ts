/**
 * createStudioClient(): the renderer's one door to the core. Picks the transport at startup
 * (the Electron bridge when the preload exposed it, HTTP + WebSocket otherwise), types every
 * method from the contract and validates every reply and event against its schema.
 */
import { METHOD_NAMES, type MethodName, type StudioApi } from '../../../preload/contract/api';
import { StudioEvent } from '../../../preload/contract/events';
import { unwrapEnvelope } from './envelope';
import { createElectronTransport, hasElectronBridge } from './electronTransport';
import { toStudioError } from './errors';
import { createHttpTransport, takeToken } from './httpTransport';
import type { ConnectionState, Transport } from './transport';

export interface StudioClient {
  readonly api: StudioApi;
  readonly host: Transport['kind'];
  onEvent(listener: (event: StudioEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  blobUrl(sha256: string): string;
  thumbUrl(sha256: string): string;
  exportUrl(exportId: string): string;
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
    blobUrl: (sha) => transport.blobUrl(sha),
    thumbUrl: (sha) => transport.thumbUrl(sha),
    exportUrl: (id) => transport.exportUrl(id),
  };
}

export function createStudioClient(): StudioClient {
  const transport = hasElectronBridge() ? createElectronTransport() : createHttpTransport(takeToken());
  return clientFromTransport(transport);
}
