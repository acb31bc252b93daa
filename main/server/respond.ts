/** Small writers for JSON answers and error bodies, as web Responses (the server's Hono app). */
import type { StudioErrorBody } from '../../preload/contract/errors.js';
import { httpStatus } from './dispatch.js';
import { JsonResponse } from './lazy-body.js';

export { JsonResponse };

/** JSON with its length known, never stored by a cache: it carries user data. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): JsonResponse {
  const text = JSON.stringify(body);
  return new JsonResponse(text, {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store', ...headers },
  });
}

export function errorResponse(body: StudioErrorBody, status = httpStatus(body.code), headers: Record<string, string> = {}): Response {
  return jsonResponse(body, status, headers);
}

export function errorBody(code: StudioErrorBody['code'], message: string): StudioErrorBody {
  return { code, message, problems: [] };
}
