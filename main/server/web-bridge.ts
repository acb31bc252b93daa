/**
 * Node's HTTP server speaks IncomingMessage/ServerResponse; the shared file routes speak web
 * Request/Response (what Electron's protocol.handle speaks too). These two functions carry a
 * request across and the answer back, streaming: a file or an archive is piped, never buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/**
 * The request as a web Request, without its body: no file route reads one, so it is drained here
 * (a keep-alive connection stays usable). `host` is the request's checked Host header.
 */
export function webRequestOf(req: IncomingMessage, host: string): Request {
  req.resume();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Request(`http://${host}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers });
}

/** Writes a web Response to Node's response; a stream that fails midway cuts the connection (the client sees it short). */
export function sendWebResponse(res: ServerResponse, response: Response, onError: (err: unknown) => void): void {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null || res.req.method === 'HEAD') {
    void response.body?.cancel();
    res.end();
    return;
  }
  // pipeline destroys the source when the client goes away, so the file is closed at once.
  pipeline(Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>), res, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') onError(err);
  });
}
