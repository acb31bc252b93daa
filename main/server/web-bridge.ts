/**
 * Node's HTTP server speaks IncomingMessage/ServerResponse; the server's Hono app (server/app.ts)
 * and the shared routes speak web Request/Response (what Electron's protocol.handle speaks too).
 * These functions carry a request across and the answer back: a small request body (declared
 * length, at most 64 KB) is read at once, a larger one only as the app pulls it (so an unread
 * body waits in TCP, which is what the body budget relies on); a file or an archive is piped
 * back, never buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { StudioError } from '../../preload/contract/errors.js';
import { wellFormedHost } from './origin.js';
import { BufferedRequest, JsonResponse } from './lazy-body.js';

/** How much of a body is read ahead of the app (then the socket is paused until it pulls). */
const READ_AHEAD = 64 * 1024;

/** A body that reads `req` only when pulled; `discard` drops whatever the app left unread. */
function pulledBody(req: IncomingMessage): { body: ReadableStream<Uint8Array>; discard: () => void } {
  let finished = false;
  const discard = () => {
    finished = true;
    req.removeAllListeners('data');
    req.resume();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on('data', (chunk: Buffer) => {
          if (finished) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (finished) return;
          finished = true;
          controller.close();
        });
        req.once('error', (err) => {
          if (finished) return;
          finished = true;
          controller.error(err);
        });
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel: discard,
    },
    { highWaterMark: READ_AHEAD, size: (chunk) => chunk.byteLength },
  );
  return { body, discard };
}

/**
 * A body small enough to read at once: a declared Content-Length of at most SMALL_BODY, below
 * every limit the app sets, so reading it first lets through nothing the app would refuse (and
 * a refused request's body is drained anyway). Most API calls are these, and a BufferedRequest
 * (lazy-body.ts) costs far less than a Request with a body stream.
 */
const SMALL_BODY = 64 * 1024;

function smallBodyLength(req: IncomingMessage): number | null {
  if (req.headers['transfer-encoding'] !== undefined) return null;
  const declared = Number(req.headers['content-length']);
  return Number.isInteger(declared) && declared >= 0 && declared <= SMALL_BODY ? declared : null;
}

function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new StudioError('invalid_input', 'The client closed the connection before sending its body'));
    });
  });
}

/**
 * The request as a web Request. Its URL is built from the Host header when that is well-formed
 * (the app checks it against the server's names) and from the path and query alone, so a
 * request-target in absolute form (`GET http://other/`) cannot name another host.
 * `discard` is called once the answer is ready: what the app did not read is drained, so a
 * keep-alive connection stays usable.
 */
export async function webRequestOf(req: IncomingMessage): Promise<{ request: Request; discard: () => void }> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const target = new URL(req.url ?? '/', 'http://studio.invalid');
  const url = `http://${wellFormedHost(req.headers.host) ?? 'studio.invalid'}${target.pathname}${target.search}`;
  const method = req.method ?? 'GET';
  const none = () => undefined;
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    return { request: new Request(url, { method, headers }), discard: none };
  }
  const small = smallBodyLength(req);
  if (small !== null) {
    if (small === 0) {
      req.resume();
      return { request: new Request(url, { method, headers }), discard: none };
    }
    return { request: new BufferedRequest(url, { method, headers }, await readSmallBody(req)), discard: none };
  }
  const { body, discard } = pulledBody(req);
  return { request: new Request(url, { method, headers, body, duplex: 'half' } as RequestInit), discard };
}

/** Writes a web Response to Node's response; a stream that fails midway cuts the connection (the client sees it short). */
export function sendWebResponse(res: ServerResponse, response: Response, onError: (err: unknown) => void): void {
  const headers = Object.fromEntries(response.headers);
  if (response.body === null || res.req.method === 'HEAD') {
    void response.body?.cancel();
    res.writeHead(response.status, headers).end();
    return;
  }
  // The API's JSON answers (respond.ts): one write, not a stream read back.
  if (response instanceof JsonResponse) {
    res.writeHead(response.status, headers).end(response.bodyText);
    return;
  }
  res.writeHead(response.status, headers);
  // pipeline destroys the source when the client goes away, so the file is closed at once.
  pipeline(Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>), res, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onError(err);
  });
}
