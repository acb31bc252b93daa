/**
 * Import preview and field mapping: before anything is written the Import tab shows the first rows
 * of the uploaded file and which column it will read as the id, the text and the image (guessed,
 * changeable); startImport then takes the mapping.
 */
import { z } from 'zod';
import { ImportProblem } from './domain.js';

const UploadId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const Column = z.string().min(1).max(256);

/** Source columns read as the item's id, text and image; an omitted one keeps its own name. */
export const ImportMapping = z.object({
  id: Column.optional(),
  text: Column.optional(),
  image: Column.optional(),
});
export type ImportMapping = z.infer<typeof ImportMapping>;

export const MAPPED_FIELDS = ['id', 'text', 'image'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

export const ImportPreview = z.object({
  /** The items file the import will read (inside the upload). */
  file: z.string(),
  format: z.enum(['jsonl', 'csv']),
  /** Every column seen in the rows previewed, in first-seen order. */
  columns: z.array(z.string()),
  /** The first rows, each cell shown as short text (long values cut, control characters escaped). */
  rows: z.array(z.record(z.string(), z.string())),
  /** The guessed mapping: the column for each field, or null when none fits. */
  mapping: z.object({ id: z.string().nullable(), text: z.string().nullable(), image: z.string().nullable() }),
  /** Images embedded in the whole items file as `data:image/` URIs (counted, not decoded). */
  embeddedImages: z.number().int(),
  /** Lines among the previewed ones that could not be read. */
  problems: z.array(ImportProblem),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const importPreviewMethods = {
  /** Reads the first rows of an upload and guesses the mapping; writes nothing. */
  previewImport: {
    input: z.object({
      uploadId: UploadId,
      /** The JSONL or CSV file inside the upload; omitted for a folder with a sidecar items file. */
      entry: z.string().max(1000).optional(),
    }),
    output: ImportPreview,
  },
} as const;
