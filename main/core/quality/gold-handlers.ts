/** Marking, unmarking and listing gold checks (reviewers and admins only). */
import type { StudioHandlers } from '../../../preload/contract/api.js';
import { StudioError } from '../../../preload/contract/errors.js';
import { labelProblems, type LabelValues } from '../../../preload/contract/domain.js';
import type { GoldCheck, GoldExpected } from '../../../preload/contract/quality.js';
import type { ReadableDB } from '../../../db/handles.js';
import { nowIso, type CoreContext } from '../context.js';
import { requireItemRow, requireProject, requireProjectRow } from '../services/lookup.js';
import { parseStoredLabels } from '../services/rows.js';
import { matchesGold, parseGoldExpected } from './gold.js';
import { requireReviewer } from './reviewer.js';

type GoldHandlers = Pick<StudioHandlers, 'markGoldCheck' | 'unmarkGoldCheck' | 'listGoldChecks'>;

interface GoldRow {
  item_id: number;
  external_id: string;
  text: string;
  expected: string;
  created_by: string;
  created_at: string;
}

const GOLD_SQL = `SELECT g.item_id, i.external_id, i.text, g.expected, u.name AS created_by, g.created_at
  FROM gold_check g JOIN item i ON i.id = g.item_id JOIN user u ON u.id = g.created_by`;

function toGoldChecks(db: ReadableDB, rows: readonly GoldRow[]): GoldCheck[] {
  const answers = db.prepare<{ labels: string }>(`SELECT a.labels FROM annotation_head h JOIN annotation a ON a.id = h.annotation_id WHERE h.item_id = ? AND h.status = 'submitted'`);
  return rows.map((r) => {
    const expected = parseGoldExpected(r.expected, r.item_id);
    const labels = answers.all(r.item_id).map((a) => parseStoredLabels(a.labels, `item ${r.item_id} labels`));
    return {
      itemId: r.item_id,
      externalId: r.external_id,
      text: r.text,
      expected,
      createdBy: r.created_by,
      createdAt: r.created_at,
      answered: labels.length,
      correct: labels.filter((l) => matchesGold(l, expected)).length,
    };
  });
}

/** Known answers must be answers the project's taxonomy allows. */
function assertExpectedValid(expected: GoldExpected, riskCategories: readonly string[], jailbreakTypes: readonly string[]): void {
  const probe: LabelValues = { harmful: null, riskCategory: null, severity: null, expected: null, jailbreakType: null, crossModalRisk: null, visualCues: [], referenceAnswer: null, rationale: null };
  const problems = labelProblems({ ...probe, ...expected }, { riskCategories: [...riskCategories], jailbreakTypes: [...jailbreakTypes], sensitiveCategories: [] }, 'safety').filter(
    (p) => p.field === 'riskCategory' || p.field === 'jailbreakType',
  );
  const first = problems[0];
  if (first)
    throw new StudioError(
      'invalid_input',
      `expected.${first.field}: ${first.message}`,
      problems.map((p) => ({ file: 'expected', line: null, field: p.field, message: p.message })),
    );
}

export function goldHandlers(ctx: CoreContext): GoldHandlers {
  const db = ctx.db;
  const changed = (projectId: number) => ctx.events.emit({ type: 'project.changed', projectId });
  return {
    markGoldCheck: ({ itemId, reviewerId, expected }) => {
      const projectId = db.write.transaction(() => {
        requireReviewer(db.write, reviewerId, 'mark gold checks');
        const item = requireItemRow(db.write, itemId);
        const schema = requireProject(db.write, item.project_id).labelSchema;
        assertExpectedValid(expected, schema.riskCategories, schema.jailbreakTypes);
        db.write
          .prepare(
            `INSERT INTO gold_check (item_id, project_id, expected, created_by, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (item_id) DO UPDATE SET expected = excluded.expected, created_by = excluded.created_by, created_at = excluded.created_at`,
          )
          .run(itemId, item.project_id, JSON.stringify(expected), reviewerId, nowIso(ctx));
        return item.project_id;
      });
      changed(projectId);
      return toGoldChecks(db.read, db.read.prepare<GoldRow>(`${GOLD_SQL} WHERE g.item_id = ?`).all(itemId))[0]!;
    },

    unmarkGoldCheck: ({ itemId, reviewerId }) => {
      const { removed, projectId } = db.write.transaction(() => {
        requireReviewer(db.write, reviewerId, 'unmark gold checks');
        const item = requireItemRow(db.write, itemId);
        return { removed: db.write.prepare('DELETE FROM gold_check WHERE item_id = ?').run(itemId).changes > 0, projectId: item.project_id };
      });
      if (removed) changed(projectId);
      return { removed };
    },

    listGoldChecks: ({ projectId, reviewerId }) => {
      requireReviewer(db.read, reviewerId, 'see gold checks');
      requireProjectRow(db.read, projectId);
      return toGoldChecks(db.read, db.read.prepare<GoldRow>(`${GOLD_SQL} WHERE g.project_id = ? ORDER BY g.item_id`).all(projectId));
    },
  };
}
