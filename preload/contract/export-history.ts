/**
 * Export filters and the export history: every export is recorded (what, when, by whom, with which
 * filters, how many of each thing, the file and its sha256) and can be downloaded again from the
 * list until its folder is deleted from the host's disk.
 */
import { z } from 'zod';
import { ExportFormat } from './domain.js';

const Id = z.number().int().positive();

/**
 * Which items an item export (jsonl, parquet, hf) writes; omitted fields do not filter.
 * agreement: `agree` keeps items with two or more current labels that are all the same,
 * `disagree` those with two or more current labels that differ.
 */
export const ExportFilters = z.object({
  split: z.enum(['train', 'eval', 'heldout']).optional(),
  /** Only items this person (by name) has a current submitted label on. */
  annotator: z.string().min(1).max(200).optional(),
  agreement: z.enum(['agree', 'disagree']).optional(),
});
export type ExportFilters = z.infer<typeof ExportFilters>;

export const ExportRecord = z.object({
  exportId: z.string(),
  projectId: z.number().int(),
  format: ExportFormat,
  createdAt: z.string(),
  /** Who made it; null for the owner (desktop, CLI, the printed link). */
  createdBy: z.string().nullable(),
  filters: ExportFilters,
  counts: z.record(z.string(), z.number()),
  /** The file or folder on the host's disk. */
  path: z.string(),
  sha256: z.string(),
  /** What a download is called: `<id>.jsonl`, `<id>.parquet` for one file, `<id>.tar` for a folder. */
  fileName: z.string(),
  /** False once the folder is gone from the host's disk (the record stays). */
  available: z.boolean(),
});
export type ExportRecord = z.infer<typeof ExportRecord>;

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const exportHistoryMethods = {
  /** The project's exports, newest first. */
  listExports: method(z.object({ projectId: Id }), z.array(ExportRecord)),
};
