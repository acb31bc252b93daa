/** Pushes contract StudioEvents to every subscriber (each host forwards them to its UIs). One per core. */
import type { StudioEvent } from '../../preload/contract/events.js';
import type { Logger } from './logger.js';

export type StudioEventListener = (event: StudioEvent) => void;

export class EventHub {
  private readonly listeners = new Set<StudioEventListener>();

  constructor(private readonly log?: Logger) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: StudioEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Delivers synchronously; a throwing listener is logged and does not stop the others. */
  emit(event: StudioEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.log?.error('event listener failed', { event: event.type, err });
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
