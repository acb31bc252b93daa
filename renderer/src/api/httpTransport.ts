/**
 * The browser transport for `studio serve`: POST /api/<method> with the token header (the reply
 * is wrapped into the same envelope the desktop bridge uses), and a
 * WebSocket on /events that reconnects with backoff. The token arrives once in the page URL
 * (`?token=`); it is kept in sessionStorage (this tab only) and removed from the address bar so
 * it does not end up in history, bookmarks or screenshots.
 *
 * The token then travels only in the `x-studio-token` header: images are fetched with it and
 * shown from blob: URLs, the WebSocket offers it as a subprotocol value (browsers cannot give a
 * WebSocket headers; a URL would land in logs), and export downloads follow a link the server
 * signs for one export and one minute. The server sets and reads no cookie.
 *
 * When the event socket drops, the page asks the server whether its token still works before it
 * retries: a studio restarted without `--keep-token` (a new link) or a revoked link answers 401,
 * and the page then says so ('refused') instead of reconnecting for ever.
 */
import type { MethodName } from '../../../preload/contract/api';
import { HTTP } from '../../../preload/contract/channels';
import { toStudioError } from './errors';
import { answerTokenRequests, askOpenTabsForToken } from './tokenShare';
import type { ConnectionState, ImageKind, Transport } from './transport';

const TOKEN_KEY = 'cosmo-studio.token';
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
/** The close code the server gives a revoked link's socket (main/server/events-socket.ts). */
const LINK_REVOKED_CLOSE = 4403;
export const TOKEN_REFUSED_MESSAGE = 'This link no longer works: the studio restarted with a new link, or the link was revoked. Ask for a new one (the owner\u2019s is the one `studio serve` prints).';

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

/**
 * The token of this tab: from the address or this tab's sessionStorage, else from another open
 * tab of the studio (a tab opened from a link starts with empty sessionStorage). Every tab that
 * has one then answers the tabs opened after it.
 */
export async function resolveToken(): Promise<string> {
  let token = takeToken();
  if (token === '') {
    token = await askOpenTabsForToken();
    if (token !== '') sessionStorage.setItem(TOKEN_KEY, token);
  }
  answerTokenRequests(token);
  return token;
}

export function createHttpTransport(token: string): Transport {
  const authHeaders = { [HTTP.tokenHeader]: token };
  const fetchImage = async (path: string): Promise<Blob> => {
    const response = await fetch(path, { headers: authHeaders });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.blob();
  };
  const eventListeners = new Set<(raw: unknown) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let socket: WebSocket | null = null;

  const setState = (next: ConnectionState) => {
    // Refused is final: nothing this page does makes the token good again.
    if (state === 'refused') return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const connect = () => {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    setState('connecting');
    socket = new WebSocket(`${scheme}//${window.location.host}${HTTP.events}`, [HTTP.eventsProtocol, `${HTTP.tokenProtocolPrefix}${token}`]);
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
    socket.addEventListener('close', (closed) => {
      socket = null;
      if (closed.code === LINK_REVOKED_CLOSE) {
        setState('refused');
        return;
      }
      setState('closed');
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 8000;
      attempt += 1;
      window.setTimeout(() => void retry(), delay);
    });
  };

  /** Reconnects unless the server says the token is refused (a browser cannot read a WebSocket's 401). */
  const retry = async () => {
    try {
      const probe = await fetch(HTTP.api('getSession'), { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders }, body: '{}' });
      if (probe.status === 401) {
        setState('refused');
        return;
      }
    } catch {
      // The server is not reachable (yet): keep trying; the socket's own failure schedules the next try.
    }
    connect();
  };
  connect();

  return {
    kind: 'http',
    async call(name: MethodName, input: unknown) {
      let response: Response;
      try {
        response = await fetch(HTTP.api(name), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authHeaders },
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
      if (response.status === 401) {
        setState('refused');
        return { ok: false, error: { code: 'unauthorized', message: TOKEN_REFUSED_MESSAGE } };
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
    async imageUrl(sha: string, kind: ImageKind) {
      return URL.createObjectURL(await fetchImage(kind === 'thumb' ? HTTP.thumb(sha) : HTTP.blob(sha)));
    },
    releaseImageUrl(url: string) {
      if (url.startsWith('blob:')) URL.revokeObjectURL(url);
    },
    preloadImage(sha: string) {
      // Blobs are served with immutable caching, so the fetched bytes wait in the HTTP cache.
      fetchImage(HTTP.blob(sha)).catch(() => undefined);
    },
    async exportUrl(id: string) {
      const response = await fetch(HTTP.exportLink(id), { method: 'POST', headers: authHeaders });
      const body: unknown = await response.json().catch(() => null);
      const url = typeof body === 'object' && body !== null ? (body as { url?: unknown }).url : undefined;
      if (!response.ok || typeof url !== 'string') throw toStudioError(body, `No download link for ${id}: HTTP ${response.status}`);
      return url;
    },
  };
}
