/**
 * The sandboxed preload: exposes `window.studio` with one named function per StudioApi method,
 * each on its own IPC channel, and `onEvent` for pushed events. There is no generic
 * invoke(channel): the page can reach exactly the methods of the contract and nothing else of
 * ipcRenderer. Replies are envelopes ({ok, value} | {ok:false, error}); renderer/src/api/
 * unwraps and validates them.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { METHOD_NAMES } from './contract/api';
import { EVENT_CHANNEL, ipcChannel } from './contract/channels';

type Call = (input: unknown) => Promise<unknown>;

function methodFunctions(): Record<string, Call> {
  const functions: Record<string, Call> = {};
  for (const name of METHOD_NAMES) {
    const channel = ipcChannel(name);
    functions[name] = (input: unknown) => ipcRenderer.invoke(channel, input ?? {});
  }
  return functions;
}

function onEvent(listener: (event: unknown) => void): () => void {
  // Only the event itself crosses over: the IpcRendererEvent (with its sender) stays here.
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(EVENT_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  };
}

contextBridge.exposeInMainWorld('studio', Object.freeze({ ...methodFunctions(), onEvent }));
