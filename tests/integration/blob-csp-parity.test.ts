/**
 * A stored image reaches the page through two hosts: `studio serve`'s /blobs/ route and the
 * desktop app's studio-blob:// protocol. Both must answer with the same sandbox CSP (an image is
 * shown, never run) and the same attachment rule for non-images. The server side is the real HTTP
 * server; the desktop side is the header function its protocol handler uses (protocols.ts).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobResponseHeaders } from '../../main/electron/security';
import { BLOB_CSP } from '../../main/server/headers';
import { HTTP } from '../../preload/contract/channels';
import { startTestServer, type TestServer } from '../helpers/server';

function headersOf(server: TestServer, path: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.origin}${path}`, { headers: { [HTTP.tokenHeader]: server.token } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ...res.headers, status: String(res.statusCode) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('image responses carry the same sandbox CSP on both hosts', () => {
  let server: TestServer;
  let png: string;
  let text: string;

  beforeAll(async () => {
    server = await startTestServer({ mode: 'in-process', rendererDir: null });
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c81e1e' } }).png().toBuffer();
    png = (await server.core!.blobs.put(bytes)).sha256;
    text = (await server.core!.blobs.put(Buffer.from('<svg onload="alert(1)"></svg>'))).sha256;
  });
  afterAll(() => server?.stop());

  it('sends the same CSP for an image, a thumbnail and a non-image', async () => {
    for (const path of [HTTP.blob(png), HTTP.thumb(png), HTTP.blob(text)]) {
      const served = await headersOf(server, path);
      expect(served.status, path).toBe('200');
      const type = String(served['content-type']);
      const desktop = blobResponseHeaders(type);
      expect(served['content-security-policy'], path).toBe(BLOB_CSP);
      expect(desktop['Content-Security-Policy'], path).toBe(served['content-security-policy']);
      expect(desktop['Content-Disposition'], path).toBe(served['content-disposition']);
      expect(desktop['X-Content-Type-Options']).toBe(served['x-content-type-options']);
    }
    expect(blobResponseHeaders('application/octet-stream')['Content-Disposition']).toBe('attachment');
  });

  it('is what the desktop protocol handler sends for blobs and thumbnails', () => {
    const source = readFileSync(join(__dirname, '../../main/electron/protocols.ts'), 'utf8');
    expect(source.match(/blobResponseHeaders\(file\.type\)/g)).toHaveLength(2);
  });
});
