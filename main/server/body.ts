/**
 * Reads a request body with a size limit: a declared Content-Length over the limit is refused
 * before a byte is read, and a streamed body is cut off as soon as it passes the limit, so no
 * client can make the server buffer more than the limit.
 */
import type { IncomingMessage } from 'node:http';
import { StudioError } from '../../preload/contract/errors.js';

export const MB = 1024 * 1024;

function tooLarge(limit: number): StudioError {
  return new StudioError('too_large', `The request body is larger than the ${Math.round(limit / MB)} MB this call accepts`);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    // Discard what the client still sends, so it reads our 413 instead of a reset connection.
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (!refused) reject(err);
    });
  });
}

/** The JSON body of an API call. An empty body means `{}` (methods without input). */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    req.resume();
    throw new StudioError('unsupported', `API calls take application/json, not ${type.slice(0, 100)}`);
  }
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'malformed JSON';
    throw new StudioError('invalid_input', `The request body is not valid JSON: ${detail}`);
  }
}
