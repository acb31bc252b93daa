/**
 * Reads a request body with a size limit: a declared Content-Length over the limit is refused
 * before a byte is read, and a streamed body is cut off as soon as it passes the limit, so no
 * client can make the server buffer more than the limit. Over web `Request`s: the Node bridge
 * (web-bridge.ts) hands the body over as a stream that reads from the socket only when pulled,
 * so an unread body stays in TCP's buffers, and a cancelled one is discarded.
 */
import { StudioError } from '../../preload/contract/errors.js';

export const MB = 1024 * 1024;

function tooLarge(limit: number): StudioError {
  return new StudioError('too_large', `The request body is larger than the ${Math.round(limit / MB)} MB this call accepts`);
}

export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    // Discard what the client still sends, so it reads our 413 instead of a reset connection.
    await request.body?.cancel();
    throw tooLarge(limit);
  }
  // A declared length within the limit is the whole body (HTTP framing holds the client to it):
  // read it at once, which a buffered request (lazy-body.ts) answers from memory.
  if (Number.isFinite(declared) && request.headers.has('content-length')) {
    const bytes = Buffer.from(await request.arrayBuffer());
    if (bytes.length > limit) throw tooLarge(limit);
    return bytes;
  }
  if (request.body === null) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      chunks.length = 0;
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The JSON body of an API call. An empty body means `{}` (methods without input). */
export async function readJson(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('content-type');
  if (type !== null && !/^application\/json\b/i.test(type)) {
    await request.body?.cancel();
    throw new StudioError('unsupported', `API calls take application/json, not ${type.slice(0, 100)}`);
  }
  const body = await readBody(request, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'malformed JSON';
    throw new StudioError('invalid_input', `The request body is not valid JSON: ${detail}`);
  }
}
