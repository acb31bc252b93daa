/**
 * Test fixture: model responses inserted straight through the core's store (insertResponse), for
 * tests of the verdict workflow that must not depend on the response import. Not used by the app.
 *
 *   const ids = seedResponses(core.context.db.write, projectId, itemIds, ['base', 'ckpt-40']);
 *   withStudioDb(server.dataDir, (db) => seedResponses(db, ...)); // a running `studio serve`'s data dir
 */
import { join } from 'node:path';
import type { WritableDB } from '../../db/handles.js';
import { insertResponse } from '../../main/core/responses/store.js';
import { openDatabase } from '../../main/core/storage/index.js';
import type { StudioCore } from '../../main/core/studio.js';

const AT = '2026-12-01T00:00:00.000Z';

/** What a model "said" for an item in these fixtures: varied, so screens and tests can tell them apart. */
export function fixtureResponseText(model: string, itemId: number, sampleIndex = 0): string {
  return `[${model} #${sampleIndex}] Answer to item ${itemId}: I can help with the safe part of this. Here is a short overview, with the risks named.`;
}

/**
 * One response per (item, model), in item-major order (item 1's models, then item 2's, ...).
 * `text` overrides the fixture text. Returns the response ids in insertion order.
 */
export function seedResponses(
  db: WritableDB,
  projectId: number,
  itemIds: readonly number[],
  models: readonly string[] = ['base'],
  text: (model: string, itemId: number) => string = (model, itemId) => fixtureResponseText(model, itemId),
): number[] {
  return db.transaction(() =>
    itemIds.flatMap((itemId) =>
      models.map((model) =>
        insertResponse(db, {
          projectId,
          itemId,
          modelId: null,
          modelName: model,
          sampleIndex: 0,
          text: text(model, itemId),
          params: { temperature: 0.7 },
          origin: 'imported',
          importId: null,
          createdAt: AT,
        }),
      ),
    ),
  );
}

/** Opens the studio.db of a data dir (a running server's, in WAL mode) for the duration of fn. */
export function withStudioDb<T>(dataDir: string, fn: (db: WritableDB) => T): T {
  const db = openDatabase(join(dataDir, 'studio.db'));
  try {
    return fn(db.write);
  } finally {
    db.close();
  }
}

export interface SeededResponse {
  id: number;
  itemId: number;
  model: string;
}

/**
 * The same fixture over a core, for the pairwise tests: one response of each model to each item,
 * with each response's id, item and model; `text` words it from the item's index in `itemIds`.
 */
export function seedModelResponses(
  core: StudioCore,
  projectId: number,
  itemIds: readonly number[],
  models: readonly string[],
  text: (model: string, itemIndex: number) => string = (model, i) => `Answer ${i + 1} from ${model}.`,
): SeededResponse[] {
  const index = new Map(itemIds.map((id, i) => [id, i]));
  const ids = seedResponses(core.context.db.write, projectId, itemIds, models, (model, itemId) => text(model, index.get(itemId)!));
  const keys = itemIds.flatMap((itemId) => models.map((model) => ({ itemId, model })));
  return ids.map((id, i) => ({ id, ...keys[i]! }));
}
