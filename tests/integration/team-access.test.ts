/**
 * People's links on `studio serve`, over real HTTP and WebSockets: every method has a role, a
 * person's token cannot call what their role does not allow (403 with a sentence) nor label as
 * someone else, the token is stored only hashed, a revoked link is refused at once (HTTP, a new
 * WebSocket, and its open WebSocket is closed), and `--keep-token` keeps the owner's link across
 * a restart while a restart without it refuses the old one.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { METHOD_NAMES, type MethodInput, type MethodName } from '../../preload/contract/api';
import { HTTP } from '../../preload/contract/channels';
import { emptyLabels, type User } from '../../preload/contract/domain';
import { StudioError } from '../../preload/contract/errors';
import { METHOD_ACCESS, requiredAccess, roleAllows } from '../../preload/contract/method-access';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { OWNER_TOKEN_FILE } from '../../main/server/owner-token';
import { seedCount } from '../helpers/core';
import { callApi, startTestServer, type TestServer } from '../helpers/server';

/** The StudioError (with its HTTP status) a call fails with. */
async function refusal<K extends MethodName>(origin: string, token: string, name: K, input: MethodInput<K>): Promise<StudioError & { status: number }> {
  try {
    await callApi(origin, token, name, input);
  } catch (err) {
    if (err instanceof StudioError) return err as StudioError & { status: number };
    throw err;
  }
  throw new Error(`${name} was expected to be refused`);
}

function openSocket(origin: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}${HTTP.events}`, [HTTP.eventsProtocol, `${HTTP.tokenProtocolPrefix}${token}`], { origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('the role table', () => {
  it('classifies every StudioApi method, and nothing else', () => {
    const unclassified = METHOD_NAMES.filter((name) => !Object.prototype.hasOwnProperty.call(METHOD_ACCESS, name));
    expect(unclassified, 'add these to preload/contract/method-access.ts').toEqual([]);
    expect(Object.keys(METHOD_ACCESS).filter((name) => !(METHOD_NAMES as string[]).includes(name))).toEqual([]);
  });

  it('fails closed: a name it does not know needs an admin', () => {
    expect(requiredAccess('dropEverything')).toBe('admin');
    expect(requiredAccess('__proto__')).toBe('admin');
    expect(roleAllows('reviewer', 'dropEverything')).toBe(false);
    expect(roleAllows('admin', 'updateProject')).toBe(true);
    expect(roleAllows('annotator', 'submitLabel')).toBe(true);
  });
});

describe('people\u2019s links', () => {
  let server: TestServer;
  let ada: User;
  let bob: User;
  let lead: User;
  let projectId: number;
  let itemIds: number[];

  beforeAll(async () => {
    server = await startTestServer({ mode: 'in-process', rendererDir: null });
    ada = await server.call('createUser', { name: 'Ada', role: 'annotator' });
    bob = await server.call('createUser', { name: 'Bob', role: 'annotator' });
    lead = await server.call('createUser', { name: 'Lead', role: 'admin' });
    projectId = (await server.call('createProject', { name: 'Team' })).id;
    itemIds = seedCount(server.core!, projectId, 4);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const labels = { ...emptyLabels(), harmful: false, expected: 'comply' as const };

  it('keeps only the hash of a link\u2019s token', async () => {
    const { link, token } = await server.call('createAccessLink', { userId: ada.id });
    expect(link).toMatchObject({ userId: ada.id, userName: 'Ada', revokedAt: null });
    const rows = server.core!.context.db.read.prepare<Record<string, unknown>>('SELECT * FROM access_link').all();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((row) => row.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect((await server.call('listAccessLinks', {})).map((l) => l.id)).toContain(link.id);
  });

  it('opens as that person and refuses what an annotator may not do', async () => {
    const { token } = await server.call('createAccessLink', { userId: ada.id });
    expect(await callApi(server.origin, token, 'getSession', {})).toEqual({ owner: false, user: ada, role: 'annotator' });
    expect(await server.call('getSession', {})).toEqual({ owner: true, user: null, role: 'admin' });
    expect((await callApi(server.origin, token, 'listProjects', {})).map((p) => p.id)).toContain(projectId);

    const schema = await refusal(server.origin, token, 'updateProject', { projectId, patch: { guidelines: 'mine now' } });
    expect(schema.status).toBe(403);
    expect(schema.code).toBe('forbidden');
    expect(schema.message).toBe('Ada is an annotator; only an admin may call updateProject.');
    for (const [name, input] of [
      ['createUser', { name: 'Mallory', role: 'admin' }],
      ['updateUser', { userId: ada.id, role: 'admin' }],
      ['createAccessLink', { userId: ada.id }],
      ['startRun', {}],
    ] as const) {
      expect((await refusal(server.origin, token, name, input as never)).status, name).toBe(403);
    }
    expect((await server.call('listUsers', {})).find((u) => u.id === ada.id)?.role).toBe('annotator');
    // Unknown names fail closed: an annotator learns nothing beyond "admins only".
    const unknown = await fetch(`${server.origin}/api/dropEverything`, { method: 'POST', headers: { [HTTP.tokenHeader]: token, 'content-type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(403);
    // Exports are admin-only too, the signed-link route included.
    const link = await fetch(`${server.origin}${HTTP.exportLink('20260101-000000-abcdef')}`, { method: 'POST', headers: { [HTTP.tokenHeader]: token } });
    expect(link.status).toBe(403);
  });

  it('attributes labels from the token and refuses labelling as someone else', async () => {
    const { token } = await server.call('createAccessLink', { userId: ada.id });
    const own = await callApi(server.origin, token, 'submitLabel', { itemId: itemIds[0]!, annotatorId: ada.id, labels, timeSpentMs: 900 });
    expect(own.annotation).toMatchObject({ annotatorId: ada.id, annotatorName: 'Ada', status: 'submitted' });

    const forged = await refusal(server.origin, token, 'submitLabel', { itemId: itemIds[1]!, annotatorId: bob.id, labels, timeSpentMs: 900 });
    expect(forged.status).toBe(403);
    expect(forged.message).toBe(`This link belongs to Ada (user ${ada.id}): it cannot act as user ${bob.id}.`);
    expect((await refusal(server.origin, token, 'getQueue', { projectId, annotatorId: bob.id })).status).toBe(403);
    expect((await refusal(server.origin, token, 'undoLastSubmit', { projectId, annotatorId: bob.id })).status).toBe(403);
    const detail = await server.call('getItem', { itemId: itemIds[1]! });
    expect(detail.annotations).toEqual([]);
  });

  it('keeps a person\u2019s own settings and the gold checks\u2019 answers to those who may see them', async () => {
    const { token } = await server.call('createAccessLink', { userId: ada.id });
    const own = await callApi(server.origin, token, 'getPersonSettings', { userId: ada.id });
    const saved = await callApi(server.origin, token, 'updatePersonSettings', { userId: ada.id, settings: own });
    expect(saved).toEqual(own);
    const other = await refusal(server.origin, token, 'getPersonSettings', { userId: bob.id });
    expect(other.status).toBe(403);
    expect(other.message).toBe(`This link belongs to Ada (user ${ada.id}): only an admin may see or change another person's settings.`);
    expect((await refusal(server.origin, token, 'updatePersonSettings', { userId: bob.id, settings: own })).status).toBe(403);
    // The known answers of gold checks never reach an annotator's link, nor does the dashboard.
    expect((await refusal(server.origin, token, 'listGoldChecks', { projectId, reviewerId: ada.id })).status).toBe(403);
    expect((await refusal(server.origin, token, 'getQualityDashboard', { projectId })).status).toBe(403);
    // An admin's link may look after anyone's settings.
    const { token: leadToken } = await server.call('createAccessLink', { userId: lead.id });
    expect(await callApi(server.origin, leadToken, 'getPersonSettings', { userId: bob.id })).toBeTruthy();
  });

  it('lets an admin\u2019s link do admin work, and a role change applies to the next call', async () => {
    const { token } = await server.call('createAccessLink', { userId: lead.id });
    const updated = await callApi(server.origin, token, 'updateProject', { projectId, patch: { guidelines: 'Label calmly.' } });
    expect(updated.guidelines).toBe('Label calmly.');
    await server.call('updateUser', { userId: lead.id, role: 'annotator' });
    expect((await refusal(server.origin, token, 'updateProject', { projectId, patch: { guidelines: 'again' } })).status).toBe(403);
    await server.call('updateUser', { userId: lead.id, role: 'admin' });
  });

  it('refuses a revoked link at once: HTTP, a new WebSocket, and its open WebSocket is closed', async () => {
    const { link, token } = await server.call('createAccessLink', { userId: bob.id });
    const other = await server.call('createAccessLink', { userId: ada.id });
    const socket = await openSocket(server.origin, token);
    const otherSocket = await openSocket(server.origin, other.token);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

    const revoked = await server.call('revokeAccessLink', { linkId: link.id });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await closed).toEqual({ code: 4403, reason: 'This link was revoked' });
    expect(otherSocket.readyState).toBe(WebSocket.OPEN);
    otherSocket.close();

    const refused = await refusal(server.origin, token, 'listProjects', {});
    expect(refused.status).toBe(401);
    expect(refused.code).toBe('unauthorized');
    await expect(openSocket(server.origin, token)).rejects.toThrow('HTTP 401');
    // Revoking again changes nothing; the other link still works.
    expect((await server.call('revokeAccessLink', { linkId: link.id })).revokedAt).toBe(revoked.revokedAt);
    expect(await callApi(server.origin, other.token, 'getSession', {})).toMatchObject({ user: { id: ada.id } });
  });
});

describe('studio serve --keep-token', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'studio-keep-token-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `studio serve` in-process until stop() and returns its printed origin and token. */
  async function serve(args: string[]) {
    let out = '';
    const controller = new AbortController();
    const io: CliIo = {
      stdout: (s) => {
        out += s;
      },
      stderr: () => undefined,
      isTTY: false,
      env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error' },
      stop: controller.signal,
    };
    const running = runCli(['serve', '--port', '0', '--data-dir', dir, ...args], io);
    let match: RegExpExecArray | null = null;
    for (let i = 0; i < 400 && !match; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      match = /Open (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]{43})/.exec(out);
    }
    if (!match) throw new Error(`studio serve printed no link:\n${out}`);
    return {
      origin: match[1]!,
      token: match[2]!,
      out: () => out,
      stop: async () => {
        controller.abort();
        expect(await running).toBe(0);
      },
    };
  }

  it('keeps the owner\u2019s link (and people\u2019s) across a restart; without it the old link is refused', async () => {
    const first = await serve(['--keep-token']);
    const ada = await callApi(first.origin, first.token, 'createUser', { name: 'Ada', role: 'annotator' });
    const person = await callApi(first.origin, first.token, 'createAccessLink', { userId: ada.id });
    await first.stop();
    const file = join(dir, OWNER_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);

    const second = await serve(['--keep-token']);
    expect(second.token).toBe(first.token);
    expect(second.out()).toContain('same link as before');
    expect((await callApi(second.origin, first.token, 'getSession', {})).owner).toBe(true);
    expect((await callApi(second.origin, person.token, 'getSession', {})).user?.id).toBe(ada.id);
    await second.stop();

    const third = await serve([]);
    expect(third.token).not.toBe(first.token);
    expect(third.out()).toContain('This is a new link (the kept one is void)');
    expect((await refusal(third.origin, first.token, 'getSession', {})).status).toBe(401);
    expect((await callApi(third.origin, third.token, 'getSession', {})).owner).toBe(true);
    // People's links live in the database: they survive a restart either way.
    expect((await callApi(third.origin, person.token, 'getSession', {})).user?.id).toBe(ada.id);
    await third.stop();
    expect(() => statSync(file)).toThrow();
  });
});
