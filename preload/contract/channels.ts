/** Names on the wire. One IPC channel per method (never a generic invoke), one for pushed events. */
import type { MethodName } from './api.js';

export const IPC_PREFIX = 'studio:';
export const EVENT_CHANNEL = 'studio-event';

export function ipcChannel(name: MethodName): string {
  return `${IPC_PREFIX}${name}`;
}

/** HTTP routes of `studio serve`. Every request carries the token (header or `?token=`). */
export const HTTP = {
  api: (name: MethodName) => `/api/${name}`,
  events: '/events',
  blob: (sha256: string) => `/blobs/${sha256}`,
  thumb: (sha256: string) => `/blobs/${sha256}/thumb`,
  exportDownload: (exportId: string) => `/exports/${exportId}`,
  tokenHeader: 'x-studio-token',
} as const;

/** The custom protocol the desktop window loads images from (no file:// access for the renderer). */
export const BLOB_PROTOCOL = 'studio-blob';
