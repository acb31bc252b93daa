/**
 * Guideline versions: triggers (0015) append a version whenever a project's guidelines change and
 * appendAnnotation records the current one on every label. Sending back retracts the current
 * labels made under older versions, and those made in the studio before versions were kept (NULL,
 * origin queue or browse); imported labels without a version were made elsewhere, under no
 * guidelines of ours, and are left alone. Their items return to the
 * annotators' queues (at the front, like an undo); the retracted versions keep the labels, so
 * history shows what was sent back, and send_back_annotation says which retractions these were.
 */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { nowIso, type CoreContext } from '../context.js';
import { appendAnnotation } from '../services/annotations.js';
import { requireProjectRow } from '../services/lookup.js';
import { parseStoredLabels } from '../services/rows.js';
import { requireReviewer } from './reviewer.js';

type GuidelineHandlers = Pick<StudioHandlers, 'listGuidelineVersions' | 'sendBackOutdated'>;

export function guidelineHandlers(ctx: CoreContext): GuidelineHandlers {
  const db = ctx.db;
  return {
    listGuidelineVersions: ({ projectId }) => {
      requireProjectRow(db.read, projectId);
      return db.read
        .prepare<{ version: number; text: string; created_at: string; labels: number }>(
          `SELECT g.version, g.text, g.created_at,
             (SELECT COUNT(*) FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
               WHERE h.project_id = g.project_id AND h.status = 'submitted' AND a.guideline_version = g.version) AS labels
           FROM guideline_version g WHERE g.project_id = ? ORDER BY g.version DESC`,
        )
        .all(projectId)
        .map((r) => ({ version: r.version, text: r.text, createdAt: r.created_at, labels: r.labels }));
    },

    sendBackOutdated: ({ projectId, reviewerId, belowVersion }) => {
      const result = db.write.transaction(() => {
        requireReviewer(db.write, reviewerId, 'send labels back');
        requireProjectRow(db.write, projectId);
        const current = db.write.prepare<{ v: number }>('SELECT MAX(version) AS v FROM guideline_version WHERE project_id = ?').get(projectId)?.v ?? 1;
        const below = belowVersion ?? current;
        if (below > current) throw new StudioError('invalid_input', `belowVersion ${below} is past the current guideline version ${current}`);
        const outdated = db.write
          .prepare<{ item_id: number; annotator_id: number; labels: string }>(
            `SELECT h.item_id, h.annotator_id, a.labels FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id
             WHERE h.project_id = ? AND h.status = 'submitted'
               AND (a.guideline_version < ? OR (a.guideline_version IS NULL AND a.origin <> 'import'))
             ORDER BY h.item_id, h.annotator_id`,
          )
          .all(projectId, below);
        if (outdated.length === 0) return { sendBackId: null, labels: 0, items: 0 };
        const createdAt = nowIso(ctx);
        const batch = db.write
          .prepare<{ id: number }>('INSERT INTO send_back (project_id, reviewer_id, below_version, created_at) VALUES (?, ?, ?, ?) RETURNING id')
          .get(projectId, reviewerId, below, createdAt)!.id;
        const link = db.write.prepare('INSERT INTO send_back_annotation (annotation_id, send_back_id) VALUES (?, ?)');
        for (const row of outdated) {
          const id = appendAnnotation(db.write, {
            itemId: row.item_id,
            projectId,
            annotatorId: row.annotator_id,
            status: 'retracted',
            origin: 'queue',
            labels: parseStoredLabels(row.labels, `item ${row.item_id} labels`),
            timeSpentMs: 0,
            createdAt,
          });
          link.run(id, batch);
        }
        return { sendBackId: batch, labels: outdated.length, items: new Set(outdated.map((r) => r.item_id)).size };
      });
      if (result.labels > 0) ctx.events.emit({ type: 'project.changed', projectId });
      ctx.log.info('labels sent back', { projectId, ...result });
      return result;
    },
  };
}
