/**
 * Appending annotation versions. Every label write in the studio goes through appendAnnotation
 * (queue submits, undo, browse edits; imports of source labels may use it too, origin 'import'):
 * the row is append-only, and triggers on it keep annotation_head, item.label_count/complete and
 * annotator_progress exact in the same transaction. Each version records the project's current
 * guideline version (guideline_version, 0014) it was made under.
 */
import type { WritableDB } from '../../../db/handles.js';
import { labelProblems, type LabelSchema, type LabelValues, type Task } from '../../../preload/contract/domain.js';
import { StudioError } from '../../../preload/contract/errors.js';

export type AnnotationOrigin = 'queue' | 'browse' | 'import';

export interface AppendAnnotation {
  itemId: number;
  projectId: number;
  annotatorId: number;
  status: 'submitted' | 'retracted';
  origin: AnnotationOrigin;
  labels: LabelValues;
  timeSpentMs: number;
  createdAt: string;
}

/** Appends the next version for (item, annotator) and returns its id. Call inside a transaction. */
export function appendAnnotation(db: WritableDB, a: AppendAnnotation): number {
  const row = db
    .prepare<{ id: number }>(
      `INSERT INTO annotation (item_id, project_id, annotator_id, version, status, origin, labels, harmful,
         risk_category, severity, expected, jailbreak_type, cross_modal_risk, time_spent_ms, created_at, guideline_version)
       VALUES (@itemId, @projectId, @annotatorId,
         1 + COALESCE((SELECT version FROM annotation_head WHERE item_id = @itemId AND annotator_id = @annotatorId), 0),
         @status, @origin, @labels, @harmful, @riskCategory, @severity, @expected, @jailbreakType, @crossModalRisk,
         @timeSpentMs, @createdAt,
         (SELECT MAX(version) FROM guideline_version WHERE project_id = @projectId))
       RETURNING id`,
    )
    .get({
      itemId: a.itemId,
      projectId: a.projectId,
      annotatorId: a.annotatorId,
      status: a.status,
      origin: a.origin,
      labels: JSON.stringify(a.labels),
      harmful: a.labels.harmful === null ? null : a.labels.harmful ? 1 : 0,
      riskCategory: a.labels.riskCategory,
      severity: a.labels.severity,
      expected: a.labels.expected,
      jailbreakType: a.labels.jailbreakType,
      crossModalRisk: a.labels.crossModalRisk,
      timeSpentMs: a.timeSpentMs,
      createdAt: a.createdAt,
    });
  if (!row) throw new StudioError('internal', 'appending the annotation returned no row');
  return row.id;
}

/** Refuses labels the project's schema or the item's task does not allow, naming every field. */
export function assertLabelsValid(labels: LabelValues, schema: LabelSchema, task: Task, itemId: number): void {
  const problems = labelProblems(labels, schema, task);
  const first = problems[0];
  if (!first) return;
  throw new StudioError(
    'invalid_input',
    `item ${itemId}: ${first.field}: ${first.message}`,
    problems.map((p) => ({ file: 'labels', line: null, field: p.field, message: p.message })),
  );
}
