/**
 * Opens a real studio core in a fresh temp data directory (real SQLite, real files) and removes
 * it afterwards. Shared by every integration test:
 *
 *   const t = await openTempCore();             // or: const get = useTempCore(); ... get().call(...)
 *   const user = await t.call('createUser', { name: 'Ada', role: 'annotator' });
 *   t.close();                                  // closes the core and deletes the directory
 *
 * `call` goes through the contract exactly like a host: the input is parsed (defaults applied,
 * bad input refused) with the method's zod schema and the output is checked against its schema.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import { validationError } from '../../preload/contract/errors.js';
import type { Split, Task } from '../../preload/contract/domain.js';
import { openStudio, type StudioCore, type StudioOptions } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { makeTempDir } from './tempdir.js';

export interface TempCore {
  core: StudioCore;
  dataDir: string;
  /** Parses input like a host, runs the handler, checks the output against the contract. */
  call<K extends MethodName>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
  /** Closes the core and deletes the data directory (unless keepDir). Idempotent. */
  close(): void;
}

export type TempCoreOptions = Partial<Omit<StudioOptions, 'dataDir'>> & {
  /** Reuse this directory (e.g. to reopen a core over the same data); it is not deleted on close. */
  dataDir?: string;
  keepDir?: boolean;
};

export async function callHandler<K extends MethodName>(core: StudioCore, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const method = studioMethods[name];
  const parsed = method.input.safeParse(input);
  if (!parsed.success) throw validationError(name, parsed.error.issues);
  const handler = core.handlers[name] as (input: unknown) => unknown;
  const output = await handler(parsed.data);
  return method.output.parse(output) as MethodOutput<K>;
}

export async function openTempCore(options: TempCoreOptions = {}): Promise<TempCore> {
  const { dataDir: givenDir, keepDir, ...studioOptions } = options;
  const temp = givenDir ? null : makeTempDir();
  const dataDir = givenDir ?? temp!.path;
  const core = await openStudio({ host: 'server', version: '0.0.0-test', log: silentLogger(), ...studioOptions, dataDir });
  let closed = false;
  return {
    core,
    dataDir,
    call: (name, input) => callHandler(core, name, input),
    close() {
      if (closed) return;
      closed = true;
      core.close();
      if (temp && !keepDir) temp.cleanup();
    },
  };
}

/** Vitest hooks: a fresh core before each test, closed and deleted after it. */
export function useTempCore(options: TempCoreOptions = {}): () => TempCore {
  let current: TempCore | null = null;
  beforeEach(async () => {
    current = await openTempCore(options);
  });
  afterEach(() => {
    current?.close();
    current = null;
  });
  return () => {
    if (!current) throw new Error('useTempCore(): no core outside a test');
    return current;
  };
}

export interface SeedItem {
  externalId?: string;
  text?: string;
  split?: Split;
  task?: Task;
  source?: string;
  tags?: string[];
  sourceLabels?: Record<string, string>;
  sensitive?: boolean;
}

/**
 * Inserts text-only items straight into the database, for tests of labelling and browse that
 * must not depend on the import pipeline. Returns the new item ids in order.
 */
export function seedItems(core: StudioCore, projectId: number, items: readonly SeedItem[]): number[] {
  const db = core.context.db.write;
  const now = core.context.clock.now().toISOString();
  return db.transaction(() =>
    items.map((it, index) => {
      const text = it.text ?? `prompt ${index + 1}`;
      const contentHash = createHash('sha256').update(`${text}\0`).digest('hex');
      const row = db
        .prepare<{ id: number }>(
          `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?) RETURNING id`,
        )
        .get(
          projectId,
          it.externalId ?? `ext-${index + 1}`,
          text,
          it.source ?? 'test',
          it.split ?? 'train',
          it.task ?? 'safety',
          JSON.stringify(it.tags ?? []),
          JSON.stringify(it.sourceLabels ?? {}),
          it.sensitive ? 1 : 0,
          contentHash,
          now,
        );
      return row!.id;
    }),
  );
}

/** n items with distinct texts "prompt 1" .. "prompt n" and external ids ext-1 .. ext-n. */
export function seedCount(core: StudioCore, projectId: number, n: number, base: SeedItem = {}): number[] {
  return seedItems(
    core,
    projectId,
    Array.from({ length: n }, (_, i) => ({ ...base, externalId: `ext-${i + 1}`, text: `${base.text ?? 'prompt'} ${i + 1}` })),
  );
}
