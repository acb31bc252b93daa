/**
 * `studio serve` over real HTTP: the token on every route (API, blobs, thumbnails, exports,
 * static files, the WebSocket), loopback binding, Host and Origin checks, input validation that
 * names the field, error bodies without internals, body limits and the static file guard.
 * The full labelling flow through HTTP is in server-flow.test.ts.
 */
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HTTP } from '../../preload/contract/channels';
import { StudioErrorBody } from '../../preload/contract/errors';
import { StudioEvent } from '../../preload/contract/events';
import { silentLogger } from '../../main/core/logger';
import type { StudioCore } from '../../main/core/studio';
import { startServer } from '../../main/server/server';
import { startTestServer, type TestServer } from '../helpers/server';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): unknown;
}

function raw(origin: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {}): Promise<RawResponse> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: init.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
      });
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

function expectError(res: RawResponse, status: number, code: string): StudioErrorBody {
  expect(res.status).toBe(status);
  const body = StudioErrorBody.parse(res.json());
  expect(body.code).toBe(code);
  return body;
}

async function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
}

let server: TestServer;
let core: StudioCore;
let rendererDir: string;
let outside: string;
let pngSha: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'studio-renderer-'));
  outside = mkdtempSync(join(tmpdir(), 'studio-outside-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>studio</title><script type="module" src="/assets/app-1234.js"></script>');
  writeFileSync(join(rendererDir, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(outside, 'secret.txt'), 'not for the browser');
  symlinkSync(join(outside, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  server = await startTestServer({ mode: 'in-process', rendererDir });
  core = server.core!;
  pngSha = (await core.blobs.put(await tinyPng())).sha256;
});

afterAll(async () => {
  await server?.stop();
  rmSync(rendererDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('binding', () => {
  it('listens on 127.0.0.1 by default and prints a URL that carries the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(server.url.endsWith(server.token)).toBe(true);
  });

  it('refuses any other interface unless remote access is explicitly allowed', async () => {
    await expect(startServer({ core, host: '0.0.0.0', rendererDir: null, log: silentLogger() })).rejects.toThrow(/--expose/);
    const exposed = await startServer({ core, host: '0.0.0.0', allowRemote: true, rendererDir: null, log: silentLogger() });
    try {
      expect(exposed.exposed).toBe(true);
      const res = await raw(exposed.origin, HTTP.api('getInfo'), { method: 'POST', headers: { [HTTP.tokenHeader]: exposed.token } });
      expect(res.status).toBe(200);
      expectError(await raw(exposed.origin, HTTP.api('getInfo'), { method: 'POST' }), 401, 'unauthorized');
    } finally {
      await exposed.close();
    }
  });

  it('answers under the loopback address it was bound to, not only 127.0.0.1', async () => {
    const other = await startServer({ core, host: '127.0.0.2', rendererDir: null, log: silentLogger() });
    try {
      expect(other.exposed).toBe(false);
      expect(other.origin).toBe(`http://127.0.0.2:${other.port}`);
      const res = await raw(other.origin, HTTP.api('getInfo'), { method: 'POST', headers: { [HTTP.tokenHeader]: other.token } });
      expect(res.status).toBe(200);
      const rebound = await raw(other.origin, HTTP.api('getInfo'), { method: 'POST', headers: { [HTTP.tokenHeader]: other.token, host: `evil.example:${other.port}` } });
      expectError(rebound, 403, 'unauthorized');
    } finally {
      await other.close();
    }
  });

  it('gives every server its own random token and refuses weak fixed ones', async () => {
    const a = await startServer({ core, rendererDir: null, log: silentLogger() });
    const b = await startServer({ core, rendererDir: null, log: silentLogger() });
    try {
      expect(a.token).not.toBe(b.token);
      expect(a.token).not.toBe(server.token);
      expectError(await raw(a.origin, HTTP.api('getInfo'), { method: 'POST', headers: { [HTTP.tokenHeader]: b.token } }), 401, 'unauthorized');
    } finally {
      await a.close();
      await b.close();
    }
    await expect(startServer({ core, token: 'short', rendererDir: null, log: silentLogger() })).rejects.toThrow(/at least 32/);
  });
});

describe('the token', () => {
  const dataRoutes = () => [
    { method: 'POST', path: HTTP.api('getInfo') },
    { method: 'POST', path: HTTP.api('listProjects') },
    { method: 'GET', path: HTTP.blob(pngSha) },
    { method: 'GET', path: HTTP.thumb(pngSha) },
    { method: 'GET', path: HTTP.exportDownload('nothing-here') },
    { method: 'POST', path: HTTP.exportLink('nothing-here') },
  ];
  const staticRoutes = ['/', '/index.html', '/assets/app-1234.js', `/?token=${'q'.repeat(43)}`];

  it('is required on every data route: none, a wrong one, an empty one and one in the query all get 401', async () => {
    for (const route of dataRoutes()) {
      for (const headers of [{}, { [HTTP.tokenHeader]: 'x'.repeat(43) }, { [HTTP.tokenHeader]: '' }] as Record<string, string>[]) {
        const res = await raw(server.origin, route.path, { method: route.method, headers });
        const body = expectError(res, 401, 'unauthorized');
        expect(body.message, route.path).toMatch(/token/);
      }
      // The token never travels in a URL (URLs land in logs, history and proxies).
      const inQuery = await raw(server.origin, `${route.path}?token=${server.token}`, { method: route.method });
      expect(inQuery.status, route.path).toBe(401);
    }
  });

  it('is accepted in the x-studio-token header', async () => {
    expect((await raw(server.origin, HTTP.api('getInfo'), { method: 'POST', headers: { [HTTP.tokenHeader]: server.token } })).status).toBe(200);
    expect((await raw(server.origin, HTTP.blob(pngSha), { headers: { [HTTP.tokenHeader]: server.token } })).status).toBe(200);
  });

  it('never travels in a cookie: no answer sets one, and a cookie alone is refused', async () => {
    const answers = [
      ...staticRoutes.map((path) => raw(server.origin, path)),
      raw(server.origin, `/?token=${server.token}`),
      ...dataRoutes().map((route) => raw(server.origin, route.path, { method: route.method, headers: { [HTTP.tokenHeader]: server.token } })),
      ...dataRoutes().map((route) => raw(server.origin, route.path, { method: route.method })),
    ];
    for (const res of await Promise.all(answers)) expect(res.headers['set-cookie']).toBeUndefined();
    for (const cookie of [`studio_token_${server.port}=${server.token}`, `token=${server.token}`, `${HTTP.tokenHeader}=${server.token}`]) {
      for (const route of dataRoutes()) {
        const res = await raw(server.origin, route.path, { method: route.method, headers: { cookie } });
        expect(res.status, `${route.path} with ${cookie.split('=')[0]}`).toBe(401);
      }
    }
  });

  it('is not needed for the page itself, which holds no data, so a reload without the token in the URL works', async () => {
    for (const path of staticRoutes) {
      const res = await raw(server.origin, path);
      expect(res.status, path).toBe(200);
    }
    // The Host check still applies to the page (DNS rebinding).
    expectError(await raw(server.origin, '/', { headers: { host: `evil.example:${server.port}` } }), 403, 'unauthorized');
  });

  it('signs export download links per export for a minute; tampered, expired or borrowed links are refused', async () => {
    const exportsDir = join(server.dataDir, 'exports');
    mkdirSync(join(exportsDir, 'exp-a'), { recursive: true });
    mkdirSync(join(exportsDir, 'exp-b'), { recursive: true });
    writeFileSync(join(exportsDir, 'exp-a', 'items.jsonl'), '{"id":"a"}\n');
    writeFileSync(join(exportsDir, 'exp-b', 'items.jsonl'), '{"id":"b"}\n');
    const issue = await raw(server.origin, HTTP.exportLink('exp-a'), { method: 'POST', headers: { [HTTP.tokenHeader]: server.token } });
    expect(issue.status).toBe(200);
    const { url } = issue.json() as { url: string };
    expect(url).toMatch(/^\/exports\/exp-a\?expires=\d+&sig=[A-Za-z0-9_-]{43}$/);
    expect(url).not.toContain(server.token);
    const ok = await raw(server.origin, url);
    expect(ok.status).toBe(200);
    // A folder of one file downloads as that file.
    expect(ok.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    expect(ok.headers['content-disposition']).toBe('attachment; filename="exp-a.jsonl"');
    expect(ok.body.toString('utf8')).toBe('{"id":"a"}\n');

    const parsed = new URL(url, server.origin);
    const sig = parsed.searchParams.get('sig')!;
    const expires = Number(parsed.searchParams.get('expires'));
    expect(expires - Date.now()).toBeLessThanOrEqual(60_000);
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    for (const bad of [
      `/exports/exp-b?expires=${expires}&sig=${sig}`,
      `/exports/exp-a?expires=${expires + 1000}&sig=${sig}`,
      `/exports/exp-a?expires=${expires}&sig=${flipped}`,
      `/exports/exp-a?expires=${expires}`,
      `/exports/exp-a?sig=${sig}`,
    ]) {
      expectError(await raw(server.origin, bad), 401, 'unauthorized');
    }
    // A link that has run out is refused even with a right signature: sign one that expired.
    const { signExportLink } = await import('../../main/server/signed-links');
    const stale = signExportLink(server.token, 'exp-a', Date.now() - 1000);
    expectError(await raw(server.origin, stale), 401, 'unauthorized');
    // A signature made with another server's token is not this server's.
    expectError(await raw(server.origin, signExportLink('t'.repeat(43), 'exp-a', Date.now() + 30_000)), 401, 'unauthorized');
    // Links are issued only for exports that exist.
    expectError(await raw(server.origin, HTTP.exportLink('no-such-export'), { method: 'POST', headers: { [HTTP.tokenHeader]: server.token } }), 404, 'not_found');
  });

  it('is required to open the event WebSocket, as a subprotocol value (never in the URL or a cookie)', async () => {
    const wsUrl = `ws://127.0.0.1:${server.port}${HTTP.events}`;
    const outcome = (url: string, protocols: string[] = [], headers: Record<string, string> = {}) =>
      new Promise<number | { protocol: string }>((resolve) => {
        const ws = new WebSocket(url, protocols, { headers });
        ws.on('open', () => {
          const protocol = ws.protocol;
          ws.close();
          resolve({ protocol });
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const offer = (token: string) => [HTTP.eventsProtocol, `${HTTP.tokenProtocolPrefix}${token}`];
    expect(await outcome(wsUrl)).toBe(401);
    expect(await outcome(wsUrl, offer('z'.repeat(43)))).toBe(401);
    expect(await outcome(`${wsUrl}?token=${server.token}`)).toBe(401);
    expect(await outcome(wsUrl, [], { cookie: `studio_token_${server.port}=${server.token}` })).toBe(401);
    expect(await outcome(wsUrl, offer(server.token), { Origin: 'http://evil.example' })).toBe(403);
    expect(await outcome(`ws://127.0.0.1:${server.port}/other`, offer(server.token))).toBe(404);
    // The server answers with the plain protocol name, never echoing the token back.
    expect(await outcome(wsUrl, offer(server.token), { Origin: server.origin })).toEqual({ protocol: HTTP.eventsProtocol });
    // Clients that are not browsers may send the header instead.
    expect(await outcome(wsUrl, [], { [HTTP.tokenHeader]: server.token })).toEqual({ protocol: '' });
  });
});

describe('host and origin checks', () => {
  it('answers only to loopback host names (no DNS rebinding)', async () => {
    const headers = { [HTTP.tokenHeader]: server.token };
    for (const host of [`evil.example:${server.port}`, '127.0.0.1:1', 'localhost']) {
      expectError(await raw(server.origin, HTTP.api('getInfo'), { method: 'POST', headers: { ...headers, host } }), 403, 'unauthorized');
    }
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`]) {
      expect((await raw(server.origin, HTTP.api('getInfo'), { method: 'POST', headers: { ...headers, host } })).status).toBe(200);
    }
  });

  it('refuses API calls a page of another origin makes', async () => {
    const res = await raw(server.origin, HTTP.api('listProjects'), { method: 'POST', headers: { [HTTP.tokenHeader]: server.token, origin: 'http://evil.example' } });
    expectError(res, 403, 'unauthorized');
    const same = await raw(server.origin, HTTP.api('listProjects'), { method: 'POST', headers: { [HTTP.tokenHeader]: server.token, origin: server.origin } });
    expect(same.status).toBe(200);
  });
});

describe('API calls', () => {
  const post = (name: string, body: string | Buffer | undefined, headers: Record<string, string> = {}) =>
    raw(server.origin, `/api/${name}`, { method: 'POST', headers: { [HTTP.tokenHeader]: server.token, 'content-type': 'application/json', ...headers }, body });

  it('validates input with the method schema and names the field', async () => {
    const body = expectError(await post('createProject', JSON.stringify({ name: '   ' })), 400, 'invalid_input');
    expect(body.message).toMatch(/^createProject: name: /);
    expect(body.problems[0]).toMatchObject({ field: 'name' });

    const nested = expectError(await post('updateProject', JSON.stringify({ projectId: 1, patch: { annotatorsPerItem: 99 } })), 400, 'invalid_input');
    expect(nested.problems[0]?.field).toBe('patch.annotatorsPerItem');

    const strict = expectError(await post('getInfo', JSON.stringify({ unexpected: true })), 400, 'invalid_input');
    expect(strict.message).toMatch(/unexpected|Unrecognized/i);
  });

  it('answers unknown methods 404, other verbs 405, bad JSON 400, other content types 415', async () => {
    expectError(await post('dropDatabase', '{}'), 404, 'not_found');
    expectError(await raw(server.origin, HTTP.api('getInfo'), { headers: { [HTTP.tokenHeader]: server.token } }), 405, 'unsupported');
    const bad = expectError(await post('getInfo', '{"oops'), 400, 'invalid_input');
    expect(bad.message).toMatch(/not valid JSON/);
    expectError(await post('getInfo', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported');
  });

  it('treats an empty body as {} and returns the output the contract describes', async () => {
    const res = await post('getInfo', undefined);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ host: 'server', dataDir: server.dataDir });
  });

  it('maps core errors to their status: 404 for a missing project, 409 for a conflict', async () => {
    expectError(await post('getProject', JSON.stringify({ projectId: 999_999 })), 404, 'not_found');
    await server.call('createUser', { name: 'Dup', role: 'annotator' });
    const dup = expectError(await post('createUser', JSON.stringify({ name: 'Dup', role: 'annotator' })), 409, 'conflict');
    expect(dup.message).toMatch(/Dup/);
  });

  it('refuses bodies over the limit with 413 before reading them', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) });
    // Streamed (chunked, no length): cut off once past the limit; declared: refused before a byte is read.
    expectError(await post('getInfo', big), 413, 'too_large');
    expectError(await post('getInfo', big, { 'content-length': String(Buffer.byteLength(big)) }), 413, 'too_large');
  });

  it('keeps a keep-alive connection usable after a refused or unread body', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      const on = (headers: Record<string, string>, body: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(new URL(HTTP.api('getInfo'), server.origin), { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('socket', (socket) => sockets.add(socket));
          req.on('error', reject);
          req.end(body);
        });
      expect(await on({ [HTTP.tokenHeader]: server.token }, JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) }))).toBe(413);
      expect(await on({}, JSON.stringify({ pad: 'y'.repeat(3 * 1024 * 1024) }))).toBe(401);
      expect(await on({ [HTTP.tokenHeader]: server.token }, '{}')).toBe(200);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('routes by the path alone: a request-target in absolute form names no other host', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: `http://evil.example${HTTP.api('getInfo')}`, headers: { [HTTP.tokenHeader]: server.token } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(200);
  });

  it('hides internals of unexpected failures behind a reference', async () => {
    const original = core.handlers.getInfo;
    core.handlers.getInfo = () => {
      throw new Error('SQLITE_CORRUPT at /home/someone/secret/studio.db');
    };
    try {
      const body = expectError(await post('getInfo', '{}'), 500, 'internal');
      expect(body.message).toMatch(/reference [0-9a-f]{8}/);
      const text = JSON.stringify(body);
      expect(text).not.toContain('secret');
      expect(text).not.toContain('SQLITE');
      expect(text).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      core.handlers.getInfo = original;
    }
  });
});

describe('blobs', () => {
  const get = (path: string, headers: Record<string, string> = {}) => raw(server.origin, path, { headers: { [HTTP.tokenHeader]: server.token, ...headers } });

  it('serves a stored image with its real type and immutable caching', async () => {
    const res = await get(HTTP.blob(pngSha));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.equals(await core.blobs.read(pngSha))).toBe(true);
    const again = await get(HTTP.blob(pngSha), { 'if-none-match': String(res.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('serves WebP thumbnails in the allowed sizes', async () => {
    const res = await get(`${HTTP.thumb(pngSha)}?size=128`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    const meta = await sharp(res.body).metadata();
    expect(meta.format).toBe('webp');
    expectError(await get(`${HTTP.thumb(pngSha)}?size=9999`), 400, 'invalid_input');
  });

  it('validates the hash and answers 404 for unknown blobs', async () => {
    expectError(await get(HTTP.blob('f'.repeat(64))), 404, 'not_found');
    expectError(await get(HTTP.thumb('f'.repeat(64))), 404, 'not_found');
    for (const bad of ['../studio.db', pngSha.toUpperCase(), 'abc', `${pngSha}/../../studio.db`]) {
      const res = await get(`/blobs/${bad}`);
      expect([400, 404], bad).toContain(res.status);
    }
  });

  it('serves a non-image blob only as an attachment', async () => {
    const { sha256 } = await core.blobs.put(Buffer.from('<script>alert(1)</script>'));
    const res = await get(HTTP.blob(sha256));
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe('attachment');
  });
});

describe('static files', () => {
  const get = (path: string) => raw(server.origin, path, { headers: { [HTTP.tokenHeader]: server.token } });

  it('serves the app with a strict CSP and nosniff', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const asset = await get('/assets/app-1234.js');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('keeps every path inside the renderer folder and never lists directories', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/link.txt', '/assets/..%2f..%2fpackage.json', '/%00', '/assets/x.js']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString()).not.toContain('not for the browser');
    }
    // A folder is never listed: it is an in-app route like any other path without an extension.
    const dir = await get('/assets/');
    expect(dir.body.toString()).toBe(readFileSync(join(rendererDir, 'index.html'), 'utf8'));
  });

  it('answers client-side routes with the app', async () => {
    const res = await get('/projects/3/label');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('<title>studio</title>');
  });
});

describe('events', () => {
  it('pushes contract events to connected clients', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${HTTP.events}`, [HTTP.eventsProtocol, `${HTTP.tokenProtocolPrefix}${server.token}`]);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    const project = await server.call('createProject', { name: 'Events' });
    const event = StudioEvent.parse(await received);
    expect(event).toEqual({ type: 'project.changed', projectId: project.id });
    ws.close();
  });
});
