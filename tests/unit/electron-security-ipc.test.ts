/**
 * The desktop host's IPC handlers (main/electron/ipc.ts) with Electron replaced by a recorder:
 * one handler per contract method on its own channel, calls from frames other than the app
 * refused, inputs parsed by the method's zod schema, replies as {ok, value} / {ok:false, error}
 * envelopes, and core events forwarded to the window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, studioMethods } from '../../preload/contract/api';
import { EVENT_CHANNEL, ipcChannel } from '../../preload/contract/channels';
import { StudioErrorBody } from '../../preload/contract/errors';
import { silentLogger } from '../../main/core/logger';
import { openStudio, type StudioCore } from '../../main/core/studio';

type Handler = (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpcHandlers, forwardEvents } = await import('../../main/electron/ipc');
const { APP_ENTRY } = await import('../../main/electron/security');

let dir: string;
let core: StudioCore;
let unregister: () => void;
const errors: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-ipc-'));
  core = await openStudio({ dataDir: dir, host: 'electron', version: '0.0.0-test', log: silentLogger() });
  unregister = registerIpcHandlers(core, (_message, err) => errors.push(err));
});

afterAll(() => {
  unregister();
  core.close();
  rmSync(dir, { recursive: true, force: true });
});

const fromApp = { senderFrame: { url: APP_ENTRY } };
const call = (name: string, input: unknown, event: Parameters<Handler>[0] = fromApp) => handlers.get(ipcChannel(name as never))!(event, input);

describe('IPC handlers', () => {
  it('registers exactly one channel per contract method', () => {
    expect([...handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
  });

  it('answers the app with value envelopes that match the output schema', async () => {
    const reply = (await call('getInfo', {})) as { ok: boolean; value: unknown };
    expect(reply.ok).toBe(true);
    expect(studioMethods.getInfo.output.parse(reply.value)).toMatchObject({ host: 'electron' });
  });

  it('refuses frames that are not the app, whatever they ask', async () => {
    for (const event of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: { url: 'file:///tmp/x.html' } }, { senderFrame: null }]) {
      const reply = (await call('listProjects', {}, event)) as { ok: false; error: unknown };
      expect(reply.ok).toBe(false);
      expect(StudioErrorBody.parse(reply.error).code).toBe('unauthorized');
    }
    const made = (await call('createProject', { name: 'sneaky' }, { senderFrame: { url: 'app://evil/' } })) as { ok: boolean };
    expect(made.ok).toBe(false);
    expect(await core.handlers.listProjects({})).toEqual([]);
  });

  it('validates input with the zod schema and names the field', async () => {
    const reply = (await call('createUser', { name: 'x', role: 'overlord' })) as { ok: false; error: unknown };
    expect(reply.ok).toBe(false);
    const error = StudioErrorBody.parse(reply.error);
    expect(error.code).toBe('invalid_input');
    expect(error.problems[0]?.field).toBe('role');
    const notAnObject = (await call('getProject', 'DROP TABLE project')) as { ok: false; error: unknown };
    expect(StudioErrorBody.parse(notAnObject.error).code).toBe('invalid_input');
  });

  it('forwards core events to the window until it is destroyed', async () => {
    const sent: Array<[string, unknown]> = [];
    let destroyed = false;
    const onDestroyed: Array<() => void> = [];
    const contents = {
      isDestroyed: () => destroyed,
      send: (channel: string, payload: unknown) => sent.push([channel, payload]),
      once: (_event: 'destroyed', fn: () => void) => onDestroyed.push(fn),
    };
    forwardEvents(core, contents as never);
    const reply = (await call('createProject', { name: 'Evented' })) as { ok: true; value: { id: number } };
    expect(sent).toEqual([[EVENT_CHANNEL, { type: 'project.changed', projectId: reply.value.id }]]);
    destroyed = true;
    for (const fn of onDestroyed) fn();
    await call('createProject', { name: 'After' });
    expect(sent).toHaveLength(1);
  });
});
