/** Small writers for JSON answers and error bodies. */
import type { ServerResponse } from 'node:http';
import type { StudioErrorBody } from '../../preload/contract/errors.js';
import { httpStatus } from './dispatch.js';
import { setNoStore } from './headers.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  setNoStore(res);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, body: StudioErrorBody, status = httpStatus(body.code)): void {
  if (res.headersSent) {
    // Too late for a status line: the stream was already going; cutting it tells the client.
    res.destroy();
    return;
  }
  sendJson(res, status, body);
}

export function errorBody(code: StudioErrorBody['code'], message: string): StudioErrorBody {
  return { code, message, problems: [] };
}
