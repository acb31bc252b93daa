/**
 * One ipcMain handler per StudioApi method, each on its own channel (ipcChannel(name)), and the
 * event forwarder. Every call is checked to come from a frame showing the app, its input is
 * parsed with the method's zod schema, and the reply is an envelope ({ok, value} or {ok:false,
 * error}) because thrown errors lose their code on the way through contextBridge.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { METHOD_NAMES } from '../../preload/contract/api.js';
import { EVENT_CHANNEL, ipcChannel } from '../../preload/contract/channels.js';
import { callAsEnvelope, type Envelope, type ErrorLog } from '../server/dispatch.js';
import type { ServerCore } from '../server/server.js';
import { isTrustedSender } from './security.js';

const REFUSED: Envelope<never> = {
  ok: false,
  error: { code: 'unauthorized', message: 'This window may not call the studio', problems: [] },
};

export function registerIpcHandlers(core: ServerCore, log: ErrorLog): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url)) return REFUSED;
      return callAsEnvelope(core.handlers, name, input, log);
    });
  }
  return () => {
    for (const name of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** Pushes every core event to the window while it lives. */
export function forwardEvents(core: ServerCore, contents: WebContents): () => void {
  const unsubscribe = core.events.subscribe((event) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
  });
  contents.once('destroyed', unsubscribe);
  return unsubscribe;
}
