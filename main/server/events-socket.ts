/**
 * GET /events: a WebSocket that pushes every contract StudioEvent as one JSON text message.
 * The upgrade is refused (401/403, no WebSocket) unless the token is right and, for browsers,
 * the Origin is this server's own; clients never send anything we act on. Browsers offer the
 * token as a subprotocol value (auth.ts); the answer names only `cosmo-studio.events`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP } from '../../preload/contract/channels.js';
import type { StudioEvent } from '../../preload/contract/events.js';

/** A client that stops reading is dropped (it reconnects) rather than buffered without end. */
const MAX_BUFFERED = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface EventSource {
  subscribe(listener: (event: StudioEvent) => void): () => void;
}

/** The close code a revoked link's socket gets (application range), so the page can say why. */
export const LINK_REVOKED_CLOSE = 4403;

export interface EventSocketServer {
  /** `linkId`: the person's link the socket was opened with; null for the owner. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, linkId: number | null): void;
  /** Closes every socket opened with this link (it was revoked). */
  closeLink(linkId: number): void;
  refuse(socket: Duplex, status: 401 | 403 | 404, reason: string): void;
  clientCount(): number;
  close(): void;
}

export function createEventSockets(events: EventSource): EventSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    perMessageDeflate: false,
    // Never echo the token-bearing protocol: answer with the plain one (browsers need an answer
    // naming one of the protocols they offered, or they drop the connection).
    handleProtocols: (protocols) => (protocols.has(HTTP.eventsProtocol) ? HTTP.eventsProtocol : false),
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const links = new WeakMap<WebSocket, number>();

  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', () => ws.terminate());
    const unsubscribe = events.subscribe((event) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(event));
    });
    ws.on('close', unsubscribe);
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    accept(req, socket, head, linkId) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (linkId !== null) links.set(ws, linkId);
        wss.emit('connection', ws, req);
      });
    },
    closeLink(linkId) {
      for (const ws of wss.clients) if (links.get(ws) === linkId) ws.close(LINK_REVOKED_CLOSE, 'This link was revoked');
    },
    refuse(socket, status, reason) {
      const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
      socket.destroy();
    },
    clientCount: () => wss.clients.size,
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
