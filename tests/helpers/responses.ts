/**
 * Test fixture: model responses inserted straight through the core's store (insertResponse), for
 * tests of the pairwise and response views that must not depend on the response import.
 *
 *   seedResponses(core, projectId, itemIds, ['base', 'ckpt-40'])  // one response per item and model
 */
import { insertResponse } from '../../main/core/responses/store.js';
import type { StudioCore } from '../../main/core/studio.js';

export interface SeededResponse {
  id: number;
  itemId: number;
  model: string;
}

/** One response of each model to each item (sample 0), in item order then model order; `text` makes the wording. */
export function seedResponses(
  core: StudioCore,
  projectId: number,
  itemIds: readonly number[],
  models: readonly string[],
  text: (model: string, itemIndex: number) => string = (model, i) => `Answer ${i + 1} from ${model}.`,
): SeededResponse[] {
  const db = core.context.db.write;
  const createdAt = core.context.clock.now().toISOString();
  return db.transaction(() =>
    itemIds.flatMap((itemId, index) =>
      models.map((model) => ({
        id: insertResponse(db, {
          projectId,
          itemId,
          modelId: null,
          modelName: model,
          sampleIndex: 0,
          text: text(model, index),
          params: { temperature: 0.7, model },
          origin: 'imported',
          importId: null,
          createdAt,
        }),
        itemId,
        model,
      })),
    ),
  );
}
