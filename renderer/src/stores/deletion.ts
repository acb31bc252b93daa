/**
 * Deleting items and projects: the core's preview, the delete (which writes the archive first),
 * and undo (importing the archive back). Whoever shows the items reloads after either.
 */
import { defineStore } from 'pinia';
import type { DeletionPreview, DeletionRecord, DeletionResult, DeletionTarget, RestoreResult } from '../../../preload/contract/deletion';
import { useStudio } from '../composables/useStudio';
import { useSession } from './session';

export const useDeletion = defineStore('deletion', () => {
  const client = useStudio();
  const session = useSession();

  function preview(target: DeletionTarget): Promise<DeletionPreview> {
    return client.api.previewDeletion({ target });
  }

  function remove(target: DeletionTarget, expectedItems: number, confirm?: string): Promise<DeletionResult> {
    const userId = session.currentUserId ?? undefined;
    return client.api.deleteItems({ target, expectedItems, ...(confirm !== undefined ? { confirm } : {}), ...(userId !== undefined ? { userId } : {}) });
  }

  function restore(deletionId: number): Promise<RestoreResult> {
    return client.api.restoreDeletion({ deletionId });
  }

  /** Every deletion of every project (deleted ones too), newest first. */
  function list(): Promise<DeletionRecord[]> {
    return client.api.listDeletions({});
  }

  return { preview, remove, restore, list };
});
