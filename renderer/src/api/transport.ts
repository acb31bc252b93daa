/** What a host connection provides; the client layers types and validation on top. */
import type { MethodName } from '../../../preload/contract/api';

/**
 * `refused`: the server no longer takes this page's token (the studio restarted with a new link,
 * or the link was revoked); reconnecting cannot help, so the page says so and stops trying.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'refused';

export interface Transport {
  readonly kind: 'electron' | 'http';
  /** Sends one call and resolves with the host's raw reply envelope. */
  call(name: MethodName, input: unknown): Promise<unknown>;
  /** Raw pushed events (validated by the client). Returns an unsubscribe function. */
  onRawEvent(listener: (raw: unknown) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /**
   * A URL an <img> can show for a stored image: over HTTP a blob: URL of the bytes fetched with
   * the token header (the token is never put in a URL or a cookie), on the desktop a
   * studio-blob: URL. Hand it to releaseImageUrl when the image leaves the screen.
   */
  imageUrl(sha256: string, kind: ImageKind): Promise<string>;
  releaseImageUrl(url: string): void;
  /** Warms the cache for an image the annotator will see next. */
  preloadImage(sha256: string): void;
  /** A link that downloads the export; over HTTP signed for that export and valid for a minute. */
  exportUrl(exportId: string): Promise<string>;
}

export type ImageKind = 'full' | 'thumb';
