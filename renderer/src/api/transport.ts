/** What a host connection provides; the client layers types and validation on top. */
import type { MethodName } from '../../../preload/contract/api';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'electron' | 'http';
  /** Sends one call and resolves with the host's raw reply envelope. */
  call(name: MethodName, input: unknown): Promise<unknown>;
  /** Raw pushed events (validated by the client). Returns an unsubscribe function. */
  onRawEvent(listener: (raw: unknown) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  blobUrl(sha256: string): string;
  thumbUrl(sha256: string): string;
  exportUrl(exportId: string): string;
}
