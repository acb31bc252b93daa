/** What every core service receives: the database, the data folders, events, logs and time. */
import type { StudioDb } from '../../db/handles.js';
import type { BlobStore } from './blobs/store.js';
import type { EventHub } from './events.js';
import type { Logger } from './logger.js';
import type { DataPaths } from './paths.js';
import type { LearnedScoring } from './verifiers/models.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * What only the person at this machine may do, handed to the core by the hosts whose caller is
 * that person: the desktop app (a dialog) and the CLI (its flags). `studio serve` hands none: its
 * callers are whoever holds the link, so over it trust_remote_code is refused and errors for
 * local model and verifier paths are one uniform sentence (no probing which paths exist).
 */
export interface LocalCaller {
  /** Asks whether this model's own Python code may run in the worker; names the folder. */
  confirmTrustRemoteCode(model: { name: string; folder: string }): Promise<boolean>;
}

export interface StudioOptions {
  dataDir: string;
  host: 'electron' | 'server';
  /** Present for the desktop app and the CLI, absent for `studio serve` (see LocalCaller). */
  localCaller?: LocalCaller;
  version: string;
  /** better-sqlite3 .node build for the Electron ABI; Node uses the default build. */
  nativeBinding?: string;
  /** The bundled public samples the demo project is built from. */
  demoDataDir?: string;
  log?: Logger;
  /**
   * Open studio.db read-only (commands that only read: `studio projects`, `stats`, `compare`): no
   * migration, and jobs another process left running are not marked interrupted. A data directory
   * without a studio.db yet is opened as usual.
   */
  readOnly?: boolean;
  /** Scheduled backups into <data>/backups (`studio serve`, the desktop app); none when absent. */
  backups?: { everyHours: number; keep: number };
  /** Tests pass a fixed clock; everything else uses the system clock. */
  clock?: Clock;
  /**
   * Runs learned verifiers in the app (main/inference, built by the hosts: the core may not import
   * it). Absent: learned scoring goes through the worker's `score` job and there are no suggestions.
   */
  learnedScoring?: LearnedScoring;
}

export interface CoreContext {
  db: StudioDb;
  paths: DataPaths;
  events: EventHub;
  log: Logger;
  clock: Clock;
  blobs: BlobStore;
  options: Readonly<Omit<StudioOptions, 'log' | 'clock' | 'learnedScoring'>>;
  /** Registers cleanup that runs (newest first) when the core closes, before the database closes. */
  onClose(fn: () => void): void;
}

/** ISO-8601 timestamp from the context's clock, the format every created_at column holds. */
export function nowIso(ctx: Pick<CoreContext, 'clock'>): string {
  return ctx.clock.now().toISOString();
}
