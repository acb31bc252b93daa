/** Projects: name, label schema (default: MLCommons hazard taxonomy), guidelines, annotators per item. */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { defaultLabelSchema, type LabelSchema, type ImportProblem } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireProject, requireProjectRow } from './lookup.js';
import { toProjectSummary, type ProjectRow } from './rows.js';

type ProjectHandlers = Pick<StudioHandlers, 'listProjects' | 'getProject' | 'createProject' | 'updateProject'>;

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(values.filter((v) => (seen.has(v) ? true : (seen.add(v), false))))];
}

/** What zod cannot say about a label schema: repeated entries, sensitive categories outside the taxonomy. */
export function labelSchemaProblems(schema: LabelSchema): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ file: 'labelSchema', line: null, field: `labelSchema.${field}`, message });
  for (const field of ['riskCategories', 'jailbreakTypes', 'sensitiveCategories'] as const) {
    const repeated = duplicates(schema[field]);
    if (repeated.length > 0) problem(field, `listed more than once: ${repeated.join(', ')}`);
  }
  const unknown = schema.sensitiveCategories.filter((c) => !schema.riskCategories.includes(c));
  if (unknown.length > 0) problem('sensitiveCategories', `not among the risk categories: ${unknown.join(', ')}`);
  return problems;
}

function assertValidSchema(schema: LabelSchema): void {
  const problems = labelSchemaProblems(schema);
  const first = problems[0];
  if (first) throw new StudioError('invalid_input', `${first.field}: ${first.message}`, problems);
}

function changed(ctx: CoreContext, projectId: number): void {
  ctx.events.emit({ type: 'project.changed', projectId });
}

export function projectHandlers(ctx: CoreContext): ProjectHandlers {
  return {
    listProjects: () => ctx.db.read.prepare<ProjectRow>('SELECT * FROM project WHERE deleted_at IS NULL ORDER BY id').all().map(toProjectSummary),

    getProject: ({ projectId }) => {
      // A deleted project's row stays for its runs and history (0023); it is not opened again.
      const deleted = ctx.db.read.prepare<{ name: string }>('SELECT name FROM project WHERE id = ? AND deleted_at IS NOT NULL').get(projectId);
      if (deleted) throw new StudioError('not_found', `Project "${deleted.name}" was deleted; restore it from the start screen.`);
      return requireProject(ctx.db.read, projectId);
    },

    createProject: (input) => {
      const labelSchema = input.labelSchema ?? defaultLabelSchema();
      assertValidSchema(labelSchema);
      const project = ctx.db.write.transaction(() => {
        const row = ctx.db.write
          .prepare<{ id: number }>(
            `INSERT INTO project (name, description, label_schema, guidelines, annotators_per_item, preference_criteria, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
          )
          .get(input.name, input.description, JSON.stringify(labelSchema), input.guidelines ?? '', input.annotatorsPerItem, JSON.stringify([...new Set(input.preferenceCriteria)]), nowIso(ctx));
        if (!row) throw new StudioError('internal', 'creating the project returned no row');
        return requireProject(ctx.db.write, row.id);
      });
      ctx.log.info('project created', { projectId: project.id });
      changed(ctx, project.id);
      return project;
    },

    updateProject: ({ projectId, patch }) => {
      if (patch.labelSchema) assertValidSchema(patch.labelSchema);
      const project = ctx.db.write.transaction(() => {
        const current = requireProjectRow(ctx.db.write, projectId);
        // A new annotators_per_item re-decides which items are complete (a trigger does it here,
        // in this transaction), so queues and progress change at once.
        ctx.db.write
          .prepare('UPDATE project SET name = ?, description = ?, label_schema = ?, guidelines = ?, annotators_per_item = ?, preference_criteria = ? WHERE id = ?')
          .run(
            patch.name ?? current.name,
            patch.description ?? current.description,
            patch.labelSchema ? JSON.stringify(patch.labelSchema) : current.label_schema,
            patch.guidelines ?? current.guidelines,
            patch.annotatorsPerItem ?? current.annotators_per_item,
            patch.preferenceCriteria ? JSON.stringify([...new Set(patch.preferenceCriteria)]) : current.preference_criteria,
            projectId,
          );
        return requireProject(ctx.db.write, projectId);
      });
      changed(ctx, projectId);
      return project;
    },
  };
}
