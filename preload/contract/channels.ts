/** Names on the wire. One IPC channel per method (never a generic invoke), one for pushed events. */
import type { MethodName } from './api.js';

export const IPC_PREFIX = 'studio:';
export const EVENT_CHANNEL = 'studio-event';

export function ipcChannel(name: MethodName): string {
  return `${IPC_PREFIX}${name}`;
}

/**
 * HTTP routes of `studio serve`. The token travels only in the `x-studio-token` header (or, for
 * the event WebSocket, which browsers cannot give headers, as a subprotocol value); never in a
 * cookie or a URL. Export downloads, which a browser fetches by following a link, use a signed
 * link that names one export and expires after a minute (`POST exportLink` with the header).
 */
export const HTTP = {
  api: (name: MethodName) => `/api/${name}`,
  events: '/events',
  blob: (sha256: string) => `/blobs/${sha256}`,
  thumb: (sha256: string) => `/blobs/${sha256}/thumb`,
  exportDownload: (exportId: string) => `/exports/${exportId}`,
  exportLink: (exportId: string) => `/exports/${exportId}/link`,
  tokenHeader: 'x-studio-token',
  /** The subprotocol the server answers the event WebSocket with. */
  eventsProtocol: 'cosmo-studio.events',
  /** Browsers offer `<prefix><token>` beside eventsProtocol; the server never echoes it. */
  tokenProtocolPrefix: 'cosmo-studio.token.',
} as const;

/** The custom protocol the desktop window loads images from (no file:// access for the renderer). */
export const BLOB_PROTOCOL = 'studio-blob';
