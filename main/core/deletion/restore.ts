/**
 * Undo: imports a deletion's archive back into its project (a deleted project is listed again
 * once its items are in): items.jsonl through the item importer (items, every label version, flags, images), then
 * responses.jsonl through the response importer (responses, verdict and vote versions). Items get
 * new ids; external ids, labels and history are as they were. extras.jsonl (gold, automatic
 * verdicts, send-back records) is no importer's format and stays in the archive to read.
 * Each import is all-or-nothing; a deletion is restored once.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RestoreResult } from '../../../preload/contract/deletion.js';
import { StudioError } from '../../../preload/contract/errors.js';
import type { ImportReport } from '../../../preload/contract/domain.js';
import { nowIso, type CoreContext } from '../context.js';
import { importPath } from '../import/import-path.js';
import { importResponsesPath } from '../responses/import/import-path.js';

interface DeletionRow {
  id: number;
  project_id: number;
  scope: 'items' | 'project';
  restored_at: string | null;
  path: string;
}

function hasLines(file: string): boolean {
  return existsSync(file) && statSync(file).size > 0;
}

function problems(report: ImportReport, file: string): string {
  const first = report.errors[0];
  return `${file} did not import${first ? ` (line ${first.line ?? '?'}${first.field ? `, ${first.field}` : ''}): ${first.message}` : ''}`;
}

export async function restoreDeletion(ctx: CoreContext, deletionId: number): Promise<RestoreResult> {
  const row = ctx.db.read.prepare<DeletionRow>('SELECT d.id, d.project_id, d.scope, d.restored_at, e.path FROM deletion d JOIN export e ON e.id = d.export_id WHERE d.id = ?').get(deletionId);
  if (!row) throw new StudioError('not_found', `There is no deletion ${deletionId}.`);
  if (row.restored_at !== null) throw new StudioError('conflict', `Deletion ${deletionId} was already restored (${row.restored_at}).`);
  const folder = row.path.endsWith('.jsonl') ? join(row.path, '..') : row.path;
  const items = join(folder, 'items.jsonl');
  const responses = join(folder, 'responses.jsonl');
  if (!existsSync(items)) throw new StudioError('not_found', `The archive ${folder} is no longer on disk, so the deletion cannot be undone.`);
  const result: RestoreResult = { deletionId, projectId: row.project_id, items: 0, labels: 0, responses: 0, verdicts: 0, votes: 0 };
  if (hasLines(items)) {
    const report = await importPath(ctx, { projectId: row.project_id, path: items });
    if (!report.committed) throw new StudioError('invalid_input', problems(report, items));
    result.items = report.imported;
    result.labels = report.labelsImported;
  }
  // A deleted project comes back once its items are in (an items import that fails leaves it deleted).
  if (row.scope === 'project') ctx.db.write.prepare('UPDATE project SET deleted_at = NULL WHERE id = ?').run(row.project_id);
  if (hasLines(responses)) {
    const report = await importResponsesPath(ctx, { projectId: row.project_id, path: responses });
    if (!report.committed)
      throw new StudioError(
        'invalid_input',
        `${problems(report, responses)}; the items and their labels are back, the responses are not (import ${responses} from the Import tab once the problem is fixed).`,
      );
    result.responses = report.imported;
    result.verdicts = report.verdictsImported ?? 0;
    result.votes = report.preferencesImported ?? 0;
  }
  ctx.db.write.prepare('UPDATE deletion SET restored_at = ? WHERE id = ?').run(nowIso(ctx), deletionId);
  ctx.log.info('deletion restored', { ...result });
  return result;
}
