/**
 * Parquet export: the items the filters keep as one Parquet table (table-rows.ts's columns),
 * images beside it as images/<sha256>.<ext>. Node has no Parquet writer among the project's
 * packages, so the worker's Python writes it with pyarrow: the rows go to a JSONL file first, a
 * short pyarrow script turns it into items.parquet with a fixed schema, and the JSONL is removed.
 *
 *   exports/<export id>/items.parquet, exports/<export id>/images/... (only with images)
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExportResult } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { locatePython } from '../training/system-info.js';
import { locateWorkerDir } from '../training/worker-dir.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, sha256File } from './folder.js';
import { activeFilters } from './item-filters.js';
import { walkItems } from './item-walk.js';
import type { ItemExportOptions } from './jsonl.js';
import { recordExport } from './record.js';
import { TABLE_COLUMNS, tableRow } from './table-rows.js';

const run = promisify(execFile);

const ARROW_TYPE: Record<(typeof TABLE_COLUMNS)[number]['dtype'], string> = {
  string: 'pa.string()',
  bool: 'pa.bool_()',
  int32: 'pa.int32()',
  string_list: 'pa.list_(pa.string())',
};

/** Reads the rows file (argv 1) and writes the Parquet file (argv 2) with the columns' types. */
const SCRIPT = `
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
schema = pa.schema([${TABLE_COLUMNS.map((c) => `(${JSON.stringify(c.name)}, ${ARROW_TYPE[c.dtype]})`).join(', ')}])
with open(sys.argv[1], encoding="utf-8") as f:
    rows = [json.loads(line) for line in f if line.strip()]
pq.write_table(pa.Table.from_pylist(rows, schema=schema), sys.argv[2])
`;

/** The worker's Python (STUDIO_PYTHON, native-models/.venv, the data dir's python-env). */
export function exportPython(ctx: CoreContext): string {
  const workerDir = locateWorkerDir() ?? join(ctx.paths.root, 'native-models-missing');
  const python = locatePython({ dataDir: ctx.paths.root, workerDir, envPython: process.env.STUDIO_PYTHON })?.path;
  if (!python) throw new StudioError('unsupported', 'A Parquet export needs the worker Python with pyarrow (scripts/python-env.sh sets it up); JSONL and the Hugging Face folder need nothing');
  return python;
}

export async function exportParquet(ctx: CoreContext, projectId: number, outDir: string = ctx.paths.exports, options: ItemExportOptions = {}): Promise<ExportResult> {
  const project = requireProjectRow(ctx.db.read, projectId);
  const python = exportPython(ctx);
  const filters = activeFilters(options.filters);
  const folder = newExportFolder(outDir, project.name, 'parquet', ctx.clock.now());
  await beginFolder(folder);
  try {
    const rowsFile = join(folder.temp, '.rows.jsonl');
    const out = await createExportFile(rowsFile);
    let counts;
    try {
      counts = await walkItems(ctx, projectId, filters, folder.temp, async (page) => {
        await out.write(page.map((entry) => `${JSON.stringify(tableRow(entry))}\n`).join(''));
      });
    } finally {
      await out.close();
    }
    const file = join(folder.temp, 'items.parquet');
    await run(python, ['-c', SCRIPT, rowsFile, file], { timeout: 10 * 60_000, maxBuffer: 1 << 20 }).catch((error: unknown) => {
      const detail = error instanceof Error && 'stderr' in error ? String(error.stderr).trim().split('\n').slice(-1)[0] : String(error);
      throw new StudioError('internal', `pyarrow could not write the Parquet file: ${detail}`);
    });
    await rm(rowsFile);
    const sha256 = await sha256File(file);
    await finishFolder(folder);
    const result: ExportResult = { exportId: folder.exportId, format: 'parquet', path: join(folder.final, 'items.parquet'), sha256, ...counts };
    recordExport(ctx, projectId, result, { ...counts }, nowIso(ctx), filters);
    ctx.log.info('export written', { projectId, exportId: folder.exportId, format: 'parquet', items: counts.items });
    return result;
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the export could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
