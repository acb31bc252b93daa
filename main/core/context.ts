/** What every core service receives: the database, the data folders, events, logs and time. */
import type { StudioDb } from '../../db/handles.js';
import type { BlobStore } from './blobs/store.js';
import type { EventHub } from './events.js';
import type { Logger } from './logger.js';
import type { DataPaths } from './paths.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface StudioOptions {
  dataDir: string;
  host: 'electron' | 'server';
  version: string;
  /** better-sqlite3 .node build for the Electron ABI; Node uses the default build. */
  nativeBinding?: string;
  /** The bundled public samples the demo project is built from. */
  demoDataDir?: string;
  log?: Logger;
  /** Tests pass a fixed clock; everything else uses the system clock. */
  clock?: Clock;
}

export interface CoreContext {
  db: StudioDb;
  paths: DataPaths;
  events: EventHub;
  log: Logger;
  clock: Clock;
  blobs: BlobStore;
  options: Readonly<Omit<StudioOptions, 'log' | 'clock'>>;
  /** Registers cleanup that runs (newest first) when the core closes, before the database closes. */
  onClose(fn: () => void): void;
}

/** ISO-8601 timestamp from the context's clock, the format every created_at column holds. */
export function nowIso(ctx: Pick<CoreContext, 'clock'>): string {
  return ctx.clock.now().toISOString();
}
