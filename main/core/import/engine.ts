/**
 * The importer: streams an items file, checks every row (fields, images, duplicates), then
 * writes the valid rows in one transaction. All-or-nothing by default: one error and nothing
 * is written (image files already stored stay, harmless and content-addressed, but no row
 * points at them). With validRowsOnly the valid rows are written and every row left out is
 * listed in `skipped` with its line, field and reason. Duplicates (same text and image as an
 * earlier row or an item already in the project) are never errors and never imported twice.
 *
 * Reading and checking yield to the event loop every few milliseconds, so the hosts keep
 * answering during a large import; the final write is one synchronous transaction (a
 * transaction cannot span event-loop turns without taking in other writers' statements).
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { StudioDb } from '../../../db/handles.js';
import type { ImportProblem, ImportReport } from '../../../preload/contract/domain.js';
import type { ImportMapping } from '../../../preload/contract/import-preview.js';
import { removeUnreferencedBlobs } from '../blobs/gc.js';
import type { BlobStore } from '../blobs/store.js';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../images/accept.js';
import { requireProject } from '../services/lookup.js';
import { mapCategory } from './categories.js';
import { ImageResolver } from './images.js';
import { ProblemList } from './problems.js';
import { readRecords } from './records.js';
import { applyMapping, hasRenames, requiredColumns } from './mapping.js';
import { validateRecord, MAX_TEXT_BYTES } from './row.js';
import type { ImportSource, SourceResult } from './source.js';
import { writeImport, type PreparedRow } from './write.js';

export type ImportPhase = 'reading' | 'validating' | 'writing' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number | null;
}

export interface ImportDeps {
  db: StudioDb;
  blobs: BlobStore;
  imageLimits?: ImageLimits;
  /** ISO timestamp for created_at columns (tests pin it). */
  now?: () => string;
}

export interface ImportOptions {
  projectId: number;
  validRowsOnly: boolean;
  /** Called often; the caller throttles what it forwards. */
  onProgress?: (progress: ImportProgress) => void;
  maxTextBytes?: number;
  /** Which source columns are the id, the text and the image. */
  mapping?: ImportMapping | undefined;
}

/** sha256 of the text, a NUL byte, and the image's sha256 (or nothing): the item's identity in a project. */
export function contentHash(text: string, imageSha256: string | null): string {
  return createHash('sha256')
    .update(text, 'utf8')
    .update('\0')
    .update(imageSha256 ?? '')
    .digest('hex');
}

/** Lets the event loop run other work (other requests, timers) between slices of an import. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How long an import may run before it lets other work in, in milliseconds. */
export const SLICE_MS = 12;

/** Lines in the file (for the progress bar's total): newlines, plus one for a last line without one. */
export async function lineTotal(file: string): Promise<number | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    let newlines = 0;
    let last = 10;
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      for (let at = buffer.indexOf(10); at >= 0 && at < bytesRead; at = buffer.indexOf(10, at + 1)) newlines += 1;
      last = buffer[bytesRead - 1]!;
    }
    return last === 10 ? newlines : newlines + 1;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

function emptyReport(started: number): ImportReport {
  return { committed: false, imported: 0, images: 0, labelsImported: 0, duplicates: [], skipped: [], errors: [], notices: [], durationMs: performance.now() - started };
}

export async function runImport(deps: ImportDeps, resolved: SourceResult, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const schema = requireProject(deps.db.read, options.projectId).labelSchema;
  if (!resolved.ok) {
    return { ...emptyReport(started), errors: [{ file: resolved.file, line: null, field: null, message: resolved.message }] };
  }
  const source: ImportSource = resolved.source;
  const file = source.displayName;
  const limits = deps.imageLimits ?? DEFAULT_IMAGE_LIMITS;
  const maxTextBytes = options.maxTextBytes ?? MAX_TEXT_BYTES;
  const progress = options.onProgress ?? (() => undefined);

  const errors = new ProblemList();
  const skipped = new ProblemList();
  const duplicates = new ProblemList();
  const notices = new ProblemList();
  const rejectAny = (problem: ImportProblem) => (options.validRowsOnly ? skipped : errors).add(problem);

  // What the project already holds, to skip duplicates and refuse reused ids.
  const existingByHash = new Map<string, string>();
  const existingIds = new Set<string>();
  for (const row of deps.db.read.prepare<{ content_hash: string; external_id: string }>('SELECT content_hash, external_id FROM item WHERE project_id = ?').iterate(options.projectId)) {
    existingByHash.set(row.content_hash, row.external_id);
    existingIds.add(row.external_id);
  }

  const total = await lineTotal(source.file);
  progress({ phase: 'reading', done: 0, total });

  const images = new ImageResolver(source.root, deps.blobs, limits);
  const seenHash = new Map<string, number>();
  const seenId = new Map<string, number>();
  const rows: PreparedRow[] = [];
  let fatal = false;
  let sliceStart = performance.now();

  const records = readRecords(source, {
    maxLineBytes: Math.ceil(limits.maxBytes * 1.34) + maxTextBytes * 6 + 1024 * 1024,
    ...(hasRenames(options.mapping) ? { requiredColumns: requiredColumns(options.mapping) } : {}),
  });
  for await (const entry of records) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    if (entry.kind === 'progress') {
      progress({ phase: 'validating', done: entry.lines, total });
      continue;
    }
    if (entry.kind === 'fatal') {
      errors.add({ file, line: entry.line, field: entry.field, message: entry.message });
      fatal = true;
      continue;
    }
    if (entry.kind === 'problem') {
      rejectAny({ file, line: entry.line, field: entry.field, message: entry.message, ...(entry.excerpt !== undefined ? { excerpt: entry.excerpt } : {}) });
      continue;
    }
    const { line } = entry;
    const record = applyMapping(entry.record, options.mapping);
    const rejectRow = (problem: ImportProblem) => rejectAny({ ...problem, excerpt: entry.excerpt });
    const result = validateRecord(record, { defaultSource: file, riskCategories: schema.riskCategories, jailbreakTypes: schema.jailbreakTypes, maxTextBytes });
    if (!result.ok) {
      for (const p of result.problems) rejectRow({ file, line, field: p.field, message: p.message });
      continue;
    }
    const row = result.row;
    // Once the import is sure to commit nothing, check images without storing them.
    images.store = options.validRowsOnly || errors.count === 0;
    let image = null;
    if (row.image) {
      const resolvedImage = await images.resolve(row.image);
      if (!resolvedImage.ok) {
        rejectRow({ file, line, field: 'image', message: resolvedImage.message });
        continue;
      }
      image = resolvedImage.image;
      for (const notice of resolvedImage.notices) notices.add({ file, line, field: 'image', message: notice });
    }
    const hash = contentHash(row.text, image?.sha256 ?? null);
    const earlierLine = seenHash.get(hash);
    if (earlierLine !== undefined) {
      duplicates.add({ file, line, field: null, message: `same text and image as line ${earlierLine}; not imported twice` });
      continue;
    }
    const existing = existingByHash.get(hash);
    if (existing !== undefined) {
      const dropped = row.annotations.length ? ` (its ${row.annotations.length} annotation versions were not imported)` : '';
      duplicates.add({ file, line, field: null, message: `same text and image as item "${existing}" already in the project${dropped}` });
      continue;
    }
    const idLine = seenId.get(row.externalId);
    if (idLine !== undefined) {
      rejectRow({ file, line, field: 'id', message: `id "${row.externalId}" is already used on line ${idLine} for a different prompt` });
      continue;
    }
    if (existingIds.has(row.externalId)) {
      rejectRow({ file, line, field: 'id', message: `id "${row.externalId}" is already used in this project by a different prompt` });
      continue;
    }
    seenHash.set(hash, line);
    seenId.set(row.externalId, line);
    const category = row.sourceLabels.category;
    const mapped = category !== undefined ? mapCategory(category, schema.riskCategories) : null;
    const sensitive = row.sensitive ?? (mapped !== null && schema.sensitiveCategories.includes(mapped));
    // A data URI's decoded bytes are in the blob store now; keeping them on the row would hold
    // every embedded image of the file in memory until the commit.
    rows.push({ row: row.image?.kind === 'data' ? { ...row, image: null } : row, image, contentHash: hash, sensitive });
  }

  const report = (committed: boolean, counts: { imported: number; images: number; labelsImported: number }): ImportReport => ({
    committed,
    imported: counts.imported,
    images: counts.images,
    labelsImported: counts.labelsImported,
    duplicates: duplicates.toArray(file),
    skipped: skipped.toArray(file),
    errors: errors.toArray(file),
    notices: notices.toArray(file),
    durationMs: Math.round(performance.now() - started),
  });

  if (fatal || errors.count > 0 || rows.length === 0) {
    // Images stored before a later row failed belong to nothing now: they go again.
    await removeUnreferencedBlobs(deps.db.read, deps.blobs, images.created);
    progress({ phase: 'done', done: 0, total: rows.length });
    return report(false, { imported: 0, images: 0, labelsImported: 0 });
  }

  progress({ phase: 'writing', done: 0, total: rows.length });
  await yieldToEventLoop();
  const now = (deps.now ?? (() => new Date().toISOString()))();
  let outcome: Awaited<ReturnType<typeof writeImport>>;
  try {
    outcome = await writeImport(
      deps.db.write,
      {
        projectId: options.projectId,
        source: file,
        rows,
        now,
        onRows: (written) => progress({ phase: 'writing', done: written, total: rows.length }),
        yieldNow: yieldToEventLoop,
      },
      (o) => report(true, o),
    );
  } catch (err) {
    await removeUnreferencedBlobs(deps.db.read, deps.blobs, images.created);
    throw err;
  }
  progress({ phase: 'done', done: outcome.imported, total: rows.length });
  return report(true, outcome);
}
