/**
 * Deleting items and projects: one item (the Browse drawer), the items a Browse filter matches,
 * or a whole project. A preview says exactly what goes; the delete first writes an archive export
 * (items with their label history, responses with their verdicts, votes, gold, images) that is
 * registered in the export history, and removes nothing unless that archive is on disk. A
 * deletion can be undone by importing its archive back (restoreDeletion). Admin actions.
 */
import { z } from 'zod';
import { ItemFilter } from './domain.js';

const Id = z.number().int().positive();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

/** What to delete: chosen items, the items a Browse filter (with its search) matches, or the project. */
export const DeletionTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('items'), projectId: Id, itemIds: z.array(Id).min(1).max(100_000) }),
  z.object({ kind: z.literal('filter'), projectId: Id, filter: ItemFilter }),
  z.object({ kind: z.literal('project'), projectId: Id }),
]);
export type DeletionTarget = z.infer<typeof DeletionTarget>;

const Count = z.number().int().nonnegative();

/** Everything a deletion removes, counted as stored (every version, not only current ones). */
export const DeletionCounts = z.object({
  items: Count,
  /** Prompt label versions (every annotator's, retracted ones too). */
  labels: Count,
  responses: Count,
  /** Verdict versions on those responses. */
  verdicts: Count,
  /** Preference vote versions. */
  votes: Count,
  /** Gold versions (items, responses, pairs) and gold checks. */
  gold: Count,
  /** Flags on items and responses. */
  flags: Count,
  /** Automatic verdicts (rules, judge, learned) on those responses. */
  autoVerdicts: Count,
  /** Images no other item uses: their files leave the image store. */
  images: Count,
  /** Bytes those images free in the image store. */
  imageBytes: Count,
  /** Memberships in evaluation sets (a project deletion only; item deletion refuses them). */
  evaluationSetItems: Count,
});
export type DeletionCounts = z.infer<typeof DeletionCounts>;

export const DeletionPreview = z.object({
  target: DeletionTarget,
  projectName: z.string(),
  counts: DeletionCounts,
  /** Why the deletion is refused, in one sentence; null when it can go ahead. */
  blockedBy: z.string().nullable(),
  /** What happens, in one or two sentences, for the confirmation. */
  summary: z.string(),
  /** What the person must type to confirm (the project's name for a project); null: the button is enough. */
  confirmPhrase: z.string().nullable(),
});
export type DeletionPreview = z.infer<typeof DeletionPreview>;

export const DeletionArchive = z.object({
  exportId: z.string(),
  /** The archive folder on the host's disk: items.jsonl, responses.jsonl, gold.jsonl, images/. */
  path: z.string(),
  files: z.array(z.string()),
  /** sha256 of items.jsonl (as the export history shows for a JSONL export). */
  sha256: z.string(),
});
export type DeletionArchive = z.infer<typeof DeletionArchive>;

export const DeletionResult = z.object({
  deletionId: z.number().int(),
  projectId: z.number().int(),
  scope: z.enum(['items', 'project']),
  counts: DeletionCounts,
  archive: DeletionArchive,
  /** Bytes freed in the image store (images a backup still needs stay until they are not). */
  freedBytes: Count,
});
export type DeletionResult = z.infer<typeof DeletionResult>;

export const DeletionRecord = z.object({
  deletionId: z.number().int(),
  projectId: z.number().int(),
  projectName: z.string(),
  scope: z.enum(['items', 'project']),
  counts: DeletionCounts,
  exportId: z.string(),
  archivePath: z.string(),
  /** False once the archive folder is gone from the host's disk. */
  archiveAvailable: z.boolean(),
  deletedBy: z.string().nullable(),
  createdAt: z.string(),
  restoredAt: z.string().nullable(),
});
export type DeletionRecord = z.infer<typeof DeletionRecord>;

export const RestoreResult = z.object({
  deletionId: z.number().int(),
  projectId: z.number().int(),
  items: Count,
  labels: Count,
  responses: Count,
  verdicts: Count,
  votes: Count,
});
export type RestoreResult = z.infer<typeof RestoreResult>;

export const deletionMethods = {
  /** What deleteItems would remove (counts, the disk it frees) or why it is refused; changes nothing. */
  previewDeletion: method(z.object({ target: DeletionTarget }), DeletionPreview),
  /**
   * Admin. Writes the archive export, then deletes in one transaction. `expectedItems` is the
   * preview's item count (a filter that matches something else by now is refused); `confirm`
   * must be the preview's confirmPhrase when it has one.
   */
  deleteItems: method(
    z.object({
      target: DeletionTarget,
      expectedItems: Count,
      confirm: z.string().max(500).optional(),
      /** Who asks, for the record (omitted: the owner). */
      userId: Id.optional(),
    }),
    DeletionResult,
  ),
  /** Admin. The deletions of a project (newest first), or of every project (deleted ones too) without one. */
  listDeletions: method(z.object({ projectId: Id.optional() }), z.array(DeletionRecord)),
  /** Admin. Imports the deletion's archive back (a deleted project comes back first); once per deletion. */
  restoreDeletion: method(z.object({ deletionId: Id }), RestoreResult),
} as const;
