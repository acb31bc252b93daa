/**
 * The responses importer: streams a JSONL file line by line, checks and resolves every line (its
 * shape, item, duplicates, the votes' responses), then writes the plan in one transaction.
 * All-or-nothing by default: one error and nothing is written. With validRowsOnly the valid lines
 * are written and every line left out is listed in `skipped` with its line, field and reason.
 * Duplicates are never errors and never imported twice, so an identical re-import changes nothing.
 *
 * Reading and checking yield to the event loop every few milliseconds (as the item import does),
 * so the hosts keep answering during a large import.
 */
import { performance } from 'node:perf_hooks';
import type { StudioDb } from '../../../../db/handles.js';
import type { ImportProblem, ImportReport } from '../../../../preload/contract/domain.js';
import { lineTotal, SLICE_MS, yieldToEventLoop, type ImportProgress } from '../../import/engine.js';
import { readLines } from '../../import/lines.js';
import { ProblemList } from '../../import/problems.js';
import { requireProjectRow } from '../../services/lookup.js';
import { MAX_RESPONSE_BYTES } from './fields.js';
import { parseLine } from './parse-line.js';
import { ImportPlan } from './plan.js';
import { ProjectState } from './project-state.js';
import type { ResponseSource } from './source.js';
import { writeResponseImport, type WriteOutcome } from './write.js';

export interface ResponseImportDeps {
  db: StudioDb;
  now?: () => string;
}

export interface ResponseImportOptions {
  projectId: number;
  validRowsOnly: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

/** A line holds a response and its verdicts (each with an ideal response and a rationale). */
const MAX_LINE_BYTES = MAX_RESPONSE_BYTES * 4 + 16 * 1024 * 1024;

function parseRecord(text: string): { record: Record<string, unknown> } | { message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { message: 'each line must be one JSON object ({...})' };
  return { record: value as Record<string, unknown> };
}

export async function runResponseImport(deps: ResponseImportDeps, source: ResponseSource, options: ResponseImportOptions): Promise<ImportReport> {
  const started = performance.now();
  requireProjectRow(deps.db.read, options.projectId);
  const file = source.ok ? source.displayName : source.file;
  const progress = options.onProgress ?? (() => undefined);
  const errors = new ProblemList();
  const skipped = new ProblemList();
  const duplicates = new ProblemList();
  const report = (committed: boolean, o: Omit<WriteOutcome, 'importId'>): ImportReport => ({
    committed,
    imported: o.imported,
    images: 0,
    labelsImported: o.verdictsImported + o.preferencesImported,
    verdictsImported: o.verdictsImported,
    preferencesImported: o.preferencesImported,
    duplicates: duplicates.toArray(file),
    skipped: skipped.toArray(file),
    errors: errors.toArray(file),
    notices: [],
    durationMs: Math.round(performance.now() - started),
  });
  const nothing = { imported: 0, verdictsImported: 0, preferencesImported: 0 };
  if (!source.ok) {
    errors.add({ file, line: null, field: null, message: source.message });
    return report(false, nothing);
  }
  const reject = (problem: ImportProblem) => (options.validRowsOnly ? skipped : errors).add(problem);

  const total = await lineTotal(source.file);
  progress({ phase: 'reading', done: 0, total });
  const plan = new ImportPlan(await ProjectState.load(deps.db.read, options.projectId, yieldToEventLoop));
  let rows = 0;
  let sliceStart = performance.now();
  for await (const raw of readLines(source.file, { maxLineBytes: MAX_LINE_BYTES })) {
    if (performance.now() - sliceStart > SLICE_MS) {
      progress({ phase: 'validating', done: raw.line, total });
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    if (raw.text === null) {
      rows += 1;
      reject({ file, line: raw.line, field: null, message: raw.problem });
      continue;
    }
    if (raw.text.trim() === '') continue;
    rows += 1;
    const parsed = parseRecord(raw.text);
    if ('message' in parsed) {
      reject({ file, line: raw.line, field: null, message: parsed.message });
      continue;
    }
    const line = parseLine(parsed.record);
    if (!line.ok) {
      for (const p of line.problems) reject({ file, line: raw.line, ...p });
      continue;
    }
    const outcome = plan.addLine(line.line, raw.line);
    for (const p of outcome.problems) reject({ file, line: raw.line, ...p });
    for (const p of outcome.duplicates) duplicates.add({ file, line: raw.line, ...p });
  }
  if (rows === 0) errors.add({ file, line: null, field: null, message: `${file} is empty: it has no responses to import` });
  for (const outcome of plan.resolveVotes()) {
    for (const p of outcome.problems) reject({ file, line: outcome.line, ...p });
    for (const p of outcome.duplicates) duplicates.add({ file, line: outcome.line, ...p });
  }

  if (errors.count > 0 || (plan.staged.length === 0 && plan.votes.length === 0)) {
    progress({ phase: 'done', done: 0, total: plan.staged.length });
    return report(false, nothing);
  }
  progress({ phase: 'writing', done: 0, total: plan.staged.length });
  await yieldToEventLoop();
  const now = (deps.now ?? (() => new Date().toISOString()))();
  const outcome = await writeResponseImport(
    deps.db.write,
    {
      projectId: options.projectId,
      source: file,
      plan,
      now,
      onRows: (staged) => progress({ phase: 'writing', done: staged, total: plan.staged.length }),
      yieldNow: yieldToEventLoop,
    },
    (o) => report(true, o),
  );
  progress({ phase: 'done', done: outcome.imported, total: plan.staged.length });
  return report(true, outcome);
}
