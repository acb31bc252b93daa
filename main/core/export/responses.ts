/**
 * Responses export: every response of a project with its whole verdict history, then every
 * version of every preference vote, in the response file format the response importer reads
 * (one JSON object a line; HELPERS.md "The response file format"):
 *
 *   exports/<export id>/responses.jsonl
 *
 * Response line: item_id (the item's external id), model, response, sample_index, params, and
 * provenance (project, origin, created_at), with `verdicts` listing every version by every
 * annotator in the order they were made (annotator, role, verdict, helpfulness, ideal_response,
 * rationale, time_spent_ms, status, version, origin, created_at).
 * Preference line: item_id, project and `preference` {a, b: {model, sample_index} in the stored
 * canonical order, annotator, role, choice (refers to a/b), criteria, blind, left ("a" | "b",
 * the one shown on the left), time_spent_ms, status, version, origin, created_at}.
 * Preference lines follow all response lines, so a reader has every response before a vote on it.
 */
import { join } from 'node:path';
import type { ExportResult } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { abandonFolder, beginFolder, createExportFile, finishFolder, newExportFolder, sha256File } from './folder.js';
import { readProjectResponses, readProjectVotes, type ExportResponse, type ExportVote } from './read-responses.js';
import { recordExport } from './record.js';

export function responseLine(project: string, r: ExportResponse): string {
  return JSON.stringify({
    item_id: r.itemExternalId,
    model: r.model,
    response: r.text,
    sample_index: r.sampleIndex,
    params: r.params,
    project,
    origin: r.origin,
    created_at: r.createdAt,
    verdicts: r.history.map((v) => ({
      annotator: v.annotator,
      role: v.role,
      verdict: v.verdict,
      helpfulness: v.helpfulness,
      ideal_response: v.idealResponse,
      rationale: v.rationale,
      time_spent_ms: v.timeSpentMs,
      status: v.status,
      version: v.version,
      origin: v.origin,
      created_at: v.createdAt,
    })),
  });
}

export function preferenceLine(project: string, v: ExportVote): string {
  return JSON.stringify({
    item_id: v.itemExternalId,
    project,
    preference: {
      a: { model: v.a.model, sample_index: v.a.sampleIndex },
      b: { model: v.b.model, sample_index: v.b.sampleIndex },
      annotator: v.annotator,
      role: v.role,
      choice: v.choice,
      criteria: v.criteria,
      blind: v.blind,
      left: v.leftResponseId === v.a.responseId ? 'a' : 'b',
      time_spent_ms: v.timeSpentMs,
      status: v.status,
      version: v.version,
      origin: v.origin,
      created_at: v.createdAt,
    },
  });
}

/** Writes a new responses export of the project into a new folder under `outDir` (default: exports/). */
export async function exportResponses(ctx: CoreContext, projectId: number, outDir: string = ctx.paths.exports): Promise<ExportResult> {
  const project = requireProjectRow(ctx.db.read, projectId);
  const folder = newExportFolder(outDir, project.name, 'responses', ctx.clock.now());
  await beginFolder(folder);
  try {
    const file = join(folder.temp, 'responses.jsonl');
    const out = await createExportFile(file);
    const items = new Set<number>();
    let responses = 0;
    let labels = 0;
    let preferences = 0;
    try {
      for await (const page of readProjectResponses(ctx.db.read, projectId)) {
        let chunk = '';
        for (const r of page) {
          chunk += `${responseLine(project.name, r)}\n`;
          responses += 1;
          labels += r.history.length;
          items.add(r.itemId);
        }
        await out.write(chunk);
      }
      for await (const page of readProjectVotes(ctx.db.read, projectId)) {
        await out.write(page.map((v) => `${preferenceLine(project.name, v)}\n`).join(''));
        preferences += page.length;
      }
      await out.sync();
    } finally {
      await out.close();
    }
    const sha256 = await sha256File(file);
    await finishFolder(folder);
    const result: ExportResult = {
      exportId: folder.exportId,
      format: 'responses',
      path: join(folder.final, 'responses.jsonl'),
      sha256,
      items: items.size,
      labels,
      images: 0,
      responses,
      preferences,
    };
    recordExport(ctx, projectId, result, { items: items.size, responses, labels, preferences }, nowIso(ctx));
    ctx.log.info('export written', { projectId, exportId: folder.exportId, format: 'responses', responses, preferences });
    return result;
  } catch (error) {
    await abandonFolder(folder);
    if (error instanceof StudioError) throw error;
    throw new StudioError('internal', `the export could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}
