/**
 * The browser transport for `studio serve`: POST /api/<method> with the token header (the reply
 * is wrapped into the same envelope the desktop bridge uses), and a
 * WebSocket on /events that reconnects with backoff. The token arrives once in the page URL
 * (`?token=`); it is kept in sessionStorage (this tab only) and removed from the address bar so
 * it does not end up in history, bookmarks or screenshots.
 */
import type { MethodName } from '../../../preload/contract/api';
import { HTTP } from '../../../preload/contract/channels';
import type { ConnectionState, Transport } from './transport';

const TOKEN_KEY = 'cosmo-studio.token';
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function createHttpTransport(token: string): Transport {
  const withToken = (path: string) => `${path}?token=${encodeURIComponent(token)}`;
  const eventListeners = new Set<(raw: unknown) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let socket: WebSocket | null = null;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const connect = () => {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    setState('connecting');
    socket = new WebSocket(`${scheme}//${window.location.host}${withToken(HTTP.events)}`);
    socket.addEventListener('open', () => {
      attempt = 0;
      setState('open');
    });
    socket.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      for (const listener of eventListeners) listener(parsed);
    });
    socket.addEventListener('close', () => {
      socket = null;
      setState('closed');
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 8000;
      attempt += 1;
      window.setTimeout(connect, delay);
    });
  };
  connect();

  return {
    kind: 'http',
    async call(name: MethodName, input: unknown) {
      let response: Response;
      try {
        response = await fetch(HTTP.api(name), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: token },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return { ok: false, error: { code: 'internal', message: 'The studio server cannot be reached. Is `studio serve` still running?' } };
      }
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      // `studio serve` answers the value itself with 200, or a StudioErrorBody with an error status.
      if (response.ok) return { ok: true, value: body };
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false,
          error: { code: 'unauthorized', message: 'The server refused this page\u2019s token. Open the link printed by `studio serve` again.' },
        };
      }
      return { ok: false, error: body ?? { code: 'internal', message: `${name}: HTTP ${response.status}` } };
    },
    onRawEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    blobUrl: (sha) => withToken(HTTP.blob(sha)),
    thumbUrl: (sha) => withToken(HTTP.thumb(sha)),
    exportUrl: (id) => withToken(HTTP.exportDownload(id)),
  };
}
