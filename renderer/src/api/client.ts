/**
 * createStudioClient(): the renderer's one door to the core. Picks the transport at startup:
 * the Electron bridge when the preload exposed it, HTTP + WebSocket (`studio serve`) otherwise.
 */
import { createElectronTransport, hasElectronBridge } from './electronTransport';
import { createHttpTransport, resolveToken } from './httpTransport';
import { clientFromTransport, type StudioClient } from './typedClient';

export { clientFromTransport, type StudioClient };

export async function createStudioClient(): Promise<StudioClient> {
  const transport = hasElectronBridge() ? createElectronTransport() : createHttpTransport(await resolveToken());
  return clientFromTransport(transport);
}
