/**
 * compareReport: compareModels and the arena on the same models and set, with the provenance the
 * report prints (project, verifier, set and its hash, the time, the studio's version), built
 * into HTML, CSV and JSON by report.ts.
 */
import type { MethodOutput, MethodParsedInput } from '../../../preload/contract/api.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProjectRow } from '../services/lookup.js';
import { arena } from './arena.js';
import { compareModels } from './compare.js';
import type { VerifierModels } from '../verifiers/models.js';
import { buildCompareReport } from './report.js';

/** "comparison-my-project-2026-12-01": letters, digits and dashes only. */
function reportFileName(project: string, isoDate: string): string {
  const slug =
    project
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'project';
  return `comparison-${slug}-${isoDate.slice(0, 10)}`;
}

export async function compareReport(ctx: CoreContext, input: MethodParsedInput<'compareReport'>, models?: VerifierModels): Promise<MethodOutput<'compareReport'>> {
  const db = ctx.db.read;
  const project = requireProjectRow(db, input.projectId);
  const comparison = await compareModels(ctx, input, models);
  const board = arena(db, { projectId: input.projectId, models: comparison.models.map((m) => m.model), setId: input.setId, rounds: 1000 });
  const set =
    input.setId === undefined
      ? null
      : (db
          .prepare<{ name: string; hash: string; items: number }>('SELECT name, hash, (SELECT COUNT(*) FROM evaluation_set_item WHERE set_id = s.id) AS items FROM evaluation_set s WHERE id = ?')
          .get(input.setId) ?? null);
  const generatedAt = nowIso(ctx);
  const report = buildCompareReport({ project: project.name, verifier: input.verifier, verifierPath: input.verifierPath ?? '', set, generatedAt, version: ctx.options.version }, comparison, board);
  return { fileName: reportFileName(project.name, generatedAt), ...report };
}
