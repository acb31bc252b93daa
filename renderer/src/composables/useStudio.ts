/** The client is created once in main.ts and provided to the app; stores and views inject it. */
import { inject, type InjectionKey } from 'vue';
import type { StudioClient } from '../api';

export const STUDIO_CLIENT: InjectionKey<StudioClient> = Symbol('studio-client');

export function useStudio(): StudioClient {
  const client = inject(STUDIO_CLIENT);
  if (!client) throw new Error('useStudio() needs the client provided by main.ts');
  return client;
}
