/**
 * The desktop transport: `window.studio`, exposed by preload/bridge.ts, has one function per
 * contract method (each on its own IPC channel) and `onEvent`. Images and exports are served
 * by the `studio-blob:` protocol under the same paths `studio serve` uses.
 */
import { METHOD_NAMES, type MethodName } from '../../../preload/contract/api';
import { BLOB_PROTOCOL, HTTP } from '../../../preload/contract/channels';
import type { ConnectionState, Transport } from './transport';

type BridgeFunction = (input: unknown) => Promise<unknown>;
interface StudioBridge {
  onEvent(listener: (event: unknown) => void): (() => void) | void;
}

function bridge(): (StudioBridge & Record<string, unknown>) | null {
  // globalThis is the window in the page; it keeps this module free of DOM types for unit tests.
  const candidate = (globalThis as { studio?: unknown }).studio;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const record = candidate as Record<string, unknown>;
  if (typeof record.onEvent !== 'function') return null;
  if (!METHOD_NAMES.every((name) => typeof record[name] === 'function')) return null;
  return record as StudioBridge & Record<string, unknown>;
}

export function hasElectronBridge(): boolean {
  return bridge() !== null;
}

const protocolUrl = (path: string) => `${BLOB_PROTOCOL}://local${path}`;

export function createElectronTransport(): Transport {
  const studio = bridge();
  if (!studio) throw new Error('The desktop bridge is missing: window.studio was not exposed by the preload script.');
  return {
    kind: 'electron',
    call: (name: MethodName, input: unknown) => (studio[name] as BridgeFunction)(input),
    onRawEvent(listener) {
      const off = studio.onEvent(listener);
      return typeof off === 'function' ? off : () => undefined;
    },
    onConnection(listener: (state: ConnectionState) => void) {
      // IPC has no connection to lose.
      listener('open');
      return () => undefined;
    },
    // The desktop protocol needs no token: the URLs are plain and release has nothing to free.
    imageUrl: async (sha, kind) => protocolUrl(kind === 'thumb' ? HTTP.thumb(sha) : HTTP.blob(sha)),
    releaseImageUrl: () => undefined,
    preloadImage(sha) {
      // globalThis keeps this module free of DOM types (unit tests run it without a DOM).
      const ImageConstructor = (globalThis as { Image?: new () => { decoding: string; src: string } }).Image;
      if (!ImageConstructor) return;
      const image = new ImageConstructor();
      image.decoding = 'async';
      image.src = protocolUrl(HTTP.blob(sha));
    },
    exportUrl: async (id) => protocolUrl(HTTP.exportDownload(id)),
  };
}
