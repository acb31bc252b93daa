/**
 * A deleted project keeps its row (runs, models and export history still resolve), so its id
 * still finds it; without this guard an import or a label could be written into a project no
 * list shows, where nobody would see it again. Every method whose input names a `projectId`
 * refuses a deleted one with the way back, except the few that exist to find or explain it.
 */
import type { ReadableDB } from '../../../db/handles.js';
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';

/** getProject answers a deleted project with its own sentence; listDeletions lists what can be restored. */
const ANSWERS_FOR_DELETED: ReadonlySet<string> = new Set(['getProject', 'listDeletions']);

function deletedProjectName(db: ReadableDB, input: unknown): string | null {
  if (typeof input !== 'object' || input === null || !('projectId' in input)) return null;
  const projectId = (input as { projectId: unknown }).projectId;
  if (typeof projectId !== 'number') return null;
  return db.prepare<{ name: string }>('SELECT name FROM project WHERE id = ? AND deleted_at IS NOT NULL').get(projectId)?.name ?? null;
}

export function refusingDeletedProjects(handlers: StudioHandlers, db: ReadableDB): StudioHandlers {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (input: unknown) => unknown][]) {
    wrapped[name] = ANSWERS_FOR_DELETED.has(name)
      ? handler
      : (input: unknown) => {
          const deleted = deletedProjectName(db, input);
          if (deleted !== null) throw new StudioError('not_found', `Project "${deleted}" was deleted; restore it from the start screen (Deleted projects) to work in it again.`);
          return handler(input);
        };
  }
  return wrapped as unknown as StudioHandlers;
}
